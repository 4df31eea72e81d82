"""Reader words only: the built record (its pages, open data, feed and PDF) never shows the editors' working
words. "Seed" (the documents the record was built from), "stored copy" (a page read offline) and "audit"
(the editors' review) mean nothing to a reader; the record says instead "checked against the source",
"known only from a secondary source" or "not found in a public copy", and keeps its working notes in
`editors_note`, in words a reader can follow.

Exempt are only a source's own words, each named below with why, and identifiers, which are not words: web
addresses, and the ids of the record's files (one claim's id, nao-will-not-audit, names the critic's claim).
The data-fields page and the data schemas are not read: they describe field names, not the record."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from conftest import REPO

WORDS = re.compile(r"\b(seeds?|stored\s+cop(?:y|ies)|audits?)\b", re.IGNORECASE)

# A source's own words that contain one of the words, each with the reason it may stand. Matched exactly.
EXCEPTIONS: dict[str, str] = {
    "National Audit Office": "the name of the public body, as it names itself in its own reports and press "
                             "releases cited here (nao2023pressrelease); a name, not the editors' word",
    "National Audit Office Failed To Audit": "the title of Mike Scott's post of 2019 (scott2019naofailed), "
                                             "in the references as the post has it",
    "without independent audit and no intention of NAO audit": "Mike Scott's words (scott2021careassistants), "
                                                              "quoted in the claim nao-will-not-audit",
    "all without any government funded independent audit": "Mike Scott's words in his letter of 2018 "
                                                          "(scott2018bmjletter), quoted in the evidence item "
                                                          "scott-2018-true-cost-five-times",
    "no intention of mounting an audit": "Mike Scott's words (scottcqcoutofbounds), quoted in the claims not "
                                         "assessed (the same claim as nao-will-not-audit)",
}

ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|info|io|uk|au|site|mx)/\S*",
                     re.IGNORECASE)


def _record_ids() -> list[str]:
    ids = [p.stem for folder in ("claims", "evidence", "charts") for p in (REPO / folder).glob("*.yml")]
    ids += list(yaml.safe_load((REPO / "topics.yml").read_text("utf-8")) or {})
    return sorted(ids, key=len, reverse=True)


IDS = _record_ids()
IDENTIFIER = re.compile(r"\S*(?:" + "|".join(re.escape(i) for i in IDS) + r")\S*") if IDS else re.compile(r"(?!)")


def offending(text: str) -> list[str]:
    """Each use of the working words in text, with some context, once the exempt words and identifiers
    are taken out."""
    text = re.sub(r"\s+", " ", text)
    for phrase in sorted(EXCEPTIONS, key=len, reverse=True):
        text = text.replace(phrase, " ")
    text = IDENTIFIER.sub(" ", ADDRESS.sub(" ", text))
    return [text[max(0, m.start() - 70):m.end() + 40] for m in WORDS.finditer(text)]


class _Visible(HTMLParser):
    """The text a reader sees: text outside <script> and <style>, and the attributes read out or shown
    (alt, title, aria-label) and the page's description as a shared link shows it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        values = dict(attrs)
        self.parts += [v for k, v in attrs if k in ("alt", "title", "aria-label") and v]
        if tag == "meta" and (values.get("name") in ("description", "twitter:title", "twitter:description")
                              or (values.get("property") or "").startswith("og:")):
            self.parts.append(values.get("content") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _data_texts(name: str, raw: bytes) -> list[str]:
    text = raw.decode("utf-8")
    if name.endswith(".json"):
        return _strings(json.loads(text))
    if name.endswith(".csv"):
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    return [text]


def _data_files(site: Path) -> list[tuple[str, bytes]]:
    """Every file of the open data (the zip's members too), by name, but the schemas."""
    files = []
    for path in sorted((site / "data").rglob("*")):
        rel = path.relative_to(site).as_posix()
        if not path.is_file() or "/schemas/" in rel:
            continue
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                files += [(f"{rel}:{m}", archive.read(m)) for m in archive.namelist()
                          if "schemas/" not in m and not m.endswith("/")]
        elif path.suffix in (".json", ".csv", ".txt"):
            files.append((rel, path.read_bytes()))
    return files


def test_the_check_finds_the_working_words() -> None:
    """The check is not blind: each word is found, in any case and across a line break, and only as a word."""
    for text in ("Quoted from the seed text", "seed-only", "SEEDS", "a Stored\ncopy", "stored copies",
                 "Audit: these words", "audits of the data"):
        assert offending(text), text
    for text in ("seeded", "auditing it", "audited", "the National Audit Office", "a copy stored here",
                 "http://www.cbtwatch.com/tag/national-audit-office/", "claims/nao-will-not-audit.yml"):
        assert not offending(text), text


def test_each_exception_is_a_source_s_own_words() -> None:
    """An exception is allowed only for words that stand in a source: in a quote, or in a reference's
    title or author."""
    quotes = [s for folder in ("claims", "evidence") for p in (REPO / folder).glob("*.yml")
              for s in _quotes(yaml.safe_load(p.read_text("utf-8")))]
    quotes += _quotes(yaml.safe_load((REPO / "timeline.yml").read_text("utf-8")))
    if (REPO / "not_assessed.yml").exists():
        quotes += _quotes(yaml.safe_load((REPO / "not_assessed.yml").read_text("utf-8")))
    bib = re.sub(r"[{}]", "", (REPO / "references.bib").read_text("utf-8"))
    for phrase, why in EXCEPTIONS.items():
        assert why
        found = any(phrase in re.sub(r"\s+", " ", q) for q in quotes) or phrase in re.sub(r"\s+", " ", bib)
        assert found, f"{phrase!r} is not a source's words in the record: remove it from EXCEPTIONS"


def _quotes(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "quote" and isinstance(v, str)] + \
               [q for k, v in value.items() if k != "quote" for q in _quotes(v)]
    if isinstance(value, list):
        return [q for v in value for q in _quotes(v)]
    return []


def test_no_page_shows_the_working_words(real_site: Path) -> None:
    found = []
    for page in sorted(real_site.rglob("*.html")):
        rel = page.relative_to(real_site).as_posix()
        if rel.startswith(("fields/", "data/schemas/")):
            continue  # field names and their descriptions, not the record
        found += [f"{rel}: …{hit}…" for hit in offending(visible_text(page.read_text("utf-8")))]
    assert not found, "\n".join(found)


def test_no_data_file_says_the_working_words(real_site: Path) -> None:
    files = _data_files(real_site)
    assert any(name.endswith("claims.json") for name, _ in files)
    found = [f"{name}: …{hit}…" for name, raw in files for text in _data_texts(name, raw) for hit in offending(text)]
    assert not found, "\n".join(found)


def test_no_data_file_says_seed_only(real_site: Path) -> None:
    """The old name of the 'secondary' verification is gone from every data file, the schemas included."""
    found = []
    for path in sorted((real_site / "data").rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            members = [raw]
            if path.suffix == ".zip":
                with zipfile.ZipFile(path) as archive:
                    members = [archive.read(m) for m in archive.namelist() if not m.endswith("/")]
            found += [path.name for member in members if b"seed-only" in member.lower()]
    assert not found, found


def test_the_feed_does_not_say_the_working_words(real_site: Path) -> None:
    feed = real_site / "feed.xml"
    assert feed.is_file()
    text = visible_text(visible_text(feed.read_text("utf-8")))  # the XML, then the HTML inside its entries
    assert not offending(text), offending(text)


def test_the_pdf_does_not_say_the_working_words(real_site: Path) -> None:
    reader = PdfReader(real_site / "compendium.pdf")
    found = [f"page {number}: …{hit}…" for number, page in enumerate(reader.pages, 1)
             for hit in offending(page.extract_text() or "")]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("folder", ["claims", "evidence"])
def test_reader_fields_of_the_record_say_no_working_words(folder: str) -> None:
    """The same rule on the record itself, field by field, so that a failure names the file and field: every
    text but a quote (a source's words) and an id."""
    found = []
    for path in sorted((REPO / folder).glob("*.yml")):
        for where, text in _fields(yaml.safe_load(path.read_text("utf-8")), ""):
            found += [f"{folder}/{path.name} {where}: …{hit}…" for hit in offending(text)]
    assert not found, "\n".join(found)


def _fields(value: Any, where: str) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [f for k, v in value.items() if k not in ("quote", "id", "ref") for f in _fields(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in _fields(v, f"{where}[{i}]")]
    return [(where.lstrip("."), value)] if isinstance(value, str) else []

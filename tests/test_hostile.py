"""Hostile input: contributor text in every field reaches every output as text, never as markup or
script; malformed files fail with file:line; arbitrary text keeps the pages well-formed."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import sys
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_text import BLOCK_PAYLOADS, assert_no_formula_cells

from compendium.edition import Edition
from compendium.figurelinks import LinkedText
from compendium.pipeline import build, check
from compendium.settings import read_settings
from compendium.web.render import render_pages
from compendium.wording import CERTAINTY_SYMBOLS

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
from make_hostile import PAYLOADS, _bib, free_text_paths, make_hostile, stacked

# Tags that Material's search index keeps in its text: anything else there came from contributor text.
SEARCH_INDEX_TAGS = {"p", "pre", "code", "ul", "ol", "li"}


class _Audit(HTMLParser):
    """Collects everything in a page that could run: handlers, script URLs, script elements, frames."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and value and \
                    re.match(r"\s*(javascript|data|vbscript):", value, re.I):
                self.problems.append(f"<{tag} {name}={value[:30]}>")
        if tag in ("iframe", "object", "embed"):
            self.problems.append(f"<{tag}>")
        # JSON-LD is data, not script: browsers never run it; its escaping is checked on its own below.
        self._in_script = tag == "script" and dict(attrs).get("type") != "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(" in data:
            self.problems.append(f"script with a payload: {data[:60]}")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_sample

    root = copy_sample(tmp_path_factory.mktemp("hostile"))
    make_hostile(root)
    result = build(root)
    assert result.site_ok, result.site_output + "\n".join(d.format_text() for d in result.report.diagnostics)
    return root / "site"


def test_no_page_holds_anything_that_runs(hostile_site: Path) -> None:
    for page in hostile_site.rglob("*.html"):
        audit = _Audit()
        audit.feed(page.read_text("utf-8"))
        assert audit.problems == [], f"{page.relative_to(hostile_site)}: {audit.problems}"
        raw = page.read_text("utf-8")
        for needle in ("<script>alert", "<img src=x", "<svg onload", "<iframe", "<style>body", "</title><script"):
            assert needle not in raw, f"{page.relative_to(hostile_site)} holds {needle!r}"


_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _as_shown(text: str) -> str:
    """Text as a page shows it: without invisible and direction-changing characters, whitespace collapsed."""
    return " ".join(_INVISIBLE.sub("", text).split())


def _field_values(data: Any, paths: set[str], path: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) of each free-text field in data (paths as make_hostile.free_text_paths gives them)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _field_values(value, paths, f"{path}.{key}".lstrip("."))
    elif isinstance(data, list):
        for value in data:
            yield from _field_values(value, paths, f"{path}[]")
    elif isinstance(data, str) and path in paths:
        yield path, data


def test_every_payload_reaches_the_page_of_its_field_as_text(hostile_site: Path) -> None:
    """Each free-text field is shown as typed on the page that shows it: a claim's, evidence item's and chart's
    on its own page, a topic's on the topic's, the timeline's on the timeline, a reference's title on the
    references page. The one field not shown as text: a chart's alternative text, which is the alt attribute
    of its picture (checked there). Every payload is in some field, so none goes unchecked."""
    root = hostile_site.parent
    texts: dict[Path, str] = {}
    missing: list[str] = []
    placed: set[str] = set()

    def expect(page: Path, field: str, value: str) -> None:
        placed.add(value)
        if page not in texts:
            texts[page] = _visible_text(page.read_text("utf-8"))
        if _as_shown(value) not in texts[page]:
            missing.append(f"{page.relative_to(hostile_site)}: {field} = {value!r}")

    for folder, kind in (("claims", "claim"), ("evidence", "evidence"), ("charts", "chart")):
        for data_file in sorted((root / folder).glob("*.yml")):
            page = hostile_site / folder / data_file.stem / "index.html"
            data = yaml.safe_load(data_file.read_text("utf-8"))
            for field, value in _field_values(data, free_text_paths(kind)):
                if kind == "chart" and field == "alt":
                    placed.add(value)
                    parser = _Elements()
                    parser.feed(page.read_text("utf-8"))
                    alts = {_as_shown(attrs.get("alt") or "") for tag, attrs in parser.elements if tag == "img"}
                    if _as_shown(value) not in alts:
                        missing.append(f"{page.relative_to(hostile_site)}: no picture has the alt text {value!r}")
                else:
                    expect(page, f"{data_file.name} {field}", value)
    topic_fields = {path.removeprefix("*.") for path in free_text_paths("topics")}
    for topic_id, topic in yaml.safe_load((root / "topics.yml").read_text("utf-8")).items():
        for field, value in _field_values(topic, topic_fields):
            expect(hostile_site / "topics" / topic_id / "index.html", f"topics.yml {topic_id}.{field}", value)
    for field, value in _field_values(yaml.safe_load((root / "timeline.yml").read_text("utf-8")),
                                      free_text_paths("timeline")):
        expect(hostile_site / "timeline" / "index.html", f"timeline.yml {field}", value)
    titles = re.findall(r"^\s*title = \{(.*)\},$", (root / "references.bib").read_text("utf-8"), re.M)
    assert titles, "no reference title in references.bib"
    for title in titles:
        expect(hostile_site / "references" / "index.html", "references.bib title", title)
    assert missing == [], "\n".join(missing)
    # make_hostile writes a BibTeX title with its braces as brackets and on one line (see _bib).
    assert [p for p in PAYLOADS if p not in placed and _bib(p) not in placed] == []


def _visible_text(html: str) -> str:
    parser = HTMLParser(convert_charrefs=True)
    parts: list[str] = []
    parser.handle_data = parts.append  # type: ignore[method-assign]
    parser.feed(html)
    return " ".join(" ".join(parts).split())


def test_search_index_json_ld_data_and_feed_stay_inert(hostile_site: Path) -> None:
    index = json.loads((hostile_site / "search/search_index.json").read_text("utf-8"))
    for doc in index["docs"]:
        tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", doc["title"] + doc["text"]))
        assert tags <= SEARCH_INDEX_TAGS, (doc["location"], tags - SEARCH_INDEX_TAGS)
    for page in (hostile_site / "claims").rglob("index.html"):
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.read_text("utf-8"), re.S)
        for block in blocks:
            assert "<" not in block and ">" not in block
            json.loads(block)
    for name in ("claims.json", "evidence.json", "references.json"):
        raw = (hostile_site / "data" / name).read_text("utf-8")
        assert "<" not in raw and ">" not in raw, name
        json.loads(raw)
    ElementTree.parse(hostile_site / "feed.xml")
    for svg in hostile_site.rglob("*.svg"):
        root = ElementTree.parse(svg).getroot()
        assert not [e for e in root.iter() if e.tag.endswith("script")], svg


def test_the_feed_is_well_formed_and_holds_the_text_as_typed(hostile_site: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.parse(hostile_site / "feed.xml").getroot()
    titles = [entry.findtext(f"{atom}title") or "" for entry in feed.iter(f"{atom}entry")]
    summaries = {entry.findtext(f"{atom}summary") for entry in feed.iter(f"{atom}entry")}
    claims = [yaml.safe_load(p.read_text("utf-8")) for p in (hostile_site.parent / "claims").glob("*.yml")]
    evidence = [yaml.safe_load(p.read_text("utf-8")) for p in (hostile_site.parent / "evidence").glob("*.yml")]
    corrections = [c for item in (*claims, *evidence) for c in item.get("corrections", [])]
    assert corrections, "the sample has corrections: the feed must carry them"
    assert len(titles) == sum(len(c["history"]) for c in claims) + len(corrections)
    for claim in claims:
        assert any(t.startswith(f"Claim added: {claim['title']} (") for t in titles), claim["title"]
        assert {h["note"] for h in claim["history"]} <= summaries
    for item in (*claims, *evidence):
        for correction in item.get("corrections", []):
            assert f"Correction: {item['title']}" in titles and correction["note"] in summaries
    for link in feed.iter(f"{atom}link"):
        assert re.fullmatch(r"https://example\.org/sample/[a-z0-9/.-]*", link.get("href", "")), link.attrib


def _csv_files(site: Path) -> dict[str, str]:
    """Every CSV the build published, loose or in a zip."""
    found = {str(p.relative_to(site)): p.read_text("utf-8") for p in site.rglob("*.csv")}
    for archive in site.rglob("*.zip"):
        with zipfile.ZipFile(archive) as z:
            found.update({f"{archive.name}:{n}": z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".csv")})
    return found


def test_no_csv_cell_is_a_spreadsheet_formula(hostile_site: Path) -> None:
    tables = _csv_files(hostile_site)
    assert "data/claims.csv" in tables and any(name.startswith("assets/compendium/charts/") for name in tables)
    for name, table in tables.items():
        assert_no_formula_cells(table, name)
    cells = {cell for table in tables.values() for row in csv.reader(io.StringIO(table, newline="")) for cell in row}
    formulas = [p for p in PAYLOADS if p.lstrip()[:1] in "=+-@"]
    assert {f"'{p}" for p in formulas} & cells, "the formula payloads reached no CSV"
    assert not {p for p in formulas} & cells


_BLOCKS = re.compile(r"<(h[1-6]|hr|ul|ol|li|blockquote|table|tr|td|th|pre|div|details|dl|kbd|ins|del|mark)\b")


def _blocks(page: Path) -> dict[str, int]:
    raw = page.read_text("utf-8")
    article = raw[raw.find("<article"):raw.find("</article>")]
    counts: dict[str, int] = {}
    for tag in _BLOCKS.findall(article):
        counts[tag] = counts.get(tag, 0) + 1
    return counts


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_sample

    root = copy_sample(tmp_path_factory.mktemp("plain"))
    assert build(root, pdf=False).site_ok
    return root / "site"


@pytest.fixture(scope="module")
def stacked_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every free-text field holds as many payloads as fit, each its own paragraph: every payload starts
    a paragraph somewhere, and every paragraph of a long text starts with a payload."""
    from conftest import copy_sample

    root = copy_sample(tmp_path_factory.mktemp("stacked"))
    make_hostile(root, stacked(list(dict.fromkeys(BLOCK_PAYLOADS + PAYLOADS))))
    result = build(root, pdf=False)
    assert result.site_ok, result.site_output + "\n".join(d.format_text() for d in result.report.diagnostics)
    return root / "site"


@pytest.mark.parametrize("name", ["hostile_site", "stacked_site"])
def test_no_contributor_text_becomes_a_block(name: str, plain_site: Path, request: pytest.FixtureRequest) -> None:
    """Every page has the same headings, rules, lists, quotes, tables, code blocks and divisions as the
    sample without payloads: the templates write them all; contributor text adds none (only paragraphs)."""
    site: Path = request.getfixturevalue(name)
    pages = sorted(p.relative_to(site) for p in site.rglob("index.html"))
    assert pages == sorted(p.relative_to(plain_site) for p in plain_site.rglob("index.html"))
    for page in pages:
        assert _blocks(site / page) == _blocks(plain_site / page), page


def test_stacked_payloads_are_shown_as_typed(stacked_site: Path) -> None:
    text = " ".join(_visible_text(p.read_text("utf-8")) for folder in ("claims", "evidence")
                    for p in (stacked_site / folder).rglob("index.html"))
    for payload in dict.fromkeys(BLOCK_PAYLOADS + PAYLOADS):
        for paragraph in re.split(r"\n\s*\n", payload):
            shown = " ".join(re.sub("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]", "", paragraph).split())
            assert shown in text, payload


def test_pdf_has_no_script(hostile_site: Path) -> None:
    pdf = hostile_site / "compendium.pdf"
    assert pdf.is_file()
    raw = pdf.read_bytes()
    assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/JS(" not in raw


@pytest.mark.parametrize("name", ["\u202eevil", "zero\u200bwidth", "ÉCLAIR", "has space"])
def test_ids_with_invisible_or_odd_characters_are_refused(name: str, sample: Path) -> None:
    source = sample / "evidence" / "doe-2019-savings.yml"
    (sample / "evidence" / f"{name}.yml").write_text(source.read_text("utf-8"), "utf-8")
    report, compendium = check(sample)
    assert compendium is None
    assert any(d.path == f"evidence/{name}.yml" and "is not a valid id" in d.message for d in report.errors)


def test_crlf_line_endings_keep_line_numbers(sample: Path) -> None:
    path = sample / "claims" / "most-participants-keep-walking.yml"
    text = path.read_text("utf-8").replace("  - id: annual-report-retention", "  - id: annual-report-retentoin")
    path.write_text(text, "utf-8")
    with_lf, _ = check(sample)
    path.write_bytes(text.replace("\n", "\r\n").encode())
    with_crlf, _ = check(sample)
    line = text.splitlines().index("  - id: annual-report-retentoin") + 1
    assert [d.format_text() for d in with_crlf.errors] == [d.format_text() for d in with_lf.errors]
    assert [(d.line, d.column) for d in with_crlf.errors] == [(line, 9)]


_MD = markdown.Markdown(extensions=["attr_list", "md_in_html", "tables", "admonition"])
_ALLOWED_TAGS = {"div", "p", "h1", "h2", "h3", "a", "table", "thead", "tbody", "tr", "th", "td", "blockquote",
                 "ul", "li", "strong", "em", "small", "code", "pre", "img", "i"}
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, statement=_TEXT, quote=_TEXT, rationale=_TEXT, note=_TEXT)
def test_arbitrary_text_keeps_pages_well_formed(sample_copy: Path, title: str, statement: str, quote: str,
                                                rationale: str, note: str) -> None:
    _, compendium = check(sample_copy)
    assert compendium is not None
    claim = compendium.claims["most-participants-keep-walking"]
    claim = dataclasses.replace(claim, title=title, statement=statement, rationale=LinkedText.parse(rationale),
                                source=dataclasses.replace(claim.source, quote=quote, note=note))
    compendium = dataclasses.replace(compendium, claims={**compendium.claims, claim.id: claim})
    page = str(render_pages(compendium, read_settings(sample_copy), Edition("2026-01-01", ""))[
        "claims/most-participants-keep-walking.md"])
    body = page.split("---\n", 2)[2]
    _MD.reset()
    html = _MD.convert(body)
    root = ElementTree.fromstring(f"<div>{html.replace('&para;', '')}</div>")
    for element in root.iter():
        if element.tag == "span":  # only the engine's: a certainty's symbols, which a screen reader skips
            assert element.attrib == {"aria-hidden": "true"} and element.text in CERTAINTY_SYMBOLS.values()
            assert not list(element)
            continue
        assert element.tag in _ALLOWED_TAGS, element.tag
        assert not [a for a in element.attrib if a.startswith("on")]
        href = element.attrib.get("href", "") + element.attrib.get("src", "")
        assert not re.match(r"\s*(javascript|data|vbscript):", href, re.I)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def test_a_web_address_with_quotes_or_brackets_stays_inside_its_link(sample: Path) -> None:
    """Validation refuses such addresses; the references page is safe even so: the address is one
    attribute value and one run of text, never a new attribute or element."""
    _, compendium = check(sample)
    assert compendium is not None
    url = 'https://evil.example/a"onmouseover="alert(1)"x=\'<b>bold</b>&amp;'
    key, ref = next((k, r) for k, r in compendium.references.items() if r.url)
    ref = dataclasses.replace(ref, csl={**ref.csl, "URL": url}, archive_url=url)
    compendium = dataclasses.replace(compendium, references={**compendium.references, key: ref})
    page = str(render_pages(compendium, read_settings(sample), Edition("2026-01-01", ""))["references.md"])
    _MD.reset()
    parser = _Elements()
    parser.feed(_MD.convert(page))
    # The address and the archived copy, each whole in one href (the linker may leave a final ";" out).
    links = [attrs["href"] for tag, attrs in parser.elements if tag == "a" and "evil" in (attrs.get("href") or "")]
    assert len(links) == 2 and all(url.startswith(href) and len(href) >= len(url) - 1 for href in links), links
    for tag, attrs in parser.elements:
        assert tag != "b" and set(attrs) <= {"id", "class", "href", "title"}, (tag, attrs)

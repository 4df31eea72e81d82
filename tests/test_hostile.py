"""Hostile input: contributor text in every field reaches every output as text, never as markup or
script; malformed files fail with file:line; arbitrary text keeps the pages well-formed."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compendium.edition import Edition
from compendium.pipeline import build, check
from compendium.render import render_pages
from compendium.settings import read_settings

from conftest import SAMPLE

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
from make_hostile import PAYLOADS, make_hostile

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


def test_every_payload_reaches_the_pages_as_text(hostile_site: Path) -> None:
    text = " ".join(_visible_text(p.read_text("utf-8")) for p in (hostile_site / "claims").rglob("index.html"))
    text += " ".join(_visible_text(p.read_text("utf-8")) for p in (hostile_site / "evidence").rglob("index.html"))
    shown = [p for p in PAYLOADS if " ".join(re.sub("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]", "", p).split())
             in text]
    assert len(shown) >= len(PAYLOADS) - 2, sorted(set(PAYLOADS) - set(shown))


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
def test_arbitrary_text_keeps_pages_well_formed(title: str, statement: str, quote: str, rationale: str,
                                                note: str) -> None:
    _, compendium = check(SAMPLE)
    assert compendium is not None
    claim = compendium.claims["most-participants-keep-walking"]
    claim = dataclasses.replace(claim, title=title, statement=statement, rationale=rationale,
                                source=dataclasses.replace(claim.source, quote=quote, note=note))
    compendium = dataclasses.replace(compendium, claims={**compendium.claims, claim.id: claim})
    page = str(render_pages(compendium, read_settings(SAMPLE), Edition("2026-01-01", ""))[
        "claims/most-participants-keep-walking.md"])
    body = page.split("---\n", 2)[2]
    _MD.reset()
    html = _MD.convert(body)
    root = ElementTree.fromstring(f"<div>{html.replace('&para;', '')}</div>")
    for element in root.iter():
        assert element.tag in _ALLOWED_TAGS, element.tag
        assert not [a for a in element.attrib if a.startswith("on")]
        href = element.attrib.get("href", "") + element.attrib.get("src", "")
        assert not re.match(r"\s*(javascript|data|vbscript):", href, re.I)

"""The PDF edition, read back with a PDF library (pypdf): what a reader of the printed compendium gets.

The sample is built once through the whole pipeline (MkDocs, then the PDF into the staged site), and
its PDF is checked for the summary and the table of every claim (each with its verdict and page), the
claims in prominence order each on a page of its own, a bookmark per section, claim, evidence item and
reference, internal links that lead to the page they print, running headers, embedded fonts, charts
drawn as vectors with alternative text, and the tags of an accessible PDF (PDF/UA-1).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from compendium.anchors import reference_anchor
from compendium.bibliography import short_citation
from compendium.charts.draw import OUTPUT as CHARTS_OUTPUT
from compendium.charts.style import INK_DARK
from compendium.edition import Edition
from compendium.model import Claim, Compendium
from compendium.pdf import PDF_CACHE, PDF_NAME, read_cover, write_pdf
from compendium.pdf.document import first_sentence
from compendium.pipeline import build, check
from compendium.settings import read_settings
from compendium.wording import rating_label

from conftest import copy_sample

# --- Reading the PDF ---


def _words(text: object) -> str:
    """Text (a string, or reader text whose figures link: as a string, the words a reader reads), collapsed."""
    return " ".join(str(text).split())


def _unbroken(text: str) -> str:
    """Text with words broken after a hyphen at the end of a line (in a narrow column) joined again."""
    return re.sub(r"(?<=\w-) ", "", text)


@dataclass(frozen=True)
class Link:
    page: int  # where the link is, as a page index
    target: str  # the named destination it leads to
    rect: tuple[float, float, float, float]


@dataclass(frozen=True)
class Pdf:
    reader: PdfReader
    page_texts: list[str]  # each page's text, whitespace collapsed

    @classmethod
    def read(cls, path: Path) -> Pdf:
        reader = PdfReader(path)
        return cls(reader, [_words(page.extract_text()) for page in reader.pages])

    @property
    def text(self) -> str:
        return " ".join(self.page_texts)

    def pages_text(self, first: int, end: int) -> str:
        return " ".join(self.page_texts[first:end])

    def outline(self) -> list[tuple[int, str, int]]:
        """Every bookmark as (depth, title, page index)."""
        found: list[tuple[int, str, int]] = []

        def walk(entries: list[object], depth: int) -> None:
            for entry in entries:
                if isinstance(entry, list):
                    walk(entry, depth + 1)
                else:
                    page = self.reader.get_destination_page_number(entry)  # type: ignore[arg-type]
                    found.append((depth, str(entry.title), page))  # type: ignore[attr-defined]
        walk(self.reader.outline, 0)
        return found

    def internal_links(self) -> list[Link]:
        """Every link annotation to a named destination."""
        links = []
        for index, page in enumerate(self.reader.pages):
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                if annotation.get("/Subtype") != "/Link":
                    continue
                target = annotation.get("/Dest")
                action = annotation.get("/A")
                if target is None and action is not None and action.get_object().get("/S") == "/GoTo":
                    target = action.get_object().get("/D")
                if target is not None and isinstance(target, str):
                    rect = tuple(float(v) for v in annotation["/Rect"])
                    links.append(Link(index, str(target), rect))  # type: ignore[arg-type]
        return links

    def uri_links(self) -> set[str]:
        uris = set()
        for page in self.reader.pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A")
                if action is not None and action.get_object().get("/S") == "/URI":
                    uris.add(str(action.get_object()["/URI"]))
        return uris

    def running_header(self, index: int) -> str:
        """The text in the page's top margin (24 mm), where the running header is."""
        page = self.reader.pages[index]
        top = float(page.mediabox.top) - 24 * 72 / 25.4
        found: list[str] = []

        def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: object) -> None:
            if cm[1] * tm[4] + cm[3] * tm[5] + cm[5] > top:  # the text's y on the page
                found.append(text)
        page.extract_text(visitor_text=visit)
        return _words(" ".join(found))

    def chart_page(self, title: str) -> int:
        """The page a chart is drawn on: where its caption, which begins with its title, is."""
        pages = [i for i, text in enumerate(self.page_texts) if f"{_words(title)}. " in text]
        assert pages, f"chart {title!r} is not drawn"
        return pages[0]

    def link_targets(self, index: int) -> list[int]:
        """The pages (as indexes) that the links on a page lead to, by name or by position."""
        found = []
        for annotation in self.reader.pages[index].get("/Annots") or []:
            annotation = annotation.get_object()
            target = annotation.get("/Dest")
            if isinstance(target, str):
                found.append(self.page_of(target))
            elif target is not None:
                found.append(self.reader.get_page_number(target[0].get_object()))
        return found

    def page_of(self, name: str) -> int:
        return self.reader.get_destination_page_number(self.reader.named_destinations[name])

    def printed_page(self, name: str) -> int:
        return self.page_of(name) + 1


def _xobjects(resources: DictionaryObject | None) -> Iterator[DictionaryObject]:
    """Every XObject reachable from a resource dictionary, through Form XObjects."""
    if resources is None:
        return
    for value in (resources.get_object().get("/XObject") or {}).values():
        xobject = value.get_object()
        yield xobject
        if xobject.get("/Subtype") == "/Form":
            yield from _xobjects(xobject.get("/Resources"))


def _fonts(resources: DictionaryObject | None) -> Iterator[DictionaryObject]:
    if resources is None:
        return
    resources = resources.get_object()
    for value in (resources.get("/Font") or {}).values():
        yield value.get_object()
    for xobject in _xobjects(resources):
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts(xobject.get("/Resources"))


def _is_embedded(font: DictionaryObject) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # Its glyphs are drawing procedures inside the PDF itself.
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _operations(reader: PdfReader, page_index: int) -> list[tuple[list[object], bytes]]:
    """The drawing operations of a page, with those of the Form XObjects it uses."""
    page = reader.pages[page_index]
    operations = list(ContentStream(page.get_contents(), reader).operations)
    for xobject in _xobjects(page.get("/Resources")):
        if xobject.get("/Subtype") == "/Form":
            operations.extend(ContentStream(xobject, reader).operations)
    return operations


def _fills(operations: list[tuple[list[object], bytes]]) -> set[tuple[float, ...]]:
    """The fill colours the operations set, as RGB (a grey's one component, as Typst writes it, made three)."""
    found = set()
    for operands, op in operations:
        if op in (b"rg", b"scn", b"sc", b"g"):
            values = tuple(round(float(v), 3) for v in operands if isinstance(v, int | float))  # type: ignore[arg-type]
            if len(values) == 1:
                values = values * 3
            if len(values) == 3:
                found.add(values)
    return found


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _structure(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every element of the document's structure tree (its tags)."""
    todo: list[Any] = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, DictionaryObject):
            if node.get("/Type") in (None, "/StructElem") and "/S" in node:
                yield node
            if "/K" in node:
                todo.append(node["/K"])


# --- The sample, built once through the pipeline ---


@dataclass(frozen=True)
class Built:
    root: Path
    compendium: Compendium
    pdf: Pdf

    @property
    def claims(self) -> list[Claim]:
        """In the order the PDF prints them, with their labels C1, C2 ..."""
        return self.compendium.claims_by_prominence()

    def label(self, claim: Claim) -> str:
        return f"C{self.claims.index(claim) + 1}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = copy_sample(tmp_path_factory.mktemp("pdf"))
    result = build(root)
    assert not result.pdf_problem, result.pdf_problem
    assert result.site_ok, result.site_output
    assert result.compendium is not None
    return Built(root, result.compendium, Pdf.read(root / "site" / PDF_NAME))


def _section_pages(built: Built, anchor: str, after: str) -> tuple[int, int]:
    return built.pdf.page_of(anchor), built.pdf.page_of(after)


def test_every_claim_and_evidence_title_is_in_the_pdf(built: Built) -> None:
    for claim in built.compendium.claims.values():
        assert _words(claim.title) in built.pdf.text, claim.id
        assert _words(claim.source.quote) in built.pdf.text, claim.id
        assert _words(claim.rationale) in built.pdf.text, claim.id
    for item in built.compendium.evidence.values():
        assert _words(item.title) in built.pdf.text, item.id
        for limitation in item.quality.limitations:
            assert _words(limitation) in built.pdf.text, item.id


def test_the_summary_gives_the_counts_and_the_headline_claims_with_verdicts_and_pages(built: Built) -> None:
    summary = built.pdf.pages_text(*_section_pages(built, "summary", "at-a-glance"))
    assert "How to read a verdict" in summary and "The main findings" in summary
    for rating in ("accurate", "mostly-accurate", "misleading", "inaccurate", "unproven"):
        assert rating_label(rating) in summary
    claims = built.claims
    headlines = [c for c in claims if c.prominence <= 2] or claims[:6]
    for claim in headlines:
        page = built.pdf.printed_page(f"claim-{claim.id}")
        at = summary.index(f"{built.label(claim)} {_words(claim.title)} (see p. {page})")
        entry = summary[at:at + 400 + len(_words(claim.conclusion or ""))]
        assert rating_label(claim.rating) in entry, claim.id
        assert _words(claim.conclusion or "") in entry, claim.id
    # How many claims each verdict has, in the table of verdicts by side (its "All" column).
    rows = summary[summary.index("The main findings"):]
    for rating in ("accurate", "mostly-accurate", "unproven", "misleading", "inaccurate"):
        count = sum(1 for c in claims if c.rating == rating)
        assert re.search(rf"{rating_label(rating)}( \d+)* {count}\b", rows), rating


def test_verdicts_at_a_glance_lists_every_claim_with_its_verdict_and_page(built: Built) -> None:
    first, end = _section_pages(built, "at-a-glance", "claims")
    table = _unbroken(built.pdf.pages_text(first, end))
    claims = built.claims
    for number, claim in enumerate(claims, start=1):
        start = table.index(_unbroken(f"C{number} {_words(claim.title)}"))
        stop = table.find(f"C{number + 1} ", start) if number < len(claims) else len(table)
        row = table[start:stop if stop > 0 else len(table)]
        assert rating_label(claim.rating) in row, claim.id
        assert (claim.certainty or "").replace("-", " ") in row, claim.id
        page = built.pdf.printed_page(f"claim-{claim.id}")
        # The last two columns: the conclusion's first sentence, and the page.
        assert _unbroken(f"{_words(first_sentence(_words(claim.conclusion or '')))} {page}") in row, (claim.id, row)
    # Each row links to its claim.
    linked = {link.target for link in built.pdf.internal_links() if first <= link.page < end}
    assert {f"claim-{c.id}" for c in claims} <= linked


def test_claims_come_most_prominent_first_each_on_a_page_of_its_own(built: Built) -> None:
    pages = [built.pdf.page_of(f"claim-{c.id}") for c in built.claims]
    assert pages == sorted(pages) and len(set(pages)) == len(pages)
    for index, claim in enumerate(built.claims):
        text = built.pdf.page_texts[pages[index]]
        heading = text.index(f"{built.label(claim)} {_words(claim.title)}")
        before = text[:heading]  # only the running header (and the section's title, before the first claim)
        assert before.startswith("Claims") and "In short" not in before, (claim.id, before)
        if index:  # the previous claim ends on an earlier page
            previous = built.claims[index - 1]
            assert f"Source file: {previous.file}" not in text, claim.id
        # The claim opens with "In short": claimed, by whom, the verdict with its certainty, the conclusion.
        box = text[heading:]
        assert box.index("In short") < box.index("Claimed") < box.index("By") < box.index("Verdict")
        assert rating_label(claim.rating) in box and f"Certainty: {(claim.certainty or '').replace('-', ' ')}" in box
        assert box.index(_words(claim.conclusion or "")) < box.index("The claim")


def test_a_bookmark_for_every_section_claim_evidence_item_and_reference(built: Built) -> None:
    outline = built.pdf.outline()
    titles = {title: (depth, page) for depth, title, page in outline}
    for section in ("Contents", "How to read this edition", "Summary", "Verdicts at a glance", "Claims",
                    "Glossary", "Evidence", "Timeline", "Method", "References"):
        assert titles.get(section, (None,))[0] == 0, f"no top-level bookmark for {section}"
    sections = [title for depth, title, _ in outline if depth == 0]
    assert sections.index("Claims") < sections.index("Glossary") < sections.index("Evidence")
    for kind, items in (("claim", built.compendium.claims), ("evidence", built.compendium.evidence)):
        for item_id, item in items.items():
            matches = [(depth, page) for depth, title, page in outline if title.endswith(_words(item.title))]
            assert matches, f"no bookmark for {kind} {item_id}"
            depth, page = matches[0]
            assert depth == 1
            assert page == built.pdf.page_of(f"{kind}-{item_id}")  # the page where the item begins
            assert _words(item.title) in built.pdf.page_texts[page]
    for reference in built.compendium.references.values():
        matches = [(depth, page) for depth, title, page in outline if title == short_citation(reference)]
        assert matches == [(1, built.pdf.page_of(reference_anchor(reference.key)))], reference.key
    # The method page's own headings are bookmarked under Method.
    assert ("Verdicts" in titles) and titles["Verdicts"][0] == 1


def test_internal_links_lead_to_existing_destinations_on_the_right_page(built: Built) -> None:
    links = built.pdf.internal_links()
    destinations = built.pdf.reader.named_destinations
    assert links
    for link in links:
        assert link.target in destinations, f"a link on page {link.page + 1} leads to #{link.target}, not in the PDF"
    compendium = built.compendium
    targets = {link.target for link in links}
    for claim in compendium.claims.values():
        for evidence in claim.evidence:  # "E3 Title (see p. 8)"
            assert f"evidence-{evidence.id}" in targets
        assert reference_anchor(claim.source.ref) in targets  # the short citation
    # Each destination is the page where its item begins.
    for kind, items in (("claim", compendium.claims), ("evidence", compendium.evidence)):
        for item_id, item in items.items():
            assert _words(item.title) in built.pdf.page_texts[built.pdf.page_of(f"{kind}-{item_id}")]
    for reference in compendium.references.values():
        assert short_citation(reference) in built.pdf.page_texts[built.pdf.page_of(reference_anchor(reference.key))]


def test_every_printed_page_number_is_the_page_its_link_leads_to(built: Built) -> None:
    """Each "E3 Title (see p. N)" of the claims' evidence lists and "C2 Title (see p. N)" of the
    evidence items' lists of claims, and each line of the contents."""
    text = built.pdf.text
    for number, (item_id, item) in enumerate(built.compendium.evidence.items(), start=1):
        page = built.pdf.printed_page(f"evidence-{item_id}")
        reference = f"E{number} {_words(item.title)} (see p."
        assert text.count(reference) >= 1, item_id
        assert text.count(reference) == text.count(f"{reference} {page})"), f"a link to {item_id} misprints p. {page}"
    for claim in built.claims:
        page = built.pdf.printed_page(f"claim-{claim.id}")
        reference = f"{built.label(claim)} {_words(claim.title)} (see p."
        assert text.count(reference) == text.count(f"{reference} {page})"), claim.id
    contents = built.pdf.pages_text(built.pdf.page_of("contents"), built.pdf.page_of("how-to-read") + 1)
    for anchor, title in (("summary", "Summary"), ("at-a-glance", "Verdicts at a glance"), ("claims", "Claims"),
                          ("evidence", "Evidence"), ("references", "References")):
        assert re.search(rf"{title} [. ]*{built.pdf.printed_page(anchor)}\b", contents), title


def test_running_header_names_the_section_and_the_item(built: Built) -> None:
    starts = [(built.pdf.page_of(section), title) for section, title in
              (("summary", "Summary"), ("at-a-glance", "Verdicts at a glance"), ("claims", "Claims"),
               ("glossary", "Glossary"), ("evidence", "Evidence"), ("timeline", "Timeline"), ("method", "Method"),
               ("references", "References"))]
    ends = [page for page, _ in starts[1:]] + [len(built.pdf.page_texts)]
    for (first, title), end in zip(starts, ends, strict=True):
        for page in range(first, end):
            header = built.pdf.running_header(page)
            assert header.startswith(title), f"page {page + 1}: the header reads {header!r}"
    for claim in built.claims:
        header = built.pdf.running_header(built.pdf.page_of(f"claim-{claim.id}"))
        assert header.startswith(f"Claims {built.label(claim)} · "), header


def test_every_font_is_embedded(built: Built) -> None:
    fonts = [font for page in built.pdf.reader.pages for font in _fonts(page.get("/Resources"))]
    assert fonts
    for font in fonts:
        assert _is_embedded(font), f"font {font.get('/BaseFont')} is not embedded"


def test_charts_are_vector_drawings_not_images(built: Built) -> None:
    reader = built.pdf.reader
    images = [x for page in reader.pages for x in _xobjects(page.get("/Resources")) if x.get("/Subtype") == "/Image"]
    assert images == [], "the PDF holds raster images"
    assert built.compendium.charts
    for chart_id, chart in built.compendium.charts.items():
        page = built.pdf.chart_page(chart.title)
        assert page in built.pdf.link_targets(built.pdf.page_of("contents"))  # the list of charts leads to it
        operations = _operations(reader, page)
        fills = _fills(operations)
        svg = (built.root / "docs" / CHARTS_OUTPUT / f"{chart_id}.svg").read_text("utf-8")
        # The fills drawn (in style attributes), not the dark palette's ink in the SVG's stylesheet.
        colours = set(re.findall(r'style="[^"]*fill: ?(#[0-9a-fA-F]{6})', svg))
        assert len(colours) >= 2  # the bars' colours and the ink
        for colour in colours:  # every fill of the chart's SVG, as a vector fill on the page
            assert tuple(round(v, 3) for v in _rgb(colour)) in fills, \
                f"chart {chart_id}: no vector fill in {colour} on page {page + 1}"
        assert tuple(round(v, 3) for v in _rgb(INK_DARK)) not in fills, "the PDF is printed in the light ink"
        paths = sum(1 for _, op in operations if op in (b"m", b"l", b"c", b"re"))
        assert paths > 200, f"chart {chart_id}: only {paths} path operations on page {page + 1}"


def test_the_pdf_is_tagged_with_language_title_and_alternative_text_for_every_chart(built: Built) -> None:
    """What PDF/UA-1 asks for, read back (veraPDF, which validates it in full, is not installed here)."""
    reader = built.pdf.reader
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # the title, not the file name, is shown
    assert reader.metadata is not None and reader.metadata.title == "Sample Compendium"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid:part" in xmp and re.search(r"pdfuaid:part[^0-9]*1", xmp)
    elements = list(_structure(reader))
    kinds = {str(e["/S"]) for e in elements}
    assert {"/H1", "/H2", "/P", "/Link", "/Table", "/Figure"} <= kinds, kinds
    alts = {_words(str(e.get("/Alt", ""))) for e in elements if e["/S"] == "/Figure"}
    for chart in built.compendium.charts.values():
        assert _words(chart.alt) in alts, chart.id
    assert "" not in alts, "a figure without alternative text"
    for page in reader.pages:  # every page's content is marked up for the tags
        assert "/StructParents" in page


def test_urls_are_printed_in_full_and_linked(built: Built) -> None:
    joined = "".join(built.pdf.text.split())  # a long address wraps over lines
    for reference in built.compendium.references.values():
        if reference.link:
            assert reference.link in joined, reference.key
            assert reference.link in built.pdf.uri_links(), reference.key


def test_cover_gives_title_edition_and_how_to_cite(built: Built) -> None:
    cover = built.pdf.page_texts[0]
    assert "Sample Compendium" in cover
    assert "Edition" in cover and "Printed" in cover
    assert "How to cite this edition" in cover
    stated = yaml.safe_load((built.root / "mkdocs.yml").read_text("utf-8"))["extra"]["licence"]["name"]
    assert f"Text and data: {stated}" in cover  # extra.licence, where mkdocs.yml has no copyright line
    # Running footer: the page number out of the total, on every page after the cover.
    total = len(built.pdf.reader.pages)
    for number, text in enumerate(built.pdf.page_texts[1:], start=2):
        assert f"Page {number} of {total}" in text


def test_method_page_is_in_the_pdf_with_its_verdict_anchors(built: Built) -> None:
    method = (built.root / "docs" / "method.md").read_text("utf-8")
    for heading in re.findall(r"^### (.+?) \{ #verdict-", method, re.M):
        assert heading in built.pdf.text
    for rating in ("accurate", "misleading", "unproven"):
        assert f"method-verdict-{rating}" in built.pdf.reader.named_destinations
    assert "tags:" not in built.pdf.text  # the page's front matter is not printed


def test_site_links_to_the_pdf_from_home_and_every_footer(built: Built) -> None:
    site = built.root / "site"
    home = (site / "index.html").read_text("utf-8")
    assert '<a href="compendium.pdf" type="application/pdf">Download' in home  # in the page itself
    assert 'href="./compendium.pdf"' in home  # and in its footer
    claim = next(iter(built.compendium.claims))
    assert 'href="../../compendium.pdf"' in (site / "claims" / claim / "index.html").read_text("utf-8")


# --- Paper size, the same bytes, the cache, and failures ---


def test_letter_paper_on_request(built: Built, tmp_path: Path) -> None:
    target = tmp_path / "letter.pdf"
    cover = read_cover(read_settings(built.root), Edition("2026-01-01", "abc1234"))
    stats = write_pdf(built.compendium, cover, target, "letter")
    reader = PdfReader(target)
    assert len(reader.pages) == stats.pages
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # 8.5 x 11 in
    a4 = built.pdf.reader.pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert "commit abc1234" in _words(reader.pages[0].extract_text())


def test_the_same_edition_gives_the_same_bytes(built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    cover = read_cover(read_settings(built.root), Edition("2025-12-01", "abc1234", 1764547200))
    outputs = []
    for name in ("one.pdf", "two.pdf"):
        for cached in (built.root / PDF_CACHE).glob("a4.*"):
            cached.unlink()  # laid out afresh each time
        stats = write_pdf(built.compendium, cover, tmp_path / name)
        assert stats.laid_out
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert PdfReader(tmp_path / "one.pdf").metadata.creation_date.year == 2025  # type: ignore[union-attr]


def test_an_unchanged_pdf_is_copied_from_the_cache(built: Built, tmp_path: Path) -> None:
    cover = read_cover(read_settings(built.root), Edition("2026-01-01", "abc1234"))
    first = write_pdf(built.compendium, cover, tmp_path / "first.pdf")
    again = write_pdf(built.compendium, cover, tmp_path / "again.pdf")
    assert not again.laid_out and again.pages == first.pages
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "again.pdf").read_bytes()
    (built.root / PDF_CACHE / "a4.pdf").write_bytes(b"%PDF-1.7 truncated")  # a cached file not the one recorded
    third = write_pdf(built.compendium, cover, tmp_path / "third.pdf")
    assert third.laid_out and (tmp_path / "third.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()


def _without_typst(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line run as in an environment without the typst package."""
    code = ("import sys\n"
            "sys.modules['typst'] = None  # import typst raises ImportError\n"
            "from compendium.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)


def test_without_typst_build_says_what_to_install_and_keeps_the_previous_site(sample: Path) -> None:
    site = sample / "site"
    site.mkdir()
    (site / "index.html").write_text("previous site")
    (site / PDF_NAME).write_bytes(b"previous pdf")
    run = _without_typst("build", "--root", str(sample))
    assert run.returncode == 1
    assert "the Python package `typst`" in run.stderr and "pip install -r requirements.txt" in run.stderr
    assert "the previous site/ was left as it was" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert (site / "index.html").read_text() == "previous site"
    assert (site / PDF_NAME).read_bytes() == b"previous pdf"
    assert not list(sample.glob(".site-*")), "the staged site was left behind"


def test_without_typst_pdf_command_says_what_to_install(sample: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.pdf"
    run = _without_typst("pdf", "--root", str(sample), "--output", str(output))
    assert run.returncode == 1
    assert "make pdf" in run.stderr and "typst" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert not output.exists() and not list(tmp_path.glob(".*.tmp"))


# --- The real record ---


def test_real_record_pdf(real_record: Path, real_site: Path) -> None:
    """The compendium in this repository (a copy, built once for the run), when its data validates: the same
    checks as on the sample."""
    report, compendium = check(real_record)
    assert compendium is not None, "\n".join(d.format_text() for d in report.errors)
    pdf = Pdf.read(real_site / PDF_NAME)
    outline = pdf.outline()
    for kind, items in (("claim", compendium.claims), ("evidence", compendium.evidence)):
        for item_id, item in items.items():
            assert _words(item.title) in pdf.text, item_id
            assert [page for depth, title, page in outline if depth == 1 and title.endswith(_words(item.title))] \
                == [pdf.page_of(f"{kind}-{item_id}")], f"no bookmark for {kind} {item_id}"
    for reference in compendium.references.values():
        assert (1, short_citation(reference), pdf.page_of(reference_anchor(reference.key))) in outline, reference.key
    destinations = pdf.reader.named_destinations
    assert all(link.target in destinations for link in pdf.internal_links())
    assert all(_is_embedded(font) for page in pdf.reader.pages for font in _fonts(page.get("/Resources")))
    assert not [x for page in pdf.reader.pages for x in _xobjects(page.get("/Resources"))
                if x.get("/Subtype") == "/Image"]
    shown = {chart_id for c in [*compendium.claims.values(), *compendium.evidence.values()] for chart_id in c.charts}
    alts = {_words(str(e.get("/Alt", ""))) for e in _structure(pdf.reader) if e["/S"] == "/Figure"}
    listed = pdf.link_targets(pdf.page_of("contents"))
    for chart_id in shown:
        assert pdf.chart_page(compendium.charts[chart_id].title) in listed, chart_id
        assert _words(compendium.charts[chart_id].alt) in alts, chart_id
    # Every claim starts a page, in prominence order, and the table of every claim gives that page.
    claims = compendium.claims_by_prominence()
    pages = [pdf.page_of(f"claim-{c.id}") for c in claims]
    assert pages == sorted(pages) and len(set(pages)) == len(pages)
    table = _unbroken(" ".join(pdf.page_texts[pdf.page_of("at-a-glance"):pdf.page_of("claims")]))
    for number, (claim, page) in enumerate(zip(claims, pages, strict=True), start=1):
        start = table.index(_unbroken(f"C{number} {_words(claim.title)}"))
        stop = table.find(f"C{number + 1} ", start)
        row = table[start:stop if stop > 0 else len(table)]
        assert rating_label(claim.rating) in row, claim.id
        assert _unbroken(f"{_words(first_sentence(_words(claim.conclusion or '')))} {page + 1}") in row, (claim.id, row)


def test_a_typst_process_that_dies_is_reported_with_its_cause() -> None:
    """Typst runs in a process of its own (pdf/worker.py): one stopped by the system, or ending without its
    report, gives a message that says so, not a PDF of nothing."""
    from compendium.pdf.typeset import _failure

    assert "out of memory" in _failure(-9, {}, b"")
    assert "status 101" in _failure(101, {}, b"thread 'main' panicked") and "panicked" in _failure(101, {}, b"panicked")
    assert _failure(1, {"error": "bad", "hints": ["h"]}, b"").endswith("bad\n  hint: h")

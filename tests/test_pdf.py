"""The PDF edition, read back with a PDF library (pypdf): what a reader of the printed compendium gets.

The sample is built once through the whole pipeline (MkDocs, then the PDF into the staged site), and
its PDF is checked for every claim's title, a bookmark per claim and section, internal links whose
targets exist and are the right pages, embedded fonts, and charts drawn as vectors, not pictures.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from compendium.chartkinds.style import INK_DARK
from compendium.charts import OUTPUT as CHARTS_OUTPUT
from compendium.edition import Edition
from compendium.model import Compendium
from compendium.pdf import PDF_NAME, read_cover, write_pdf
from compendium.pdf.document import print_document
from compendium.pipeline import build, check

from conftest import REPO, copy_sample

# --- Reading the PDF ---


def _words(text: str) -> str:
    return " ".join(text.split())


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

    def internal_links(self) -> list[tuple[int, str]]:
        """Every link annotation to a named destination, as (page index, name)."""
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
                    links.append((index, str(target)))
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

    def page_of(self, name: str) -> int:
        return self.reader.get_destination_page_number(self.reader.named_destinations[name])


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


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


# --- The sample, built once through the pipeline ---


@dataclass(frozen=True)
class Built:
    root: Path
    compendium: Compendium
    pdf: Pdf


@pytest.fixture(scope="module", params=["one part", "many parts"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The sample's PDF as the build makes it (small enough for one part), and cut into many parts, so
    that links, page numbers, bookmarks and running headers are checked across the parts' seams."""
    root = copy_sample(tmp_path_factory.mktemp("pdf"))
    result = build(root)
    assert not result.pdf_problem, result.pdf_problem
    assert result.site_ok, result.site_output
    assert result.compendium is not None
    if request.param == "many parts":
        cover = read_cover(root, Edition("2026-01-01", ""))
        stats = write_pdf(result.compendium, cover, root / "site" / PDF_NAME, part_size=2_000)
        assert stats.parts >= 8, stats
    return Built(root, result.compendium, Pdf.read(root / "site" / PDF_NAME))


def test_every_claim_and_evidence_title_is_in_the_pdf(built: Built) -> None:
    for claim in built.compendium.claims.values():
        assert _words(claim.title) in built.pdf.text, claim.id
        assert _words(claim.source.quote) in built.pdf.text, claim.id
        assert _words(claim.rationale) in built.pdf.text, claim.id
    for item in built.compendium.evidence.values():
        assert _words(item.title) in built.pdf.text, item.id
        for limitation in item.quality.limitations:
            assert _words(limitation) in built.pdf.text, item.id


def test_a_bookmark_for_every_claim_evidence_item_and_section(built: Built) -> None:
    outline = built.pdf.outline()
    titles = {title: (depth, page) for depth, title, page in outline}
    for section in ("Contents", "Claims", "Evidence", "Timeline", "Method", "References"):
        assert titles.get(section, (None,))[0] == 0, f"no top-level bookmark for {section}"
    for kind, items in (("claim", built.compendium.claims), ("evidence", built.compendium.evidence)):
        for item_id, item in items.items():
            matches = [(depth, page) for depth, title, page in outline if title.endswith(item.title)]
            assert matches, f"no bookmark for {kind} {item_id}"
            depth, page = matches[0]
            assert depth == 1
            # The bookmark leads to the page where the item begins.
            assert page == built.pdf.page_of(f"{kind}-{item_id}")
            assert _words(item.title) in built.pdf.page_texts[page]
    # The method page's own headings are bookmarked under Method.
    assert ("Verdicts" in titles) and titles["Verdicts"][0] == 1


def test_internal_links_lead_to_existing_destinations_on_the_right_page(built: Built) -> None:
    links = built.pdf.internal_links()
    destinations = built.pdf.reader.named_destinations
    assert links
    for page, name in links:
        assert name in destinations, f"a link on page {page + 1} leads to #{name}, which is not in the PDF"
    targets = {name for _, name in links}
    compendium = built.compendium
    for claim in compendium.claims.values():
        for link in claim.evidence:  # "see evidence E3, p. 8"
            assert f"evidence-{link.id}" in targets
        assert compendium.references[claim.source.ref].anchor in targets  # the short citation
    for item_id, item in compendium.evidence.items():
        page = built.pdf.page_of(f"evidence-{item_id}")
        assert _words(item.title) in built.pdf.page_texts[page]
    # The printed page number next to a cross-reference is the page the link leads to.
    first = next(iter(compendium.evidence))
    label_page = built.pdf.page_of(f"evidence-{first}") + 1
    assert f"E1 {_words(compendium.evidence[first].title)} (see p. {label_page})" in built.pdf.text


def test_every_printed_page_number_is_the_page_its_link_leads_to(built: Built) -> None:
    """Each "E3 Title (see p. N)" of the claims' evidence lists, and each entry of the contents."""
    text = built.pdf.text
    for number, (item_id, item) in enumerate(built.compendium.evidence.items(), start=1):
        page = built.pdf.page_of(f"evidence-{item_id}") + 1
        reference = f"E{number} {_words(item.title)} (see p."
        assert text.count(reference) >= 1, item_id
        assert text.count(reference) == text.count(f"{reference} {page})"), f"a link to {item_id} misprints p. {page}"
    contents = " ".join(built.pdf.page_texts[1:built.pdf.page_of("how-to-read") + 1])
    for number, (claim_id, claim) in enumerate(built.compendium.claims.items(), start=1):
        page = built.pdf.page_of(f"claim-{claim_id}") + 1
        assert re.search(rf"C{number} {re.escape(_words(claim.title))} \([^)]*\) \.+ ?{page}\b", contents), claim_id


def test_running_header_names_the_section_on_every_page(built: Built) -> None:
    """Also on the pages of a part that goes on with a section begun in the part before."""
    starts = [(built.pdf.page_of(section), title) for section, title in
              (("claims", "Claims"), ("evidence", "Evidence"), ("timeline", "Timeline"), ("glossary", "Glossary"),
               ("method", "Method"), ("references", "References"))]
    ends = [page for page, _ in starts[1:]] + [len(built.pdf.page_texts)]
    for (first, title), end in zip(starts, ends, strict=True):
        for page in range(first, end):
            header = built.pdf.running_header(page)
            assert header.startswith(title), f"page {page + 1}: the header reads {header!r}"


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
        page = built.pdf.page_of(f"chart-{chart_id}")
        assert f"{_words(chart.title)}." in built.pdf.page_texts[page]
        operations = _operations(reader, page)
        fills = {tuple(round(float(v), 3) for v in operands) for operands, op in operations  # type: ignore[arg-type]
                 if op == b"rg"}
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
    assert built.pdf.reader.metadata is not None and built.pdf.reader.metadata.title == "Sample Compendium"
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


def test_site_links_to_the_pdf_from_home_and_every_footer(built: Built) -> None:
    site = built.root / "site"
    home = (site / "index.html").read_text("utf-8")
    assert '<a href="compendium.pdf" type="application/pdf">Download' in home  # in the page itself
    assert 'href="./compendium.pdf"' in home  # and in its footer
    claim = next(iter(built.compendium.claims))
    assert 'href="../../compendium.pdf"' in (site / "claims" / claim / "index.html").read_text("utf-8")


# --- Paper size, escaping, and failures ---


def test_letter_paper_on_request(built: Built, tmp_path: Path) -> None:
    target = tmp_path / "letter.pdf"
    stats = write_pdf(built.compendium, read_cover(built.root, Edition("2026-01-01", "abc1234")), target, "letter")
    reader = PdfReader(target)
    assert len(reader.pages) == stats.pages
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # 8.5 x 11 in
    a4 = built.pdf.reader.pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert "commit abc1234" in _words(reader.pages[0].extract_text())


def test_contributor_text_is_shown_not_interpreted(sample: Path, tmp_path: Path) -> None:
    claim_file = sample / "claims" / "programme-pays-for-itself.yml"
    hostile = '<img src="file:///etc/passwd"> <b>bold</b> & <a href="#claims">link</a>'
    claim_file.write_text(claim_file.read_text("utf-8").replace(
        "statement: Savings in GP visits cover the programme's cost.", f"statement: '{hostile}'"), "utf-8")
    result = build(sample, make_site=False, pdf_file=tmp_path / "out.pdf")
    assert not result.pdf_problem, result.pdf_problem
    assert result.compendium is not None
    html = "".join(print_document(result.compendium, read_cover(sample, Edition("2026-01-01", ""))).parts)
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html and "<img src=\"file:///etc" not in html
    pdf = Pdf.read(tmp_path / "out.pdf")
    assert _words(hostile) in pdf.text


def _without_pango(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line run as on a machine without Pango: loading any native library fails."""
    code = ("import sys, cffi\n"
            "def refuse(self, name, *args, **kwargs):\n"
            "    raise OSError(f'cannot load library {name!r}: cannot open shared object file')\n"
            "cffi.FFI.dlopen = refuse\n"
            "from compendium.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)


def test_without_pango_build_says_what_to_install_and_keeps_the_previous_site(sample: Path) -> None:
    site = sample / "site"
    site.mkdir()
    (site / "index.html").write_text("previous site")
    (site / PDF_NAME).write_bytes(b"previous pdf")
    run = _without_pango("build", "--root", str(sample))
    assert run.returncode == 1
    assert "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0" in run.stderr
    assert "the previous site/ was left as it was" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert (site / "index.html").read_text() == "previous site"
    assert (site / PDF_NAME).read_bytes() == b"previous pdf"
    assert not list(sample.glob(".site-*")), "the staged site was left behind"


def test_without_pango_pdf_command_says_what_to_install(sample: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.pdf"
    run = _without_pango("pdf", "--root", str(sample), "--output", str(output))
    assert run.returncode == 1
    assert "sudo apt-get install libpango-1.0-0" in run.stderr and "brew install pango" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert not output.exists() and not list(tmp_path.glob(".*.tmp"))


# --- The real record ---


def test_real_record_pdf(tmp_path: Path) -> None:
    """The compendium in this repository, when its data validates: the same checks as on the sample."""
    report, compendium = check(REPO)
    assert compendium is not None, "\n".join(d.format_text() for d in report.errors)
    output = tmp_path / PDF_NAME
    run = subprocess.run([sys.executable, "-m", "compendium", "pdf", "--root", str(REPO), "--output", str(output)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-5000:]
    pdf = Pdf.read(output)
    titles = [title for _, title, _ in pdf.outline()]
    for claim in compendium.claims.values():
        assert _words(claim.title) in pdf.text, claim.id
        assert any(title.endswith(claim.title) for title in titles), f"no bookmark for claim {claim.id}"
    destinations = pdf.reader.named_destinations
    assert all(name in destinations for _, name in pdf.internal_links())
    assert all(_is_embedded(font) for page in pdf.reader.pages for font in _fonts(page.get("/Resources")))
    assert not [x for page in pdf.reader.pages for x in _xobjects(page.get("/Resources"))
                if x.get("/Subtype") == "/Image"]
    shown = {chart_id for c in [*compendium.claims.values(), *compendium.evidence.values()] for chart_id in c.charts}
    for chart_id in shown:
        assert f"chart-{chart_id}" in destinations

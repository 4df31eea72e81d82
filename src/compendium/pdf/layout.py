"""Lays the parts of the print document out with WeasyPrint, and finds the page of every anchor.

A page number that a cross-reference or the contents prints depends on the layout of everything
before its target. WeasyPrint can work such numbers out itself (target-counter), but only for one
document laid out whole: it holds the layout of every page until the file is written (about 1.9 MB a
page), lays pages out again when a number changes, and keeps account of the numbers in lists that it
rebuilds and searches on every page, which grows with the square of the page count. A 1,000-claim
compendium (about 6,300 pages) was still being laid out after 45 minutes, with 11 GB in use. So the
numbers are found here instead:

1. every part is laid out on its own, with placeholder numbers as wide as the real ones will be,
   which tells how many pages each part has and on which of them every anchor is;
2. every part is laid out again with the real numbers in (its links' data-page attributes), and
   drawn to PDF;
3. if a real number moved an anchor to another page (a line one digit longer), the parts whose
   numbers changed are laid out and drawn again, until none does.

Parts are laid out in worker processes, one a core. The memory a worker holds is that of the largest
part it laid out, not of the whole document, and the parts' PDFs are joined by join.py.

WeasyPrint may read only the chart files (and nothing from the network), through the URL fetcher
below, so no text in the data can make the build read another file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from compendium.pdf.errors import PdfError
from compendium.processes import cores, worker_context

PAPERS = {"a4": "A4", "letter": "letter"}  # --paper choice -> CSS page size
POINTS_PER_PIXEL = 0.75  # WeasyPrint measures in CSS pixels (1/96 in), PDF in points (1/72 in)
MOST_PASSES = 4  # layouts after the first, before the numbers are taken as they are
CHARACTERS_PER_PAGE = 3_000  # of print HTML, about: only to guess how many digits page numbers have

MISSING_LIBRARIES = """\
the PDF edition is made with WeasyPrint, which needs the Pango text library; it is not installed here.
  On Debian or Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
fonts-liberation2 fonts-dejavu-core
  On Fedora: sudo dnf install pango liberation-serif-fonts liberation-sans-fonts
  On macOS (Homebrew): brew install pango
then run the command again ({detail})"""


def load_weasyprint() -> Any:
    """WeasyPrint, or a PdfError saying what to install: it loads Pango when imported."""
    try:
        import weasyprint
    except OSError as exc:  # cffi could not load libpango / libgobject
        raise PdfError(MISSING_LIBRARIES.format(detail=str(exc).splitlines()[0] if str(exc) else "")) from exc
    except ImportError as exc:
        raise PdfError(f"WeasyPrint is not installed in this environment ({exc}): run `make pdf`, which "
                       "installs the pinned requirements, or pip install -r requirements.txt") from exc
    return weasyprint


@cache
def _print_css() -> str:
    return resources.files("compendium").joinpath("templates/pdf/print.css").read_text("utf-8")


def stylesheet(paper: str, first_page: int = 1, total: str = "") -> str:
    """The print stylesheet for one part: paper size, the number of its first page, the total."""
    css = _print_css()
    footer = f'"Page " counter(page) " of {total}"' if total else '"Page " counter(page)'
    return (css + f"\n@page {{ size: {PAPERS[paper]}; @bottom-right {{ content: {footer}; }} }}\n"
            f"@page :first {{ counter-reset: page {first_page}; }}\n")


# --- One part ---

@dataclass(frozen=True)
class Job:
    """One part to lay out: its HTML, and what to print where it links to other anchors."""

    html: str
    paper: str
    charts_dir: str  # the only folder WeasyPrint may read from
    first_page: int
    total: str  # the document's number of pages, as the footer prints it ('' while unknown)
    numbers: Mapping[str, str]  # anchor -> the page number that links to it print
    placeholder: str  # printed for an anchor not in numbers
    draw: bool  # make the part's PDF, or only learn its pages and anchors


@dataclass(frozen=True)
class PartLayout:
    """What the layout of one part tells: its pages, where its anchors, links and bookmarks are, its PDF.

    Places are (page index within the part, x, y) in PDF points from the page's bottom left corner."""

    pages: int
    anchors: dict[str, tuple[int, float, float]]
    links: tuple[tuple[int, str, tuple[float, float, float, float]], ...]  # page, anchor, rectangle
    bookmarks: tuple[tuple[int, str, int, float, float, bool], ...]  # level, label, page, x, y, open
    printed: Mapping[str, str]  # the page numbers its links print, by anchor
    pdf: bytes = b""  # drawn without internal links, anchors or outline: join.py adds those for all parts


def _url_fetcher(weasyprint: Any, allowed: Path) -> Any:
    """Fetches file: URLs under allowed (the chart SVGs) and refuses everything else."""

    class ChartsOnly(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            if url.startswith("file:"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if path.is_relative_to(allowed):
                    return super().fetch(url, headers)
            raise ValueError(f"the PDF may only read the chart files, not {url}")

    return ChartsOnly(fail_on_errors=True, allowed_protocols=["file"])


def _inside(inner: tuple[float, float, float, float], outer: tuple[float, float, float, float]) -> bool:
    """Whether one rectangle (x1, y1, x2, y2, corners in any order) lies within another."""
    def span(a: float, b: float) -> tuple[float, float]:
        return min(a, b), max(a, b)
    (ix1, ix2), (iy1, iy2) = span(inner[0], inner[2]), span(inner[1], inner[3])
    (ox1, ox2), (oy1, oy2) = span(outer[0], outer[2]), span(outer[1], outer[3])
    return ox1 <= ix1 and ix2 <= ox2 and oy1 <= iy1 and iy2 <= oy2


def lay_out(job: Job) -> PartLayout:
    """Lay one part out (and draw it when job.draw): runs in a worker process."""
    weasyprint = load_weasyprint()
    charts_dir = Path(job.charts_dir)
    html = weasyprint.HTML(string=job.html, base_url=charts_dir.as_uri() + "/",
                           url_fetcher=_url_fetcher(weasyprint, charts_dir))
    printed: dict[str, str] = {}
    for link in html.etree_element.iter("a"):
        target = (link.get("href") or "").removeprefix("#")
        if target != link.get("href"):
            printed[target] = job.numbers.get(target, job.placeholder)
            link.set("data-page", printed[target])
    try:
        document = html.render(stylesheets=[weasyprint.CSS(
            string=stylesheet(job.paper, job.first_page, job.total))])
    except weasyprint.urls.FatalURLFetchingError as exc:
        raise PdfError(f"the PDF could not read a file it needs: {exc.__cause__ or exc}") from exc

    anchors: dict[str, tuple[int, float, float]] = {}
    links: list[tuple[int, str, tuple[float, float, float, float]]] = []
    bookmarks: list[tuple[int, str, int, float, float, bool]] = []
    for index, page in enumerate(document.pages):
        def point(x: float, y: float, height: float = page.height) -> tuple[float, float]:
            return x * POINTS_PER_PIXEL, (height - y) * POINTS_PER_PIXEL
        for name, (x, y, *_) in page.anchors.items():
            anchors.setdefault(name, (index, *point(x, y)))
        for kind, target, (x1, y1, x2, y2), _ in page.links:
            rectangle = (*point(x1, y1), *point(x2, y2))
            # WeasyPrint gives a link's ::after ("see p. 4") a rectangle of its own, inside the link's.
            if kind == "internal" and not (links and links[-1][:2] == (index, target)
                                           and _inside(rectangle, links[-1][2])):
                links.append((index, target, rectangle))
        for level, label, (x, y), state in page.bookmarks:
            bookmarks.append((level, label, index, *point(x, y), state == "open"))
        if job.draw:  # the whole document's navigation is join.py's: WeasyPrint sees only this part
            page.links = [link for link in page.links if link[0] != "internal"]
            page.anchors, page.bookmarks = {}, []
    pdf = document.write_pdf(pdf_identifier=False, uncompressed_pdf=False) if job.draw else b""
    return PartLayout(len(document.pages), anchors, tuple(links), tuple(bookmarks), printed, pdf)


# --- The whole document ---

def _lay_out_all(jobs: list[Job], workers: int) -> list[PartLayout]:
    if workers <= 1 or len(jobs) <= 1:
        return [lay_out(job) for job in jobs]
    # concurrent.futures, not multiprocessing.Pool: a worker killed (by the kernel, out of memory) ends
    # the build with an error instead of leaving it waiting for ever.
    try:
        with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=worker_context()) as pool:
            return list(pool.map(lay_out, jobs))
    except BrokenProcessPool as exc:
        raise PdfError("a process laying out the PDF stopped before it finished (out of memory?); run "
                       "`compendium pdf` again, or with more memory free") from exc


def _page_numbers(layouts: Sequence[PartLayout]) -> tuple[dict[str, str], list[int], int]:
    """Every anchor's printed page number, each part's first page, and the document's pages."""
    numbers: dict[str, str] = {}
    firsts: list[int] = []
    page = 1
    for layout in layouts:
        firsts.append(page)
        for name, (index, _, _) in layout.anchors.items():
            numbers.setdefault(name, str(page + index))
        page += layout.pages
    return numbers, firsts, page - 1


def _wanted(layouts: Sequence[PartLayout], placeholder: str) -> list[tuple[int, str, dict[str, str]]]:
    """What each part should be drawn with: its first page, the total, the numbers its links print."""
    numbers, firsts, total = _page_numbers(layouts)
    return [(first, str(total), {target: numbers.get(target, placeholder) for target in layout.printed})
            for first, layout in zip(firsts, layouts, strict=True)]


def paginate(parts: Sequence[str], paper: str, charts_dir: Path, *, workers: int | None = None,
             log: Callable[[str], None] = lambda _: None) -> list[PartLayout]:
    """Lay out and draw every part, with the page numbers its links print, found as the module says."""
    if paper not in PAPERS:
        raise PdfError(f"unknown paper size {paper!r}: choose one of {', '.join(PAPERS)}")
    load_weasyprint()  # imported once here, so that forked workers inherit it (and a missing Pango is said once)
    workers = cores() if workers is None else workers
    # As wide as the real numbers, most likely: a guess, which costs only a further layout when wrong.
    placeholder = "0" * len(str(max(1, sum(len(part) for part in parts) // CHARACTERS_PER_PAGE)))

    def job(part: str, first: int = 1, total: str = "", numbers: Mapping[str, str] | None = None,
            draw: bool = False) -> Job:
        return Job(part, paper, str(charts_dir), first, total, numbers or {}, placeholder, draw)

    # 1. With placeholder numbers: how many pages each part has, and on which of them its anchors are.
    began = time.perf_counter()
    layouts = _lay_out_all([job(part) for part in parts], workers)
    log(f"pdf: layout 1: {len(parts)} parts, {sum(layout.pages for layout in layouts)} pages, "
        f"in {time.perf_counter() - began:.1f} s")
    # 2, 3. With the real numbers, drawn; again for the parts whose numbers moved, until none does.
    drawn: list[tuple[int, str, dict[str, str]] | None] = [None] * len(parts)  # what each part was drawn with
    for layout_number in range(2, MOST_PASSES + 2):
        wanted = _wanted(layouts, placeholder)
        todo = [i for i, numbers in enumerate(wanted) if drawn[i] != numbers]
        if not todo:
            break
        began = time.perf_counter()
        for i, layout in zip(todo, _lay_out_all([job(parts[i], *wanted[i], draw=True) for i in todo], workers),
                             strict=True):
            layouts[i], drawn[i] = layout, wanted[i]
        log(f"pdf: layout {layout_number}: {len(todo)} of {len(parts)} parts laid out and drawn "
            f"in {time.perf_counter() - began:.1f} s")
    else:
        if drawn != _wanted(layouts, placeholder):
            log(f"pdf: page numbers still moving after {MOST_PASSES + 1} layouts; some may be a page out")
    missing = sorted({target for layout in layouts for _, target, _ in layout.links} - set(_page_numbers(layouts)[0]))
    if missing:
        raise PdfError(f"the print document links to anchors it does not have: {', '.join(missing[:10])}")
    return layouts

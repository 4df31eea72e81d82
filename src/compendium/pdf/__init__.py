"""Stage 6, the PDF edition: the whole compendium as one document to read offline, print and cite.

    document.py  the print document as HTML (cover, contents, claims, evidence, timeline, method,
                 references), cut into parts between items
    layout.py    WeasyPrint lays each part out, twice or more, until every printed page number is right
    join.py      pypdf joins the parts into one PDF with links, bookmarks and metadata for the whole

The PDF is cached: the same print document, stylesheet, charts and versions give the same PDF, so a
build with nothing changed copies the last one instead of laying hundreds of pages out again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from compendium.charts import OUTPUT as CHARTS_OUTPUT
from compendium.model import Compendium
from compendium.pdf.document import PART_SIZE, Cover, PrintDocument, print_document, read_cover
from compendium.pdf.errors import PdfError
from compendium.pdf.join import DocumentInfo, join
from compendium.pdf.layout import PAPERS, paginate, stylesheet

__all__ = ["PAPERS", "PDF_NAME", "Cover", "PdfError", "PdfStats", "read_cover", "write_pdf"]

PDF_NAME = "compendium.pdf"
PDF_CACHE = ".cache/pdf"  # under the compendium's root: the last PDF of each paper size, with its key


@dataclass(frozen=True)
class PdfStats:
    pages: int
    seconds: float
    parts: int = 0  # laid out this time (0: taken from the cache)


def _install(content: bytes, target: Path) -> None:
    """Write the PDF to target, replacing it only once the whole file is written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".compendium-", suffix=".pdf", dir=target.parent)
    os.close(handle)
    try:
        Path(temporary).write_bytes(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _cache_key(document: PrintDocument, paper: str, charts_dir: Path, chart_ids: list[str]) -> str:
    """The PDF depends on the print document, stylesheet and charts, and on the code that lays it out."""
    versions = [f"{name} {metadata.version(name)}" for name in ("weasyprint", "pypdf")]
    code = [(Path(__file__).parent / name).read_text("utf-8") for name in ("layout.py", "join.py")]
    digest = hashlib.sha256("\0".join([*versions, *code, paper, stylesheet(paper), *document.parts]).encode())
    for chart_id in sorted(chart_ids):
        digest.update((charts_dir / f"{chart_id}.svg").read_bytes())
    return digest.hexdigest()


def write_pdf(compendium: Compendium, cover: Cover, target: Path, paper: str = "a4",
              log: Callable[[str], None] = lambda _: None, workers: int | None = None,
              part_size: int = PART_SIZE) -> PdfStats:
    """Render the PDF edition to target, replacing it only once the whole file is written.

    workers: processes that lay parts out (None: one a core); part_size: characters of HTML a part."""
    if paper not in PAPERS:
        raise PdfError(f"unknown paper size {paper!r}: choose one of {', '.join(PAPERS)}")
    start = time.perf_counter()
    charts_dir = (compendium.root / "docs" / CHARTS_OUTPUT).resolve()
    missing = [c for c in compendium.charts if not (charts_dir / f"{c}.svg").is_file()]
    if missing:
        raise PdfError(f"chart files missing in {charts_dir}: {', '.join(missing)}; run `compendium charts` first")
    document = print_document(compendium, cover, part_size)
    key = _cache_key(document, paper, charts_dir, list(compendium.charts))
    cache = compendium.root / PDF_CACHE
    cached_pdf, cached_key = cache / f"{paper}.pdf", cache / f"{paper}.json"
    if cached_pdf.is_file() and cached_key.is_file():
        try:
            remembered = json.loads(cached_key.read_text("utf-8"))
        except ValueError:
            remembered = {}
        if remembered.get("key") == key:
            _install(cached_pdf.read_bytes(), target)
            stats = PdfStats(int(remembered["pages"]), time.perf_counter() - start)
            log(f"pdf: unchanged, {stats.pages} pages taken from the cache -> {target}")
            return stats
    layouts = paginate(document.parts, paper, charts_dir, workers=workers, log=log)
    info = DocumentInfo(title=document.title, author=document.author, subject=document.description,
                        created=document.printed, language=document.language,
                        creator=f"compendium (WeasyPrint {metadata.version('weasyprint')}, "
                                f"pypdf {metadata.version('pypdf')})")
    began = time.perf_counter()
    content = join(layouts, info)
    log(f"pdf: {len(layouts)} parts joined in {time.perf_counter() - began:.1f} s")
    _install(content, target)
    stats = PdfStats(sum(layout.pages for layout in layouts), time.perf_counter() - start, len(layouts))
    cache.mkdir(parents=True, exist_ok=True)
    cached_pdf.write_bytes(content)
    cached_key.write_text(json.dumps({"key": key, "pages": stats.pages}), "utf-8")
    log(f"pdf: {stats.pages} pages in {stats.seconds:.1f} s ({paper}, {stats.parts} parts) -> {target}")
    return stats

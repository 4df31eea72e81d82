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
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from compendium.charts import OUTPUT as CHARTS_OUTPUT
from compendium.files import read_record, read_regular, write_file
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


def _cached(cached_pdf: Path, cached_key: Path, key: str) -> tuple[bytes, int] | None:
    """The cached PDF and its page count, when its record is for key and the file is the one recorded:
    a record of another shape, or a PDF truncated or changed since, is a miss."""
    record = read_record(cached_key, {"key": str, "pages": int, "bytes": int, "sha256": str})
    if record is None or record["key"] != key or record["pages"] < 1:
        return None
    content = read_regular(cached_pdf)
    if content is None or len(content) != record["bytes"] or hashlib.sha256(content).hexdigest() != record["sha256"]:
        return None
    return content, record["pages"]


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
    if (hit := _cached(cached_pdf, cached_key, key)) is not None:
        write_file(target, hit[0])  # the whole file or, should writing fail, the previous one
        stats = PdfStats(hit[1], time.perf_counter() - start)
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
    write_file(target, content)
    stats = PdfStats(sum(layout.pages for layout in layouts), time.perf_counter() - start, len(layouts))
    # The PDF first, then its record: a build stopped in between leaves a record the PDF does not match.
    write_file(cached_pdf, content)
    write_file(cached_key, json.dumps({"key": key, "pages": stats.pages, "bytes": len(content),
                                       "sha256": hashlib.sha256(content).hexdigest()}))
    log(f"pdf: {stats.pages} pages in {stats.seconds:.1f} s ({paper}, {stats.parts} parts) -> {target}")
    return stats

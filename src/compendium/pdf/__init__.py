"""Stage 6, the PDF edition: the whole compendium as one document to read offline, print and cite.

    document.py  the print document as data (cover, contents, summary, verdicts at a glance, claims,
                 glossary, evidence, timeline, method, references)
    method.py    the method page's Markdown as the same kind of data
    typeset.py   Typst lays it out with the template pdf/compendium.typ, in one compile, into
                 a tagged PDF (PDF/UA-1) with links, named destinations, bookmarks and page numbers
    worker.py    that compile, in a process of its own (its memory freed once the PDF is written)

The PDF is cached: the same print document, template, charts, fonts and Typst give the same PDF, so a
build with nothing changed copies the last one, once its bytes are checked against the record.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from compendium.files import read_record, read_regular, write_file
from compendium.model import Compendium
from compendium.paths import CACHE_DIR, CHARTS_OUTPUT
from compendium.pdf.document import PAPERS, Cover, print_document, read_cover, to_json
from compendium.pdf.errors import PdfError
from compendium.pdf.typeset import STANDARDS, recorded_fonts, template, typeset, typst_version

__all__ = ["PAPERS", "PDF_NAME", "Cover", "PdfError", "PdfStats", "read_cover", "write_pdf"]

PDF_NAME = "compendium.pdf"
PDF_CACHE = f"{CACHE_DIR}/pdf"  # under the compendium's root: the last PDF of each paper size, with its key
FONTS_RECORD = "fonts.json"  # in PDF_CACHE: the fonts Typst found, and the state of the font folders then


@dataclass(frozen=True)
class PdfStats:
    pages: int
    seconds: float
    laid_out: bool = True  # False: taken from the cache


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


def _cache_key(document: str, charts_dir: Path, chart_ids: list[str], timestamp: int, cache: Path) -> str:
    """The PDF depends on the print document, the template and the charts, and on what lays it out:
    Typst's version, the fonts it finds (as recorded in cache, see recorded_fonts), the code that calls it."""
    code = "".join((Path(__file__).parent / name).read_text("utf-8") for name in ("typeset.py", "worker.py"))
    digest = hashlib.sha256("\0".join([f"typst {typst_version()}", *STANDARDS, str(timestamp), code, template(),
                                       *recorded_fonts(cache / FONTS_RECORD), document]).encode())
    for chart_id in sorted(chart_ids):
        digest.update((charts_dir / f"{chart_id}.svg").read_bytes())
    return digest.hexdigest()


def page_count(pdf: bytes) -> int:
    """The number of pages, from the page tree's root (Typst writes it first, uncompressed)."""
    tree = re.compile(rb"/Type\s*/Pages\s*/Count\s+(\d+)")
    match = tree.search(pdf[:4096]) or tree.search(pdf)
    if match is None:
        raise PdfError("the PDF Typst wrote has no page tree")
    return int(match.group(1))


def write_pdf(compendium: Compendium, cover: Cover, target: Path, paper: str = "a4",
              log: Callable[[str], None] = lambda _: None) -> PdfStats:
    """Render the PDF edition to target, replacing it only once the whole file is written."""
    if paper not in PAPERS:
        raise PdfError(f"unknown paper size {paper!r}: choose one of {', '.join(PAPERS)}")
    start = time.perf_counter()
    charts_dir = (compendium.root / "docs" / CHARTS_OUTPUT).resolve()
    missing = [c for c in compendium.charts if not (charts_dir / f"{c}.svg").is_file()]
    if missing:
        raise PdfError(f"chart files missing in {charts_dir}: {', '.join(missing)}; run `compendium charts` first")
    document = print_document(compendium, cover, paper)
    data = to_json(document)
    cache = compendium.root / PDF_CACHE
    key = _cache_key(data, charts_dir, list(compendium.charts), cover.timestamp, cache)
    cached_pdf, cached_key = cache / f"{paper}.pdf", cache / f"{paper}.json"
    if (hit := _cached(cached_pdf, cached_key, key)) is not None:
        write_file(target, hit[0])  # the whole file or, should writing fail, the previous one
        stats = PdfStats(hit[1], time.perf_counter() - start, laid_out=False)
        log(f"pdf: unchanged, {stats.pages} pages taken from the cache -> {target}")
        return stats
    content = typeset(data, charts_dir, cover.timestamp, log=log)
    write_file(target, content)
    stats = PdfStats(page_count(content), time.perf_counter() - start)
    # The PDF first, then its record: a build stopped in between leaves a record the PDF does not match.
    write_file(cached_pdf, content)
    write_file(cached_key, json.dumps({"key": key, "pages": stats.pages, "bytes": len(content),
                                       "sha256": hashlib.sha256(content).hexdigest()}))
    log(f"pdf: {stats.pages} pages in {stats.seconds:.1f} s ({paper}, Typst {typst_version()}) -> {target}")
    return stats

"""The build, written out: load -> validate -> resolve references -> render pages and charts -> build site.

Each stage is a module of its own. Problems are collected across the first three stages, so that one
run reports every problem in the compendium; nothing is written unless there were none.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from compendium.charts import ChartStats, render_charts
from compendium.diagnostics import Report
from compendium.edition import current_edition
from compendium.load import load_sources
from compendium.model import Compendium
from compendium.render import WriteStats, render_pages, write_pages
from compendium.resolve import check_references, link
from compendium.settings import read_settings
from compendium.site import build_site
from compendium.validate import validate_sources

CACHE_DIR = ".cache"


@dataclass
class BuildResult:
    report: Report
    compendium: Compendium | None = None
    pages: WriteStats | None = None
    charts: ChartStats | None = None
    site_ok: bool | None = None
    site_output: str = ""
    timings: dict[str, float] = field(default_factory=dict)


def check(root: Path) -> tuple[Report, Compendium | None]:
    """Load, validate and resolve: every problem in the compendium, and the model when there are none."""
    report = Report()
    sources, problems = load_sources(root)
    report.extend(problems)
    report.extend(validate_sources(sources))
    report.extend(check_references(sources))
    if report.errors:
        return report, None
    return report, link(sources)


def build(root: Path, *, site_dir: Path | None = None, strict: bool = False, make_site: bool = True,
          log: Callable[[str], None] = lambda _: None) -> BuildResult:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    report, compendium = check(root)
    timings["load+validate+resolve"] = time.perf_counter() - start
    result = BuildResult(report, compendium, timings=timings)
    if compendium is None or report.failed(strict):
        return result
    docs_dir = root / "docs"

    start = time.perf_counter()
    chart_files, result.charts = render_charts(compendium, docs_dir, root / CACHE_DIR / "charts.json")
    timings["charts"] = time.perf_counter() - start
    log(f"charts: {result.charts.rendered} rendered, {result.charts.cached} from the cache")

    start = time.perf_counter()
    newest = max((h.date for c in compendium.claims.values() for h in c.history), default="1970-01-01")
    pages = render_pages(compendium, read_settings(root), current_edition(root, newest))
    result.pages = write_pages(docs_dir, pages, frozenset(chart_files))
    timings["pages"] = time.perf_counter() - start
    log(f"pages: {result.pages.written} written, {result.pages.unchanged} unchanged, "
        f"{result.pages.removed} removed")

    if make_site:
        start = time.perf_counter()
        outcome = build_site(root, site_dir or root / "site")
        timings["mkdocs"] = time.perf_counter() - start
        result.site_ok, result.site_output = outcome.ok, outcome.output
    return result

"""The build, written out: load -> validate -> resolve references -> render pages and charts -> build site
(with the PDF edition written into it before it replaces the previous site).

Each stage is a module of its own. Problems are collected across the first three stages, so that one
run reports every problem in the compendium; nothing is written unless there were none.

Each stage is imported where it is used, so that `compendium validate` never loads jinja2, matplotlib,
MkDocs or the PDF engine, and a build imports only what it runs (tests/test_imports.py checks both in a
fresh interpreter). A build whose pages' inputs did not change renders no page (inputs.py); when no input
at all changed since the last build and no PDF is asked for, the last build's findings are reported again
(they are the same: the same files, engine and day give the same checks) and the build goes straight to the
site step, loading nothing.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from compendium.diagnostics import Diagnostic, Report
from compendium.files import WriteStats, describe
from compendium.paths import CACHE_DIR

if TYPE_CHECKING:
    from compendium.charts.draw import ChartStats
    from compendium.edition import Edition
    from compendium.model import Compendium
    from compendium.pdf import PdfStats
    from compendium.settings import SiteSettings
    from compendium.web.sharecard import CardStats

@dataclass
class BuildResult:
    report: Report
    compendium: Compendium | None = None
    pages: WriteStats | None = None
    charts: ChartStats | None = None
    cards: CardStats | None = None
    site_ok: bool | None = None
    site_output: str = ""  # MkDocs' warnings and errors, as its command line prints them
    site_problems: list[Diagnostic] = field(default_factory=list)  # the same, each at the file it names
    pdf: PdfStats | None = None
    pdf_problem: str = ""  # why the PDF edition could not be made (and so the site was not replaced)
    os_problem: str = ""  # a file that could not be written or read, and why (the site was not replaced)
    # No input changed since the last build: its findings (report) and pages stand, and no model was made.
    checks_reused: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def checked(self) -> bool:
        """The data passed the checks (now, or unchanged since they last did), so later stages could run."""
        return self.compendium is not None or self.checks_reused


def check(root: Path) -> tuple[Report, Compendium | None]:
    """Load, validate and resolve: every problem in the compendium, and the model when there are none."""
    # These stages make hundreds of thousands of small objects that live until the model is made. Python's
    # cyclic garbage collector, run again and again as they pile up, walks all of them each time (a third of
    # the checks' time at 1,000 claims); they form no cycles to speak of, so it waits until the checks end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(root)
    finally:
        if collecting:
            gc.enable()


def _check(root: Path) -> tuple[Report, Compendium | None]:
    from compendium.input.load import load_sources
    from compendium.input.resolve import check_references, link
    from compendium.input.validate import validate_sources

    report = Report()
    sources, problems = load_sources(root)
    report.extend(problems)
    report.extend(validate_sources(sources))
    problems, prevented = check_references(sources)
    report.extend(problems)
    report.note_prevented(prevented)
    if report.errors:
        return report, None
    return report, link(sources)


def _write_pdf(compendium: Compendium, settings: SiteSettings, edition: Edition, target: Path, paper: str,
               result: BuildResult, log: Callable[[str], None]) -> str:
    """The PDF edition stage; returns its problem ('' for none), which is also kept in result."""
    from compendium.pdf import PdfError, read_cover, write_pdf

    start = time.perf_counter()
    try:
        cover = read_cover(settings, edition)
        result.pdf = write_pdf(compendium, cover, target, paper, log=log)
    except PdfError as problem:
        result.pdf_problem = str(problem)
    result.timings["pdf"] = time.perf_counter() - start
    return result.pdf_problem


def _reuse(root: Path, log: Callable[[str], None]) -> tuple[Report, Edition, WriteStats] | None:
    """The last build's findings, edition and pages, when no input changed since (see inputs.reused_checks)."""
    from compendium.input.inputs import reused_checks

    reused = reused_checks(root, root / "docs")
    if reused is not None:
        log(f"pages: {reused[2]} unchanged (no input changed since the last build: its checks and pages stand)")
        return reused[0], reused[1], WriteStats(0, reused[2], 0)
    return None


def _site(root: Path, site_dir: Path | None, builder: str | None, finish: Callable[[Path], str] | None,
          result: BuildResult) -> None:
    """The site step: the builder's run into a staging folder, finish (the PDF) in it, then the swap."""
    from compendium.web.builders import DEFAULT_BUILDER
    from compendium.web.site import build_site

    builder = builder or DEFAULT_BUILDER
    start = time.perf_counter()
    outcome = build_site(root, site_dir or root / "site", finish=finish, builder=builder)
    result.timings[builder] = time.perf_counter() - start - result.timings.get("pdf", 0.0)
    result.site_ok, result.site_output, result.site_problems = outcome.ok, outcome.output, outcome.problems


def build(root: Path, *, site_dir: Path | None = None, strict: bool = False, make_site: bool = True,
          pdf: bool = True, pdf_file: Path | None = None, paper: str = "a4", builder: str | None = None,
          log: Callable[[str], None] = lambda _: None) -> BuildResult:
    """The whole build. With make_site, the PDF edition (unless pdf is False) is written into the new site
    before it replaces the old one; without it, the PDF is written to pdf_file when one is given. An
    OSError on the way (a full disk, a read-only folder) stops the build with result.os_problem. builder is the
    site's (one of builders.BUILDERS; None for the default); its time is timings[builder]."""
    start = time.perf_counter()
    # Without a PDF to make, nothing after the checks needs the model: when no input changed since the last
    # build (inputs.py), its checks' findings and pages stand, and the build goes straight to the site.
    needs_model = pdf and (make_site or pdf_file is not None)
    if not needs_model and (reused := _reuse(root, log)) is not None:
        return _site_of_last_build(root, reused, start, strict, make_site, site_dir, builder)
    report, compendium = check(root)
    result = BuildResult(report, compendium, timings={"load+validate+resolve": time.perf_counter() - start})
    if compendium is None or report.failed(strict):
        return result
    try:
        # The stages in order: each writes what the next reads (the pages list the charts' and cards' files).
        chart_files = _charts_stage(compendium, root, result, log)
        settings, card_files = _cards_stage(compendium, root, result, log)
        edition = _pages_stage(compendium, root, settings, chart_files, card_files, result, log)
        if make_site:
            def finish(staging: Path) -> str:
                from compendium.pdf import PDF_NAME

                return _write_pdf(compendium, settings, edition, staging / PDF_NAME, paper, result, log)

            _site(root, site_dir, builder, finish if pdf else None, result)
        elif pdf_file is not None:
            _write_pdf(compendium, settings, edition, pdf_file, paper, result, log)
    except OSError as error:  # a full disk, a read-only folder: the previous site is left as it was
        result.os_problem = describe(error)
    return result


def _site_of_last_build(root: Path, reused: tuple[Report, Edition, WriteStats], start: float, strict: bool,
                        make_site: bool, site_dir: Path | None, builder: str | None) -> BuildResult:
    """The build when no input changed since the last one: its findings reported again, and (when they pass
    and a site is asked for) the site step, with no model made."""
    report, edition, result_pages = reused
    result = BuildResult(report, None, pages=result_pages, checks_reused=True,
                         timings={"load+validate+resolve": time.perf_counter() - start})
    if not report.failed(strict) and make_site:
        os.environ["SOURCE_DATE_EPOCH"] = str(edition.epoch)
        try:
            _site(root, site_dir, builder, None, result)
        except OSError as error:
            result.os_problem = describe(error)
    return result


def _charts_stage(compendium: Compendium, root: Path, result: BuildResult, log: Callable[[str], None]) -> set[str]:
    """The charts' images, drawn or taken from the cache; returns their files under docs/."""
    from compendium.charts.draw import render_charts

    start = time.perf_counter()
    chart_files, result.charts = render_charts(compendium, root / "docs", root / CACHE_DIR / "charts.json")
    result.timings["charts"] = time.perf_counter() - start
    log(f"charts: {result.charts.rendered} rendered, {result.charts.cached} from the cache")
    return chart_files


def _cards_stage(compendium: Compendium, root: Path, result: BuildResult,
                 log: Callable[[str], None]) -> tuple[SiteSettings, set[str]]:
    """The share cards (the images a link to a page shows), drawn or from the cache; returns the site's
    settings, which the pages also read, and the cards' files under docs/."""
    from compendium.settings import read_settings
    from compendium.web.sharecard import render_cards

    start = time.perf_counter()
    settings = read_settings(root)
    card_files, result.cards = render_cards(compendium, settings, root / "docs", root / CACHE_DIR / "cards.json")
    result.timings["share cards"] = time.perf_counter() - start
    log(f"share cards: {result.cards.drawn} drawn, {result.cards.cached} from the cache")
    return settings, card_files


def _pages_stage(compendium: Compendium, root: Path, settings: SiteSettings, chart_files: set[str],
                 card_files: set[str], result: BuildResult, log: Callable[[str], None]) -> Edition:
    """The edition, then the generated pages, rendered unless their inputs did not change since they were
    written; then the checks' findings, recorded for a next build that finds no input changed. Returns the
    edition, which the PDF's cover states."""
    from compendium.edition import current_edition
    from compendium.input.inputs import inputs_key, record_checks, record_pages, unchanged_pages

    docs_dir = root / "docs"
    start = time.perf_counter()
    newest = max((h.date for c in compendium.claims.values() for h in c.history), default="1970-01-01")
    edition = current_edition(root, newest)
    # Every tool that stamps a date (MkDocs' sitemap, its gzip, the PDF) takes it from the edition, so
    # that building the same commit twice gives the same bytes.
    os.environ["SOURCE_DATE_EPOCH"] = str(edition.epoch)
    inputs = inputs_key(root, edition)
    unchanged = unchanged_pages(root, docs_dir, inputs)
    if unchanged is not None:  # made from the same inputs, and as written then: nothing to render
        result.pages = WriteStats(0, unchanged, 0)
        log(f"pages: {unchanged} unchanged (their inputs did not change: not rendered)")
    else:
        from compendium.paths import MANIFEST
        from compendium.web.render import render_pages, write_pages

        pages = render_pages(compendium, settings, edition)
        result.pages = write_pages(docs_dir, pages, frozenset(chart_files | card_files))
        record_pages(root, docs_dir, inputs, pages, [MANIFEST, *chart_files, *card_files])
        log(f"pages: {result.pages.written} written, {result.pages.unchanged} unchanged, "
            f"{result.pages.removed} removed")
    record_checks(root, result.report, newest)
    result.timings["pages"] = time.perf_counter() - start
    return edition

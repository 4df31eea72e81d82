"""What the benchmark runs in a child process of its own (a fresh interpreter, as `make site` is): one build
reported as one line of JSON, the build's own steps under cProfile, or plain `mkdocs serve` of the pages the
engine generated. The parent starts them as `bench/run.py --child-...` (child_command)."""

from __future__ import annotations

import cProfile
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench.measure import REPO

ENTRY = REPO / "bench" / "run.py"
RESULT_PREFIX = "BENCH-RESULT "
# A MkDocs hook that gives plain `mkdocs serve` the engine's settings and nothing else.
SERVE_HOOK = REPO / "bench" / "mkdocs_engine_hook.py"


def child_command(*arguments: str) -> list[str]:
    """The command that runs this module's function named by arguments in a fresh interpreter."""
    return [sys.executable, str(ENTRY), *arguments]


def child_build(root: Path, site_dir: Path, pdf: bool, builder: str | None = None) -> None:
    from compendium import pipeline

    # When the PDF stage began and ended, on the clock the parent's memory samples are taken by (both
    # processes read the same monotonic clock), so that the parent can tell the stage's own peak.
    windows: dict[str, list[float]] = {}
    write_pdf = pipeline._write_pdf

    def timed_pdf(*args: Any, **kwargs: Any) -> str:
        began = time.monotonic()
        try:
            return write_pdf(*args, **kwargs)
        finally:
            windows["pdf"] = [began, time.monotonic()]

    pipeline._write_pdf = timed_pdf
    start = time.perf_counter()
    result = pipeline.build(root, site_dir=site_dir, pdf=pdf, builder=builder)
    wall = time.perf_counter() - start
    errors = [d.format_text() for d in result.report.errors]
    report = {
        "ok": bool(result.checked and not errors and result.site_ok and not result.pdf_problem),
        "problem": "\n".join(errors[:10]) or result.os_problem or result.pdf_problem
        or ("" if result.site_ok else result.site_output[-3000:] or "the site was not built, and nothing said why"),
        "timings": result.timings, "in_process_s": wall, "windows": windows,
        "charts_rendered": result.charts.rendered if result.charts else None,
        "charts_cached": result.charts.cached if result.charts else None,
        "pages_written": result.pages.written if result.pages else None,
        "checks_reused": result.checks_reused,
        "pages_unchanged": result.pages.unchanged if result.pages else None,
        "matplotlib_imported": "matplotlib" in sys.modules,
        "pdf_pages": result.pdf.pages if result.pdf else None,
        "pdf_laid_out": result.pdf.laid_out if result.pdf else None,
        "maxrss_self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "maxrss_children_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }
    print(RESULT_PREFIX + json.dumps(report))


def child_profile(root: Path, out: Path) -> None:
    """Profile the build's own steps (no MkDocs, no PDF) on an already built folder: the no-op build."""
    from compendium.pipeline import build

    profile = cProfile.Profile()
    profile.enable()
    build(root, make_site=False)
    profile.disable()
    profile.dump_stats(str(out))


def child_mkdocs_serve(root: Path, address: str) -> None:
    """`mkdocs serve` of root's generated pages, with the engine's settings (SERVE_HOOK) and no regeneration."""
    from mkdocs.commands.serve import serve

    serve(config_file=str(root / "mkdocs.yml"), hooks=[str(SERVE_HOOK)], dev_addr=address, livereload=True)

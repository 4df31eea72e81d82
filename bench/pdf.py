"""The PDF edition's scenario: the build with its PDF laid out afresh by Typst, its stage's time and the peak
memory of the process tree while it ran; and `--pdf-only`, which measures only that and replaces only the
PDF section of the report."""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from bench.builds import measured_build
from bench.compendia import copy_real_record, fresh_copy, synthesize
from bench.measure import BenchError, Log, load, sizes, version, workspace
from bench.report import EMPTY, PDF_HEADING, pdf_section, splice_section
from bench.results import Scenario


def bench_pdf(scenario: Scenario, source: Path, work: Path, runs: int, log: Log) -> None:
    """The build with its PDF edition laid out afresh: each run on a fresh copy built once without the PDF
    (so charts and pages are in place and the runs differ from the no-change build only by the PDF; a
    fresh copy has no PDF in its cache)."""
    try:
        for i in range(runs):
            root = fresh_copy(source, work / f"{scenario.name}-pdf-{i}")
            measured_build(root)
            scenario.pdf.append(run := measured_build(root, pdf=True))
            seconds = run.report["timings"].get("pdf", 0)
            log(f"  {scenario.name} with PDF, run {i + 1}/{runs}: PDF stage {seconds:.1f} s")
            shutil.rmtree(root)
    except BenchError as problem:
        scenario.problem = scenario.problem or str(problem)
        log(f"  {scenario.name} PDF: {problem}")


def pdf_only(args: argparse.Namespace, log: Log) -> int:
    """The PDF edition alone: the real record's (--pdf-runs runs) and the synthetic --pdf-sizes' (one run)."""
    started, load_start = time.perf_counter(), load()
    scenarios: list[Scenario] = []
    with workspace(args.keep) as work:
        log(f"bench: working in {work}")
        if not args.no_real:
            log("bench: the real record's PDF")
            real = Scenario("real record")
            bench_pdf(real, copy_real_record(work / "real-source"), work, max(1, args.pdf_runs), log)
            scenarios.append(real)
        for n in sizes(args.pdf_sizes):
            log(f"bench: synthetic, N = {n}: the PDF")
            big = Scenario(f"synthetic N={n}")
            bench_pdf(big, synthesize(work / f"synthetic-{n}-source", n), work, 1, log)
            scenarios.append(big)
    when = (f"Measured alone (`bench/run.py --pdf-only`) on {time.strftime('%Y-%m-%d %H:%M')}, "
            f"{(time.perf_counter() - started) / 60:.1f} min in all, load average {load_start} at the start and "
            f"{load()} at the end; Typst {version('typst')}.")
    section = pdf_section(scenarios, when)
    existing = args.output.read_text("utf-8") if args.output.exists() else EMPTY
    args.output.write_text(splice_section(existing, PDF_HEADING, section), "utf-8")
    print(section)
    log(f"bench: the PDF section written to {args.output}")
    return 1 if any(s.problem for s in scenarios) else 0

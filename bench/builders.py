"""The two builders of the site (MkDocs with Material, and Zensical: README, "Choosing a builder") side by
side, with `--builders-only`: the site stage of each on the same folder with its pages already rendered,
Zensical's first with its cache empty and again with it full. A full run keeps this section as it was."""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from bench.builds import measured_build
from bench.compendia import copy_real_record, fresh_copy, html_pages, synthesize
from bench.measure import BenchError, Log, load, sizes, version, workspace
from bench.report import BUILDERS_HEADING, EMPTY, builders_section, splice_section
from bench.results import BuilderRun, Builders

# The builders' runs, in the order made on one folder whose pages are rendered: (builder, label).
BUILDER_RUNS = (("mkdocs", "MkDocs + Material"), ("zensical", "Zensical, its cache empty"),
                ("zensical", "Zensical, its cache full"))
SEARCH_INDEXES = ("search/search_index.json", "search.json")  # MkDocs', Zensical's


def bench_builders(name: str, source: Path, work: Path, log: Log) -> list[BuilderRun] | str:
    """One run of each of BUILDER_RUNS on a copy of source built once first (charts drawn, pages rendered), so
    that every run differs from the others only by its builder; or the problem that stopped it."""
    root = fresh_copy(source, work / f"{name}-builders")
    runs: list[BuilderRun] = []
    try:
        measured_build(root)
        failed: set[str] = set()
        for builder, label in BUILDER_RUNS:
            if builder in failed:  # it would fail again, the same way
                continue
            run = measured_build(root, builder=builder, may_fail=True)
            if not run.report["ok"]:
                failed.add(builder)
            index = next((root / "site" / n for n in SEARCH_INDEXES if (root / "site" / n).is_file()), None)
            runs.append(BuilderRun(label, builder, run, html_pages(root), index.stat().st_size if index else 0))
            log(f"  {name}, {label}: site stage {run.report['timings'].get(builder, 0):.1f} s, "
                f"whole build {run.wall:.1f} s" + ("" if run.report["ok"] else f", FAILED: {run.report['problem']}"))
    except BenchError as problem:
        log(f"  {name} builders: {problem}")
        return str(problem)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return runs


def builders_only(args: argparse.Namespace, log: Log) -> int:
    """The two builders side by side: the real record's and the synthetic --sizes' sites, one run each."""
    started, load_start = time.perf_counter(), load()
    results: Builders = {}
    with workspace(args.keep) as work:
        log(f"bench: working in {work}")
        if not args.no_real:
            log("bench: the real record, each builder")
            results["real record"] = bench_builders("real", copy_real_record(work / "real-source"), work, log)
        for n in sizes(args.sizes):
            log(f"bench: synthetic, N = {n}, each builder")
            results[f"synthetic N={n}"] = bench_builders(f"synthetic-{n}",
                                                         synthesize(work / f"synthetic-{n}-source", n), work, log)
    when = (f"Measured alone (`bench/run.py --builders-only --sizes {args.sizes}`) on "
            f"{time.strftime('%Y-%m-%d %H:%M')}, {(time.perf_counter() - started) / 60:.1f} min in all, load average "
            f"{load_start} at the start and {load()} at the end; MkDocs {version('mkdocs')}, Material "
            f"{version('mkdocs-material')}, Zensical {version('zensical')}.")
    section = builders_section(results, when)
    existing = args.output.read_text("utf-8") if args.output.exists() else EMPTY
    args.output.write_text(splice_section(existing, BUILDERS_HEADING, section), "utf-8")
    print(section)
    log(f"bench: the builders section written to {args.output}")
    return 1 if any(isinstance(r, str) for r in results.values()) else 0

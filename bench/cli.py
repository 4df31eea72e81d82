"""The benchmark's command line (`python -m bench`, or `bench/run.py`): its options, and the runs they choose:
the full run, `--only` some sections, `--pdf-only`, `--builders-only`, or one of the child processes the
measured builds are run in."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import bench
from bench.big import bench_big
from bench.builders import builders_only
from bench.builds import bench_scenario, hot_spots
from bench.child import child_build, child_mkdocs_serve, child_profile
from bench.compendia import copy_real_record, synthesize
from bench.measure import REPO, Log, load, machine, sizes, when, workspace
from bench.pdf import bench_pdf, pdf_only
from bench.report import (
    BIG_HEADING,
    EMPTY,
    KEPT_BY_A_FULL_RUN,
    SERVE_HEADING,
    VALIDATE_HEADING,
    full_report,
    kept_notes,
    kept_section,
    kept_targets,
    partial_report,
)
from bench.results import Results
from bench.serve import bench_serve
from bench.validation import bench_validate

OUTPUT = REPO / "BENCHMARKS.md"
SECTIONS = ("serve", "big", "validate")  # what --only can pick


def measure_extras(results: Results, args: argparse.Namespace, work: Path, wanted: set[str], log: Log) -> None:
    """The sections --only can pick (all of them in a full run): each measured, and when and under what load
    noted."""
    if "serve" in wanted and args.serve_edits > 0:
        log("bench: the preview, `compendium serve` against `mkdocs serve` (real record)")
        started, load_start = time.perf_counter(), load()
        source = work / "real-source"
        results.serve = bench_serve(source if source.exists() else copy_real_record(source), work,
                                    args.serve_edits, log)
        results.measured[SERVE_HEADING] = when(_what(args), started, load_start)
    if "validate" in wanted:
        log("bench: `compendium validate`")
        started, load_start = time.perf_counter(), load()
        for n in sizes(args.validate_sizes):
            source = work / f"synthetic-{n}-source"
            source = source if source.exists() else synthesize(source, n)
            results.validations.append(bench_validate(f"synthetic N={n}", source, max(args.runs, 5), log))
        results.measured[VALIDATE_HEADING] = when(_what(args), started, load_start)
    if "big" in wanted and sizes(args.big_sizes):
        started, load_start = time.perf_counter(), load()
        for n in sizes(args.big_sizes):
            log(f"bench: synthetic, N = {n}: one cold build, without the PDF")
            results.big.append(bench_big(n, work, log))
        results.measured[BIG_HEADING] = when(_what(args), started, load_start)


def _what(args: argparse.Namespace) -> str:
    return f"with `bench/run.py --only {args.only}`" if args.only else "in the full run (`make bench`)"


def full_run(args: argparse.Namespace, work: Path, log: Log) -> Results:
    """The real record and the synthetic --sizes (cold, no change, plain MkDocs), their PDF, the profile of the
    largest, then the preview, validation and the --big-sizes."""
    results, deadline, wanted = Results(), time.perf_counter() + 60 * args.budget_minutes, sizes(args.sizes)
    if not args.no_real:
        log("bench: the real record")
        source = copy_real_record(work / "real-source")
        results.scenarios.append(real := bench_scenario("real record", source, work, args.runs, log, deadline))
        if args.pdf_runs > 0 and not real.problem:
            bench_pdf(real, source, work, args.pdf_runs, log)
    for n in wanted:
        log(f"bench: synthetic, N = {n}")
        source = synthesize(work / f"synthetic-{n}-source", n)
        profile = work / "profile.pstats" if n == max(wanted) and not args.no_profile else None
        results.scenarios.append(bench_scenario(f"synthetic N={n}", source, work, args.runs, log, deadline, profile))
        if profile is not None and profile.exists():
            results.hot, results.hot_name = hot_spots(profile), f"synthetic N={n}, no change"
        if str(n) in args.pdf_sizes.split(",") and not results.scenarios[-1].problem:
            bench_pdf(results.scenarios[-1], source, work, 1, log)
    measure_extras(results, args, work, set(SECTIONS) - ({"serve"} if args.no_real else set()), log)
    return results


def only(args: argparse.Namespace, log: Log) -> int:
    """The sections named by --only, each replacing its own in the report, and the targets section made again
    (a target not measured keeps its last line)."""
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    if unknown := wanted - set(SECTIONS):
        log(f"bench: --only takes {', '.join(SECTIONS)}, not {', '.join(sorted(unknown))}")
        return 2
    results = Results()
    with workspace(args.keep) as work:
        log(f"bench: working in {work}")
        measure_extras(results, args, work, wanted, log)
    existing = args.output.read_text("utf-8") if args.output.exists() else EMPTY
    text, measured = partial_report(existing, results)
    args.output.write_text(text, "utf-8")
    print(measured)
    log(f"bench: {', '.join(sorted(wanted))} and the targets written to {args.output}")
    return 1 if results.failed() else 0


def everything(args: argparse.Namespace, log: Log) -> int:
    """The full run (`make bench`): every scenario but the builders', the whole report written again."""
    started, load_start = time.perf_counter(), load()
    with workspace(args.keep) as work:
        log(f"bench: working in {work}")
        results = full_run(args, work, log)
    existing = args.output.read_text("utf-8") if args.output.exists() else ""
    kept = {heading: kept_section(existing, heading) for heading in KEPT_BY_A_FULL_RUN}
    text = full_report(results, machine(), args.runs, (load_start, load()), kept_notes(existing),
                       time.perf_counter() - started, kept, kept_targets(existing), time.strftime("%Y-%m-%d %H:%M"))
    args.output.write_text(text, "utf-8")
    print(text)
    log(f"bench: written to {args.output}")
    return 1 if results.failed() else 0


def arguments(argv: list[str] | None) -> argparse.Namespace:
    # Python 3.11 names a package run with -m by its __main__.py.
    prog = "python -m bench" if Path(sys.argv[0]).name == "__main__.py" else None
    parser = argparse.ArgumentParser(prog=prog, description=bench.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add = parser.add_argument
    add("--runs", type=int, default=3, help="runs per compendium (median reported; default 3)")
    add("--sizes", default="100,1000", help="synthetic sizes, in claims (default: 100,1000)")
    add("--pdf-runs", type=int, default=1,
        help="builds with the PDF edition of the real record (default 1: it is slow; 0: none)")
    add("--pdf-sizes", default="1000",
        help="synthetic sizes whose PDF edition is also timed, once each (default: 1000; '' for none)")
    add("--big-sizes", default="3000",
        help="synthetic sizes built once each, cold and without the PDF (default: 3000; '' for none)")
    add("--serve-edits", type=int, default=3,
        help="edits timed under `compendium serve` and as many under `mkdocs serve` (default 3; 0: none)")
    add("--validate-sizes", default="1000",
        help="synthetic sizes `compendium validate` is timed on, max(--runs, 5) times each (default: 1000)")
    add("--no-real", action="store_true", help="leave out the real record (and so the preview)")
    add("--only", default="", help=f"measure only these sections, comma-separated, of: {', '.join(SECTIONS)}; "
        "replace only them and the targets in the report")
    add("--pdf-only", action="store_true", help="time only the PDF edition (the real record, and --pdf-sizes), and "
        "replace only the PDF section of the report")
    add("--builders-only", action="store_true", help="set the two builders side by side (the real record, and "
        "--sizes; one run each), and replace only that section of the report")
    add("--no-profile", action="store_true", help="do not profile the largest synthetic build")
    add("--output", type=Path, default=OUTPUT, help="where to write the report (default: BENCHMARKS.md)")
    add("--keep", action="store_true", help="keep the temporary folder of builds")
    add("--budget-minutes", type=float, default=14.0,
        help="leave out further runs of a compendium (after its first) that would end later than this (default "
             "14; the report says how many runs each median is of)")
    add("--child-build", nargs=2, type=Path, help=argparse.SUPPRESS)
    add("--child-profile", nargs=2, type=Path, help=argparse.SUPPRESS)
    add("--child-mkdocs-serve", nargs=2, help=argparse.SUPPRESS)
    add("--pdf", action="store_true", help=argparse.SUPPRESS)
    add("--builder", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    if args.child_build:
        child_build(args.child_build[0], args.child_build[1], pdf=args.pdf, builder=args.builder)
        return 0
    if args.child_profile:
        child_profile(*args.child_profile)
        return 0
    if args.child_mkdocs_serve:
        child_mkdocs_serve(Path(args.child_mkdocs_serve[0]), args.child_mkdocs_serve[1])
        return 0

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if args.pdf_only:
        return pdf_only(args, log)
    if args.builders_only:
        return builders_only(args, log)
    return only(args, log) if args.only else everything(args, log)

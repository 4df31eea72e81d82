#!/usr/bin/env python3
"""`make bench`: how long the build takes, stage by stage, on the real record and on synthetic ones.

For each compendium (the real record, and `compendium synth` ones of N = 100 and N = 1,000 claims) and
each of several runs:

1. cold: a fresh copy with nothing generated and no cache, built as `compendium build` builds it;
2. no-op: the same folder built again with nothing changed (charts from the cache, no page rewritten);
3. plain MkDocs: `mkdocs build --strict` of the very pages the build generated, in the same run: the
   floor every build stands on, and the denominator of the headline ratio.

Each build runs in a child process of its own (a fresh interpreter, as `make site` is), which reports the
pipeline's own stage timings; the whole wall time and the peak memory of the process tree (sampled
from /proc; the build, its chart-drawing processes and MkDocs) are measured from here. Every figure is
the median of the runs. The PDF edition is timed too, once laid out afresh: on the real record and on
the synthetic N = 1,000 (--pdf-sizes). Then the N = 1,000 build's own steps are profiled with cProfile,
for the hot spots.

Results are printed and written to BENCHMARKS.md, with the machine described and each target of
issue 11 marked met or not, by how much. Hand-written notes between the NOTES markers in
BENCHMARKS.md are kept from one run to the next.

The two builders of the site (MkDocs with Material, and Zensical: README, "Choosing a builder") are set side
by side with --builders-only, on the real record and the synthetic --sizes, one run each: the site stage of
each with the pages already rendered, Zensical's first with its cache empty and again with it full. That
section is kept by a full run, which does not measure it.

    python bench/run.py [--runs 3] [--sizes 100,1000] [--pdf-runs 1] [--pdf-sizes 1000] [--no-real]
                        [--no-profile] [--pdf-only] [--builders-only]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from compendium.paths import is_generated
from compendium.processes import cores

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "BENCHMARKS.md"
NOTES_BEGIN, NOTES_END = "<!-- NOTES: kept by bench/run.py -->", "<!-- END NOTES -->"

# Left out of a copy of the repository: tooling, caches and build output. src/ is linked, not copied.
# Left out of a copy of the repository, besides what the build generates (paths.generated()): tooling, and
# what the record's build does not read. src/ is linked, not copied.
NOT_COPIED = {".git", ".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "tests", "bench", "src",
              "__pycache__", "BENCHMARKS.md"}

# Issue 11's targets.
OVERHEAD_TARGET = 0.10  # the generator's steps, with charts cached, over the plain MkDocs build
CHART_TARGET_S = 0.100  # cold, per chart, median
VALIDATE_REAL_S, VALIDATE_1000_S = 0.3, 2.0
SITE_1000_S, MEMORY_1000_BYTES = 60.0, 1 << 30
PDF_REAL_S = 20.0
# Issue 20's targets for the PDF edition, made with Typst.
PDF_TYPST_REAL_S, PDF_TYPST_1000_S, PDF_TYPST_1000_BYTES = 3.0, 60.0, 1.5 * (1 << 30)
# The PDF edition as WeasyPrint 70 made it (parts of about 60 pages, each laid out twice, joined by pypdf),
# measured by this benchmark on 2026-11-25 (load average 1.05-1.80): pages, parts, PDF stage, whole build
# with PDF, peak memory. Kept to compare with.
WEASYPRINT = {"real record": (187, 4, 16.1, 18.7, 413 << 20), "synthetic N=1000": (6324, 105, 521.1, 565.8, 1607 << 20)}
CLAIM_PAGE_BYTES = 40_000


# ---------------------------------------------------------------------------------------------------
# In the child process: one build, reported as one line of JSON.

def child_build(root: Path, site_dir: Path, pdf: bool, builder: str | None = None) -> None:
    import resource

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
    print("BENCH-RESULT " + json.dumps(report))


def child_profile(root: Path, out: Path) -> None:
    """Profile the build's own steps (no MkDocs, no PDF) on an already built folder: the no-op build."""
    from compendium.pipeline import build

    profile = cProfile.Profile()
    profile.enable()
    build(root, make_site=False)
    profile.disable()
    profile.dump_stats(str(out))


# ---------------------------------------------------------------------------------------------------
# In the parent: running children, measuring wall time and memory.

@dataclass
class Run:
    wall: float
    peak_bytes: int
    report: dict[str, Any] = field(default_factory=dict)
    # The PDF stage's: the largest sample of the process tree while it ran, and the last one before it
    # began (what the build process already held: MkDocs' leftovers, the model).
    pdf_peak_bytes: int | None = None
    pdf_before_bytes: int | None = None


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])  # after the command name, which may hold spaces
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (shared pages counted in each)."""
    children, total, todo = _children_map(), 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        with suppress(OSError, IndexError, ValueError):  # the process ended meanwhile
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * page
        todo.extend(children.get(current, []))
    return total


Sample = tuple[float, int]  # time.monotonic(), resident bytes of the process tree


def run_measured(command: list[str], cwd: Path,
                 samples: list[Sample] | None = None) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """Run command; its wall time and the peak resident memory of its process tree (sampled every 100 ms;
    each sample also added to samples, when given)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    peak = 0
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    sampling = Path("/proc").is_dir()
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            rss = _tree_rss(process.pid)
            peak = max(peak, rss)
            if samples is not None:
                samples.append((time.monotonic(), rss))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    if sampling:
        sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    stop.set()
    if sampling:
        sampler.join()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), wall, peak


class BenchError(Exception):
    pass


def measured_build(root: Path, pdf: bool = False, builder: str | None = None, may_fail: bool = False) -> Run:
    """One build in a child process, measured. A build that fails raises BenchError, unless may_fail: then its
    Run is returned, its report's ok false and its problem said."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child-build", str(root), str(root / "site")]
    if pdf:
        command.append("--pdf")
    if builder:
        command += ["--builder", builder]
    samples: list[Sample] = []
    done, wall, peak = run_measured(command, root, samples)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH-RESULT ")]
    if done.returncode != 0 or not lines:
        raise BenchError(f"the build of {root} crashed:\n{done.stderr[-3000:]}")
    report = json.loads(lines[-1].removeprefix("BENCH-RESULT "))
    if not report["ok"] and not may_fail:
        raise BenchError(f"the build of {root} failed:\n{report['problem']}")
    if not peak:  # No /proc: the larger of the build process and its largest child, a lower bound.
        peak = 1024 * max(report["maxrss_self_kib"], report["maxrss_children_kib"])
    run = Run(wall, peak, report)
    if (window := report.get("windows", {}).get("pdf")) is not None:
        during = [rss for at, rss in samples if window[0] <= at <= window[1]]
        before = [rss for at, rss in samples if at < window[0]]
        run.pdf_peak_bytes = max(during) if during else None
        run.pdf_before_bytes = before[-1] if before else None
    return run


def measured_mkdocs(root: Path, site_dir: Path) -> Run:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--config-file",
               str(root / "mkdocs.yml"), "--site-dir", str(site_dir)]
    done, wall, peak = run_measured(command, root)
    if done.returncode != 0:
        raise BenchError(f"plain mkdocs build of {root} failed:\n{done.stderr[-3000:]}")
    shutil.rmtree(site_dir, ignore_errors=True)
    return Run(wall, peak)


# ---------------------------------------------------------------------------------------------------
# Compendia to build.

def copy_real_record(destination: Path) -> Path:
    """The repository with nothing generated (its data, hand-written pages and the files they include);
    src/ linked, so that the theme and everything mkdocs.yml names resolve as in the repository."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder).relative_to(REPO)
        return {n for n in names if is_generated((here / n).as_posix()) or n == "__pycache__"
                or (here == Path(".") and n in NOT_COPIED)}

    shutil.copytree(REPO, destination, ignore=ignore, symlinks=True)
    (destination / "src").symlink_to(REPO / "src")
    return destination


def synthesize(destination: Path, claims: int) -> Path:
    done = subprocess.run([sys.executable, "-m", "compendium", "synth", "--claims", str(claims), "--out",
                           str(destination)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"compendium synth --claims {claims} failed:\n{done.stderr}")
    return destination


def fresh_copy(source: Path, destination: Path) -> Path:
    shutil.copytree(source, destination, symlinks=True)
    return destination


# ---------------------------------------------------------------------------------------------------
# One compendium, several runs.

@dataclass
class Scenario:
    name: str
    claims: int = 0
    charts: int = 0
    pages: int = 0
    cold: list[Run] = field(default_factory=list)
    noop: list[Run] = field(default_factory=list)
    plain: list[Run] = field(default_factory=list)
    pdf: list[Run] = field(default_factory=list)
    claim_page_sizes: list[int] = field(default_factory=list)
    problem: str = ""

    def median(self, runs: str, value: Callable[[Run], float | None]) -> float | None:
        values = [v for v in (value(r) for r in getattr(self, runs)) if v is not None]
        return statistics.median(values) if values else None

    def stage(self, runs: str, name: str) -> float | None:
        return self.median(runs, lambda r: r.report.get("timings", {}).get(name))


def bench_scenario(name: str, source: Path, work: Path, runs: int, log: Callable[[str], None],
                   deadline: float = float("inf"), profile_to: Path | None = None) -> Scenario:
    """runs cold, no-op and plain builds of source; after the first, a run that would end after deadline
    (judged by the last one) is left out, so that a slow or busy machine still finishes in time. With
    profile_to, the first run's folder is also profiled (see profile_steps)."""
    scenario = Scenario(name, claims=len(list((source / "claims").glob("*.y*ml"))),
                        charts=len(list((source / "charts").glob("*.y*ml"))))
    try:
        last = 0.0
        for i in range(runs):
            if i and time.perf_counter() + last > deadline:
                log(f"  {name}: {i} run(s) only, to stay within the time budget (--budget-minutes)")
                break
            began = time.perf_counter()
            root = fresh_copy(source, work / f"{name}-{i}")
            scenario.cold.append(cold := measured_build(root))
            scenario.noop.append(noop := measured_build(root))
            scenario.plain.append(plain := measured_mkdocs(root, work / f"{name}-{i}-plain"))
            log(f"  {name} run {i + 1}/{runs}: cold {cold.wall:.1f} s, no-op {noop.wall:.1f} s, "
                f"plain mkdocs {plain.wall:.1f} s")
            last = time.perf_counter() - began
            if i == 0:
                # Each claim's page (not the claims index, nor the list of claims not assessed).
                pages = [root / "site/claims" / claim.stem / "index.html" for claim in (root / "claims").glob("*.y*ml")]
                scenario.claim_page_sizes = sorted(p.stat().st_size for p in pages if p.is_file())
                scenario.pages = sum(1 for _ in (root / "site").rglob("index.html"))
                if profile_to is not None:
                    log(f"  {name}: profiling the build's own steps")
                    profile_steps(root, profile_to)
            shutil.rmtree(root)
    except BenchError as problem:
        scenario.problem = str(problem)
        log(f"  {name}: {problem}")
    return scenario


def bench_pdf(scenario: Scenario, source: Path, work: Path, runs: int, log: Callable[[str], None]) -> None:
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


# The builders' runs, in the order made on one folder whose pages are rendered: (builder, label).
BUILDER_RUNS = (("mkdocs", "MkDocs + Material"), ("zensical", "Zensical, its cache empty"),
                ("zensical", "Zensical, its cache full"))
BUILDERS_HEADING = "## Builders: MkDocs + Material and Zensical side by side"


@dataclass
class BuilderRun:
    label: str
    builder: str
    run: Run
    pages: int
    search_bytes: int


def bench_builders(name: str, source: Path, work: Path, log: Callable[[str], None]) -> list[BuilderRun] | str:
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
            site = root / "site"
            index = next((site / n for n in ("search/search_index.json", "search.json") if (site / n).is_file()), None)
            runs.append(BuilderRun(label, builder, run, sum(1 for _ in site.rglob("index.html")),
                                   index.stat().st_size if index else 0))
            log(f"  {name}, {label}: site stage {run.report['timings'].get(builder, 0):.1f} s, "
                f"whole build {run.wall:.1f} s" + ("" if run.report["ok"] else f", FAILED: {run.report['problem']}"))
    except BenchError as problem:
        log(f"  {name} builders: {problem}")
        return str(problem)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return runs


def builders_section(results: dict[str, list[BuilderRun] | str], when: str) -> list[str]:
    out = ["", BUILDERS_HEADING, "", when, "",
           "| Compendium | Builder | Site stage | Whole build (pages unchanged) | Peak memory | HTML pages | "
           "Search index |", "|---|---|---:|---:|---:|---:|---:|"]
    for name, runs in results.items():
        if isinstance(runs, str):
            out.append(f"| {name} | could not be measured: {_cell(runs)} | | | | | |")
            continue
        out += [f"| {name} | {r.label} | {_s(r.run.report['timings'].get(r.builder), 1)} | {_s(r.run.wall, 1)} | "
                f"{_mib(r.run.peak_bytes)} | {r.pages:,} | {_bytes(r.search_bytes)} |" if r.run.report["ok"] else
                f"| {name} | {r.label}: **failed** after {_s(r.run.wall, 1)}: "
                f"{_cell(r.run.report['problem'])} | | | | | |" for r in runs]
    out += ["", "One run each (not a median). Each row is `compendium build --no-pdf --builder ...` in a fresh "
            "process on the same folder, built once before with nothing timed, so that no chart is drawn and no page "
            "rendered: the rows differ by their builder only. The site stage is the builder's own part of the build "
            "(MkDocs in the build's process; Zensical as a child process, with the engine's workspace: the mirror "
            "of docs/ and the configuration it writes); peak memory is the whole process tree's. Zensical keeps "
            "a cache of its own (`.cache/zensical/.cache/`), so its second build is timed too; MkDocs has none.", ""]
    return out


def _cell(text: str) -> str:
    """A problem as one table cell: its last line, with no cell separator."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "").replace("|", "/")[:400]


def splice_section(existing: str, heading: str, section: list[str]) -> str:
    """The report with its section under heading replaced (or added before 'Other measures')."""
    text = "\n".join(section).strip("\n") + "\n\n"
    match = re.search(rf"^{re.escape(heading)}\n.*?(?=^## |^{re.escape(NOTES_BEGIN)})", existing, re.M | re.S)
    if match:
        return existing[:match.start()] + text + existing[match.end():]
    at = existing.find("## Other measures")
    return existing[:at] + text + existing[at:] if at >= 0 else existing.rstrip("\n") + "\n\n" + text


def kept_section(path: Path, heading: str) -> list[str]:
    """The section under heading in the report at path, as it is (a full run keeps what it does not measure)."""
    text = path.read_text("utf-8") if path.exists() else ""
    match = re.search(rf"^{re.escape(heading)}\n.*?(?=^## |^{re.escape(NOTES_BEGIN)})", text, re.M | re.S)
    return ["", *match.group(0).strip("\n").splitlines(), ""] if match else []


def builders_only(args: argparse.Namespace, log: Callable[[str], None]) -> int:
    """The two builders side by side: the real record's and the synthetic --sizes' sites, one run each."""
    started, load_start = time.perf_counter(), _load()
    results: dict[str, list[BuilderRun] | str] = {}
    with workspace(args.keep) as work:
        log(f"bench: working in {work}")
        if not args.no_real:
            log("bench: the real record, each builder")
            results["real record"] = bench_builders("real", copy_real_record(work / "real-source"), work, log)
        for n in [int(n) for n in args.sizes.split(",") if n.strip()]:
            log(f"bench: synthetic, N = {n}, each builder")
            results[f"synthetic N={n}"] = bench_builders(f"synthetic-{n}",
                                                         synthesize(work / f"synthetic-{n}-source", n), work, log)
    when = (f"Measured alone (`bench/run.py --builders-only --sizes {args.sizes}`) on "
            f"{time.strftime('%Y-%m-%d %H:%M')}, {(time.perf_counter() - started) / 60:.1f} min in all, load average "
            f"{load_start} at the start and {_load()} at the end; MkDocs {_version('mkdocs')}, Material "
            f"{_version('mkdocs-material')}, Zensical {_version('zensical')}.")
    section = builders_section(results, when)
    existing = args.output.read_text("utf-8") if args.output.exists() else "# Benchmarks\n"
    args.output.write_text(splice_section(existing, BUILDERS_HEADING, section), "utf-8")
    print("\n".join(section))
    log(f"bench: the builders section written to {args.output}")
    return 1 if any(isinstance(r, str) for r in results.values()) else 0


def profile_steps(root: Path, stats_file: Path) -> None:
    """cProfile of the generator's own steps on a built folder (a no-op build in a fresh process, without
    MkDocs or the PDF), into stats_file."""
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child-profile", str(root),
                           str(stats_file)], capture_output=True, text=True, check=False, cwd=root)
    if done.returncode != 0:
        raise BenchError(f"profiling failed:\n{done.stderr[-3000:]}")


HotSpot = tuple[str, float, float, int]  # function, cumulative time, own time, calls


def hot_spots(stats_file: Path, top: int = 12) -> tuple[float, list[HotSpot], list[HotSpot]]:
    """The profile's total time; the engine's own functions with the most cumulative time (which step
    costs what); and the functions anywhere with the most time of their own (where it is spent)."""
    stats = pstats.Stats(str(stats_file), stream=io.StringIO())
    rows: list[HotSpot] = []
    for (filename, line, function), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename.split("site-packages/")[-1].split("/src/")[-1]
        rows.append((f"{where}:{line} {function}", cumulative, own, calls))
    engine = [r for r in rows if r[0].startswith("compendium/")]
    total = float(stats.total_tt)  # type: ignore[attr-defined]
    return total, sorted(engine, key=lambda r: -r[1])[:top], sorted(rows, key=lambda r: -r[2])[:top]


# ---------------------------------------------------------------------------------------------------
# The machine, and the report.

def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 ** 2:.1f} GiB"
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    versions = ", ".join(f"{p} {_version(p)}" for p in ("mkdocs", "mkdocs-material", "matplotlib", "typst"))
    return {"CPU": cpu, "Cores available": str(cores), "RAM": ram,
            "Python": f"{platform.python_version()} ({platform.python_implementation()})",
            "OS": f"{platform.system()} {platform.release()}", "Packages": versions}


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _s(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f} s"


def _mib(value: float | None) -> str:
    return "–" if value is None else f"{value / 2 ** 20:,.0f} MiB"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _verdict(met: bool | None, how: str) -> str:
    return f"{'**met**' if met else '**not met**' if met is not None else 'not measured'}: {how}"


STAGES = (("load+validate+resolve", "Load + validate + resolve"), ("charts", "Charts"),
          ("share cards", "Share cards"), ("pages", "Render pages"), ("mkdocs", "MkDocs build (in the pipeline)"))


def report(scenarios: list[Scenario], info: dict[str, str], runs: int, load: tuple[str, str],
           hot: tuple[float, list[HotSpot], list[HotSpot]] | None, hot_name: str, notes: str,
           elapsed: float, builders: list[str] | None = None) -> str:
    builders = builders or []
    ok = [s for s in scenarios if s.cold]
    out = ["# Benchmarks", "",
           "Written by `make bench` (`bench/run.py`); see issue 11 for the targets. Every figure is the median "
           f"of {runs} runs unless noted. Times are wall-clock seconds.", "",
           "## Machine", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in info.items()]
    out += [f"| Load average (1 min) | {load[0]} at the start, {load[1]} at the end |",
            f"| Benchmark run | {time.strftime('%Y-%m-%d %H:%M')}, {elapsed / 60:.1f} min in all |", "",
            "The load average is given because other work on the machine slows every figure below: compare "
            "figures from runs made under similar load.", ""]
    out += ["## Headline: the whole build against a plain `mkdocs build` of the same pages", "",
            "| Compendium | Claims | Charts | HTML pages | Whole build, cold | Whole build, no change | "
            "Plain `mkdocs build` | Cold / plain | No change / plain | Runs |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in ok:
        cold, noop, plain = s.median("cold", lambda r: r.wall), s.median("noop", lambda r: r.wall), \
            s.median("plain", lambda r: r.wall)
        out.append(f"| {s.name} | {s.claims:,} | {s.charts:,} | {s.pages:,} | {_s(cold, 1)} | {_s(noop, 1)} | "
                   f"{_s(plain, 1)} | {_fmt_ratio(_ratio(cold, plain))} | {_fmt_ratio(_ratio(noop, plain))} | "
                   f"{len(s.cold)} |")
    out += ["", "A whole build is the `compendium build` process from start to end (interpreter start, imports, "
            "every stage, MkDocs as a child process), without the PDF edition (timed separately below). "
            "Plain `mkdocs build` is `mkdocs build --strict --clean` of the pages that build generated, "
            "run just after it.", ""]
    out += ["## Per stage", "", "| Compendium | Run | " + " | ".join(t for _, t in STAGES) +
            " | Whole build | Peak memory (process tree) |", "|---|---|" + "---:|" * (len(STAGES) + 2)]
    for s in ok:
        for runs_name, label in (("cold", "cold"), ("noop", "no change")):
            cells = [_s(s.stage(runs_name, key)) for key, _ in STAGES]
            out.append(f"| {s.name} | {label} | " + " | ".join(cells) +
                       f" | {_s(s.median(runs_name, lambda r: r.wall))} | "
                       f"{_mib(s.median(runs_name, lambda r: r.peak_bytes))} |")
        out.append(f"| {s.name} | plain `mkdocs build` | " + " | ".join("" for _ in STAGES[:-1]) +
                   f" | {_s(s.median('plain', lambda r: r.wall))} | {_s(s.median('plain', lambda r: r.wall))} | "
                   f"{_mib(s.median('plain', lambda r: r.peak_bytes))} |")
    out += ["", "Peak memory is the largest sum, sampled every 0.1 s, of the resident memory of the build "
            "process and all its children (chart-drawing processes, MkDocs); pages shared between processes "
            "are counted in each, so it is an upper bound.", ""]
    for s in ok:
        if s.noop:
            reused = sum(bool(r.report.get("checks_reused")) for r in s.noop)
            out.append(f"- {s.name}, no change: the last build's checks and pages reused in {reused} of "
                       f"{len(s.noop)} runs (no data file read, no chart or card looked at); charts rendered: "
                       f"{_count(s.noop, 'charts_rendered') if reused < len(s.noop) else 0}, "
                       f"{_count(s.noop, 'pages_written')} pages rewritten, matplotlib imported in "
                       f"{sum(bool(r.report.get('matplotlib_imported')) for r in s.noop)} of {len(s.noop)} runs.")
    out += pdf_section(scenarios)
    out += builders
    out += ["", "## Other measures", "", "| Compendium | Validation (load + validate + resolve) | "
            "Cold charts: per chart | Claim page HTML: median | Claim page HTML: max |", "|---|---:|---:|---:|---:|"]
    for s in ok:
        out.append(f"| {s.name} | {_s(_validation(s), 3)} | {_per_chart_ms(s)} | "
                   f"{_bytes(statistics.median(s.claim_page_sizes) if s.claim_page_sizes else None)} | "
                   f"{_bytes(max(s.claim_page_sizes) if s.claim_page_sizes else None)} |")
    out += ["", "Validation is the load + validate + resolve stage of the cold builds (each in a fresh process, "
            "as `compendium validate` runs it; a build with nothing changed and no PDF reports the last "
            "build's findings instead of checking again). Per chart is the cold charts stage divided by "
            "the charts drawn, matplotlib's import included. Claim page HTML is each claim's "
            "`site/claims/<id>/index.html` (not the lists), shared assets (CSS, JavaScript, fonts, charts) "
            "excluded.", ""]
    out += ["## Targets (issue 11)", "", *targets(scenarios), ""]
    if hot:
        total, engine, anywhere = hot
        out += [f"## Where the time goes: profile of {hot_name}", "",
                "cProfile of the build's own steps (load, validate, resolve, charts from the cache, render and "
                f"write pages; no MkDocs, no PDF) in a fresh process: {total:.1f} s in all under the profiler.", "",
                "The engine's functions with the most time, their callees' included (which step costs what):", "",
                "| Function | Cumulative | Own time | Calls |", "|---|---:|---:|---:|"]
        out += [f"| `{name}` | {cum:.2f} s | {own:.2f} s | {calls:,} |" for name, cum, own, calls in engine]
        out += ["", "The functions anywhere with the most time of their own (where it is spent):", "",
                "| Function | Own time | Cumulative | Calls |", "|---|---:|---:|---:|"]
        out += [f"| `{name}` | {own:.2f} s | {cum:.2f} s | {calls:,} |" for name, cum, own, calls in anywhere]
        out.append("")
    failed = [s for s in scenarios if s.problem]
    if failed:
        out += ["## Problems", ""]
        out += [f"- {s.name}: could not be measured in full:\n\n```\n{s.problem.strip()[:2000]}\n```" for s in failed]
        out.append("")
    out += [NOTES_BEGIN, notes.strip() or "(No notes yet.)", NOTES_END, ""]
    return "\n".join(out)


def pdf_section(scenarios: list[Scenario], when: str = "") -> list[str]:
    """The PDF edition's figures (Typst), beside WeasyPrint's before it, and issue 20's targets."""
    runs = [s for s in scenarios if s.pdf]
    if not runs:
        return []
    out = ["", "## PDF edition", ""]
    if when:
        out += [when, ""]
    out += ["| Compendium | Pages | PDF stage | Whole build with PDF (charts cached) | Peak memory: PDF stage "
            "(held before it) | Peak memory: whole build | Runs | WeasyPrint 70 before: pages | PDF stage | "
            "Peak memory |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in runs:
        before = WEASYPRINT.get(s.name)
        then = (f"{before[0]:,} | {before[2]:.1f} s | {_mib(before[4])}" if before else "– | – | –")
        out.append(f"| {s.name} | {_count(s.pdf, 'pdf_pages')} | {_s(s.stage('pdf', 'pdf'), 1)} | "
                   f"{_s(s.median('pdf', lambda r: r.wall), 1)} | {_mib(s.median('pdf', lambda r: r.pdf_peak_bytes))} "
                   f"({_mib(s.median('pdf', lambda r: r.pdf_before_bytes))}) | "
                   f"{_mib(s.median('pdf', lambda r: r.peak_bytes))} | {len(s.pdf)} | {then} |")
    out += ["", "The PDF stage is the whole print document laid out by Typst in one process (its runs of pages "
            "between page breaks on every core), from the model to the file written, as timed inside the build. "
            "Its peak memory is the largest sample (every 0.1 s) of the build's process tree while the stage ran, "
            "from the stage's start and end as the build reports them; in brackets, the last sample before it "
            "began, which the build process already held (the model, what MkDocs left) and which that peak "
            "includes. The whole build's peak is that of its process tree from start to end. WeasyPrint's figures are "
            "those of its last run here (`pdf/layout.py`, `pdf/join.py`: parts of about 60 pages, each laid out "
            "at least twice, joined by pypdf).", "", "Targets (issue 20):", ""]
    by_name = {s.name: s for s in runs}
    if (real := by_name.get("real record")) is not None:
        met, how = _by(real.stage("pdf", "pdf"), PDF_TYPST_REAL_S, lambda v: f"{v:.2f} s")
        out.append("- the real record's PDF in under 3 s — " + _verdict(met, how))
    if (big := by_name.get("synthetic N=1000")) is not None:
        met, how = _by(big.stage("pdf", "pdf"), PDF_TYPST_1000_S, lambda v: f"{v:.1f} s")
        out.append("- N = 1,000: the PDF in under 60 s — " + _verdict(met, how))
        met, how = _by(big.median("pdf", lambda r: r.pdf_peak_bytes), PDF_TYPST_1000_BYTES,
                       lambda v: f"{v / 2 ** 20:,.0f} MiB")
        out.append("- N = 1,000: peak memory of the PDF stage under 1.5 GiB — " + _verdict(met, how))
    out.append("")
    return out


def _fmt_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _count(runs: list[Run], key: str) -> str:
    values = {r.report.get(key) for r in runs}
    return str(values.pop()) if len(values) == 1 else "/".join(str(v) for v in sorted(values, key=str))


def _validation(s: Scenario) -> float | None:
    # Cold builds only: a build with nothing changed and no PDF reports the last build's findings.
    values = [r.report["timings"].get("load+validate+resolve") for r in s.cold]
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _per_chart(s: Scenario) -> float | None:
    values = [r.report["timings"]["charts"] / r.report["charts_rendered"] for r in s.cold
              if r.report.get("charts_rendered")]
    return statistics.median(values) if values else None


def _per_chart_ms(s: Scenario) -> str:
    value = _per_chart(s)
    return "–" if value is None else f"{value * 1000:.0f} ms ({s.charts} charts)"


def _bytes(value: float | None) -> str:
    return "–" if value is None else f"{value / 1000:,.1f} KB"


def _by(value: float | None, target: float, unit: Callable[[float], str]) -> tuple[bool | None, str]:
    if value is None:
        return None, "not measured"
    if value <= target:
        return True, f"{unit(value)} against at most {unit(target)} ({(1 - value / target) * 100:.0f}% under)"
    return False, f"{unit(value)} against at most {unit(target)} ({value / target:.1f}× the target, " \
                  f"{unit(value - target)} over)"


def targets(scenarios: list[Scenario]) -> list[str]:
    by_name = {s.name: s for s in scenarios}
    lines = []
    for s in scenarios:
        if not s.name.startswith("synthetic") or not s.noop:
            continue
        noop, plain = s.median("noop", lambda r: r.wall), s.median("plain", lambda r: r.wall)
        steps = s.median("noop", lambda r: sum(r.report["timings"].get(k, 0) for k in
                                               ("load+validate+resolve", "charts", "share cards", "pages")))
        added = _ratio(noop - plain, plain) if noop is not None and plain else None
        met, how = _by(added, OVERHEAD_TARGET, lambda v: f"{v * 100:.0f}%")
        lines.append(f"- {s.name}: the generator's steps, charts cached, add at most 10% to plain MkDocs — "
                     + _verdict(met, how + f"; the whole no-change build takes {_s(noop, 1)} against "
                                f"{_s(plain, 1)} (the steps alone, as timed inside the build: {_s(steps, 1)}, "
                                f"{_fmt_pct(_ratio(steps, plain))} of plain MkDocs)"))
    noops = [r for s in scenarios for r in s.noop]
    if noops:
        clean = all((r.report.get("charts_rendered") == 0 or r.report.get("checks_reused"))
                    and r.report.get("pages_written") == 0
                    and not r.report.get("matplotlib_imported") for r in noops)
        lines.append("- a no-op build renders 0 charts, rewrites 0 pages and does not import matplotlib — "
                     + _verdict(clean, f"in all {len(noops)} no-change builds" if clean else
                                "see the per-stage notes above for the counts"))
    chart_source = next((s for s in sorted(scenarios, key=lambda s: -s.charts) if _per_chart(s) is not None), None)
    if chart_source:
        met, how = _by(_per_chart(chart_source), CHART_TARGET_S, lambda v: f"{v * 1000:.0f} ms")
        lines.append(f"- cold chart rendering at most 100 ms per chart ({chart_source.name}, "
                     f"{chart_source.charts} charts, over {cores()} cores) — " + _verdict(met, how))
    for name, target in (("real record", VALIDATE_REAL_S), ("synthetic N=1000", VALIDATE_1000_S)):
        if name in by_name:
            met, how = _by(_validation(by_name[name]), target, lambda v: f"{v:.2f} s")
            lines.append(f"- validation of the {name} under {target} s — " + _verdict(met, how))
    if (big := by_name.get("synthetic N=1000")) and big.cold:
        met, how = _by(big.median("cold", lambda r: r.wall), SITE_1000_S, lambda v: f"{v:.1f} s")
        lines.append("- N = 1,000: the whole site (cold, without the PDF) in under 60 s — " + _verdict(met, how))
        met, how = _by(big.median("cold", lambda r: r.peak_bytes), MEMORY_1000_BYTES,
                       lambda v: f"{v / 2 ** 20:,.0f} MiB")
        lines.append("- N = 1,000: peak memory under 1 GiB — " + _verdict(met, how))
    if (real := by_name.get("real record")) is not None:
        met, how = _by(real.stage("pdf", "pdf"), PDF_REAL_S, lambda v: f"{v:.1f} s")
        lines.append("- the PDF of the real record in under 20 s — " + _verdict(met, how))
    sizes = [(max(s.claim_page_sizes), s.name) for s in scenarios if s.claim_page_sizes]
    if sizes:
        largest, where = max(sizes)
        met, how = _by(largest, CLAIM_PAGE_BYTES, lambda v: f"{v / 1000:.1f} KB")
        lines.append(f"- a claim page's HTML at most 40 KB (largest: {where}) — " + _verdict(met, how))
    return lines


def _fmt_pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def _kept_notes(path: Path) -> str:
    if not path.exists():
        return ""
    text = path.read_text("utf-8")
    if NOTES_BEGIN in text and NOTES_END in text:
        return text.split(NOTES_BEGIN, 1)[1].split(NOTES_END, 1)[0]
    return ""


@contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="compendium-bench-"))
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


def pdf_only(args: argparse.Namespace, log: Callable[[str], None]) -> int:
    """The PDF edition alone: the real record's (--pdf-runs runs) and the synthetic --pdf-sizes' (one run)."""
    started, load_start = time.perf_counter(), _load()
    scenarios: list[Scenario] = []
    with workspace(args.keep) as work:
        log(f"bench: working in {work}")
        if not args.no_real:
            log("bench: the real record's PDF")
            real = Scenario("real record")
            bench_pdf(real, copy_real_record(work / "real-source"), work, max(1, args.pdf_runs), log)
            scenarios.append(real)
        for n in [int(n) for n in args.pdf_sizes.split(",") if n.strip()]:
            log(f"bench: synthetic, N = {n}: the PDF")
            big = Scenario(f"synthetic N={n}")
            bench_pdf(big, synthesize(work / f"synthetic-{n}-source", n), work, 1, log)
            scenarios.append(big)
    when = (f"Measured alone (`bench/run.py --pdf-only`) on {time.strftime('%Y-%m-%d %H:%M')}, "
            f"{(time.perf_counter() - started) / 60:.1f} min in all, load average {load_start} at the start and "
            f"{_load()} at the end; Typst {_version('typst')}.")
    section = pdf_section(scenarios, when)
    existing = args.output.read_text("utf-8") if args.output.exists() else "# Benchmarks\n"
    args.output.write_text(splice_section(existing, "## PDF edition", section), "utf-8")
    print("\n".join(section))
    log(f"bench: the PDF section written to {args.output}")
    return 1 if any(s.problem for s in scenarios) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per compendium (median reported; default 3)")
    parser.add_argument("--sizes", default="100,1000", help="synthetic sizes, in claims (default: 100,1000)")
    parser.add_argument("--pdf-runs", type=int, default=1,
                        help="builds with the PDF edition of the real record (default 1: it is slow; 0: none)")
    parser.add_argument("--pdf-sizes", default="1000",
                        help="synthetic sizes whose PDF edition is also timed, once each (default: 1000; '' for none)")
    parser.add_argument("--no-real", action="store_true", help="leave out the real record")
    parser.add_argument("--pdf-only", action="store_true",
                        help="time only the PDF edition (the real record, and --pdf-sizes), and replace only the "
                             "PDF section of the report")
    parser.add_argument("--builders-only", action="store_true",
                        help="set the two builders side by side (the real record, and --sizes; one run each), and "
                             "replace only that section of the report")
    parser.add_argument("--no-profile", action="store_true", help="do not profile the largest synthetic build")
    parser.add_argument("--output", type=Path, default=OUTPUT,
                        help="where to write the report (default: BENCHMARKS.md)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder of builds")
    parser.add_argument("--budget-minutes", type=float, default=14.0,
                        help="leave out further runs of a compendium (after its first) that would end later "
                             "than this (default 14; the report says how many runs each median is of)")
    parser.add_argument("--child-build", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-profile", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pdf", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--builder", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_build:
        child_build(args.child_build[0], args.child_build[1], pdf=args.pdf, builder=args.builder)
        return 0
    if args.child_profile:
        child_profile(*args.child_profile)
        return 0

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started, load_start = time.perf_counter(), _load()
    deadline = started + 60 * args.budget_minutes
    sizes = [int(n) for n in args.sizes.split(",") if n.strip()]
    scenarios: list[Scenario] = []
    hot: tuple[float, list[HotSpot], list[HotSpot]] | None = None
    hot_name = ""
    if args.pdf_only:
        return pdf_only(args, log)
    if args.builders_only:
        return builders_only(args, log)
    with workspace(args.keep) as work:
        log(f"bench: working in {work}")
        if not args.no_real:
            log("bench: the real record")
            source = copy_real_record(work / "real-source")
            scenarios.append(real := bench_scenario("real record", source, work, args.runs, log, deadline))
            if args.pdf_runs > 0 and not real.problem:
                bench_pdf(real, source, work, args.pdf_runs, log)
        for n in sizes:
            log(f"bench: synthetic, N = {n}")
            source = synthesize(work / f"synthetic-{n}-source", n)
            profile = work / "profile.pstats" if n == max(sizes) and not args.no_profile else None
            scenarios.append(bench_scenario(f"synthetic N={n}", source, work, args.runs, log, deadline, profile))
            if profile is not None and profile.exists():
                hot, hot_name = hot_spots(profile), f"synthetic N={n}, no change"
            if str(n) in args.pdf_sizes.split(",") and not scenarios[-1].problem:
                bench_pdf(scenarios[-1], source, work, 1, log)
    text = report(scenarios, machine(), args.runs, (load_start, _load()), hot, hot_name, _kept_notes(args.output),
                  time.perf_counter() - started, kept_section(args.output, BUILDERS_HEADING))
    args.output.write_text(text, "utf-8")
    print(text)
    log(f"bench: written to {args.output}")
    return 1 if any(s.problem for s in scenarios) else 0


if __name__ == "__main__":
    sys.exit(main())

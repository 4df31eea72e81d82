"""The headline scenario: each compendium built cold, built again with nothing changed, and its generated
pages built by plain `mkdocs build`, several runs, each build in a child process of its own; and the
no-change build's own steps profiled with cProfile, for the hot spots."""

from __future__ import annotations

import io
import json
import pstats
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.child import RESULT_PREFIX, child_command
from bench.compendia import claim_page_sizes, count_files, fresh_copy, html_pages
from bench.measure import BenchError, Log, Run, Sample, run_measured
from bench.results import Hot, HotSpot, Scenario


def measured_build(root: Path, pdf: bool = False, builder: str | None = None, may_fail: bool = False) -> Run:
    """One build in a child process, measured. A build that fails raises BenchError, unless may_fail: then its
    Run is returned, its report's ok false and its problem said."""
    command = child_command("--child-build", str(root), str(root / "site"))
    if pdf:
        command.append("--pdf")
    if builder:
        command += ["--builder", builder]
    samples: list[Sample] = []
    done, wall, peak, cpu = run_measured(command, root, samples)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if done.returncode != 0 or not lines:
        raise BenchError(f"the build of {root} crashed:\n{done.stderr[-3000:]}")
    report = json.loads(lines[-1].removeprefix(RESULT_PREFIX))
    if not report["ok"] and not may_fail:
        raise BenchError(f"the build of {root} failed:\n{report['problem']}")
    if not peak:  # No /proc: the larger of the build process and its largest child, a lower bound.
        peak = 1024 * max(report["maxrss_self_kib"], report["maxrss_children_kib"])
    run = Run(wall, peak, report, cpu=cpu)
    if (window := report.get("windows", {}).get("pdf")) is not None:
        during = [rss for at, rss in samples if window[0] <= at <= window[1]]
        before = [rss for at, rss in samples if at < window[0]]
        run.pdf_peak_bytes = max(during) if during else None
        run.pdf_before_bytes = before[-1] if before else None
    return run


def measured_mkdocs(root: Path, site_dir: Path) -> Run:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--config-file",
               str(root / "mkdocs.yml"), "--site-dir", str(site_dir)]
    done, wall, peak, cpu = run_measured(command, root)
    if done.returncode != 0:
        raise BenchError(f"plain mkdocs build of {root} failed:\n{done.stderr[-3000:]}")
    shutil.rmtree(site_dir, ignore_errors=True)
    return Run(wall, peak, cpu=cpu)


def bench_scenario(name: str, source: Path, work: Path, runs: int, log: Log,
                   deadline: float = float("inf"), profile_to: Path | None = None) -> Scenario:
    """runs cold, no-op and plain builds of source; after the first, a run that would end after deadline
    (judged by the last one) is left out, so that a slow or busy machine still finishes in time. With
    profile_to, the first run's folder is also profiled (see profile_steps)."""
    scenario = Scenario(name, claims=count_files(source, "claims"), charts=count_files(source, "charts"))
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
                scenario.claim_page_sizes, scenario.pages = claim_page_sizes(root), html_pages(root)
                if profile_to is not None:
                    log(f"  {name}: profiling the build's own steps")
                    profile_steps(root, profile_to)
            shutil.rmtree(root)
    except BenchError as problem:
        scenario.problem = str(problem)
        log(f"  {name}: {problem}")
    return scenario


def profile_steps(root: Path, stats_file: Path) -> None:
    """cProfile of the generator's own steps on a built folder (a no-op build in a fresh process, without
    MkDocs or the PDF), into stats_file."""
    done = subprocess.run(child_command("--child-profile", str(root), str(stats_file)), capture_output=True,
                          text=True, check=False, cwd=root)
    if done.returncode != 0:
        raise BenchError(f"profiling failed:\n{done.stderr[-3000:]}")


def hot_spots(stats_file: Path, top: int = 12) -> Hot:
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

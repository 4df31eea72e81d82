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
from /proc; the build, MkDocs in it, and its chart-drawing processes) are measured from here. Every figure is
the median of the runs. The PDF edition is timed too, once laid out afresh: on the real record and on
the synthetic N = 1,000 (--pdf-sizes). Then the N = 1,000 build's own steps are profiled with cProfile,
for the hot spots.

Then, as issue 21 asks (each of these can also be run alone with --only, which replaces only its section
and the targets in BENCHMARKS.md):

- serve: the preview. `compendium serve` and plain `mkdocs serve` (the same generated pages, with the
  engine's settings) run side by side on copies of the real record; a claim's title is edited, in its YAML
  file for ours and in its generated Markdown page for MkDocs, alternately (--serve-edits each), and each
  edit is timed from the file written to the claim's page served with the new word;
- validate: `compendium validate` of the synthetic --validate-sizes (N = 1,000), five runs;
- big: one cold build of the whole site, without the PDF, at the --big-sizes (N = 3,000): its time, CPU
  time and the peak memory of its process tree.

Results are printed and written to BENCHMARKS.md, with the machine and its load described and each target of
issue 21 (and issue 20's for the PDF) marked met or not, by how much; a target a run did not measure keeps
its line from the run that last did. Hand-written notes between the NOTES markers in BENCHMARKS.md are kept
from one run to the next.

The two builders of the site (MkDocs with Material, and Zensical: README, "Choosing a builder") are set side
by side with --builders-only, on the real record and the synthetic --sizes, one run each: the site stage of
each with the pages already rendered, Zensical's first with its cache empty and again with it full. That
section is kept by a full run, which does not measure it.

    python bench/run.py [--runs 3] [--sizes 100,1000] [--pdf-runs 1] [--pdf-sizes 1000] [--big-sizes 3000]
                        [--serve-edits 3] [--validate-sizes 1000] [--no-real] [--no-profile]
                        [--only serve,validate,big] [--pdf-only] [--builders-only]
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
import resource
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

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "BENCHMARKS.md"
NOTES_BEGIN, NOTES_END = "<!-- NOTES: kept by bench/run.py -->", "<!-- END NOTES -->"

# Left out of a copy of the repository: tooling, caches and build output. src/ is linked, not copied.
# Left out of a copy of the repository, besides what the build generates (paths.generated()): tooling, and
# what the record's build does not read. src/ is linked, not copied.
NOT_COPIED = {".git", ".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "tests", "bench", "src",
              "__pycache__", "BENCHMARKS.md"}

# Issue 21's targets.
NOCHANGE_TARGET, COLD_TARGET = 1.10, 1.5  # the whole build, no change and cold, over plain MkDocs of the same pages
SERVE_TARGET = 1.2  # from a claim's file saved to its page served again, over MkDocs' own rebuild
VALIDATE_1000_S = 1.0
SITE_3000_S, MEMORY_3000_BYTES = 180.0, 1.5 * (1 << 30)
# Issue 20's targets for the PDF edition, made with Typst.
PDF_TYPST_REAL_S, PDF_TYPST_1000_S, PDF_TYPST_1000_BYTES = 3.0, 60.0, 1.5 * (1 << 30)
# The PDF edition as WeasyPrint 70 made it (parts of about 60 pages, each laid out twice, joined by pypdf),
# measured by this benchmark on 2026-11-25 (load average 1.05-1.80): pages, parts, PDF stage, whole build
# with PDF, peak memory. Kept to compare with.
WEASYPRINT = {"real record": (187, 4, 16.1, 18.7, 413 << 20), "synthetic N=1000": (6324, 105, 521.1, 565.8, 1607 << 20)}
CLAIM_PAGE_BYTES = 40_000
PDF_HEADING = "## PDF edition"


# ---------------------------------------------------------------------------------------------------
# In the child process: one build, reported as one line of JSON.

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
    cpu: float | None = None  # seconds of CPU, the process tree's (see run_measured)


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


def _children_cpu() -> float:
    """CPU seconds (user and system) of this process's children that have ended, theirs included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(command: list[str], cwd: Path,
                 samples: list[Sample] | None = None) -> tuple[subprocess.CompletedProcess[str], float, int, float]:
    """Run command; its wall time, the peak resident memory of its process tree (sampled every 100 ms;
    each sample also added to samples, when given) and the CPU time of that tree. CPU time is the fairer
    comparison on a shared machine: other work stretches wall time, hardly the CPU a process uses."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    peak = 0
    cpu_before = _children_cpu()  # the children are run one at a time, so the difference is this one's
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
    cpu = _children_cpu() - cpu_before
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), wall, peak, cpu


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
    done, wall, peak, cpu = run_measured(command, root, samples)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH-RESULT ")]
    if done.returncode != 0 or not lines:
        raise BenchError(f"the build of {root} crashed:\n{done.stderr[-3000:]}")
    report = json.loads(lines[-1].removeprefix("BENCH-RESULT "))
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


# ---------------------------------------------------------------------------------------------------
# The preview: from saving a claim's file to its page served again, against MkDocs' own rebuild.

SERVE_HOOK = Path(__file__).resolve().with_name("mkdocs_engine_hook.py")
SERVE_HEADING = "## Preview: from saving a claim to its page served again"


@dataclass
class ServeResult:
    claim: str = ""
    pages: int = 0
    # Per edit, alternately: seconds from the file written to the page served with the new text, and the CPU
    # seconds the server's process tree used meanwhile.
    ours: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)
    plain_cpu: list[float] = field(default_factory=list)
    load: tuple[str, str] = ("?", "?")
    problem: str = ""


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a running process and its descendants, those they have waited for included."""
    children, total, todo = _children_map(), 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        current = todo.pop()
        with suppress(OSError, IndexError, ValueError):  # the process ended meanwhile
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
        todo.extend(children.get(current, []))
    return total


def _mount_path(root: Path) -> str:
    """The path MkDocs' server serves the site under: that of site_url (a page is not found outside it)."""
    from urllib.parse import urlsplit

    found = re.search(r"^site_url:\s*['\"]?([^'\"\s]+)", (root / "mkdocs.yml").read_text("utf-8"), re.M)
    path = urlsplit(found.group(1)).path if found else "/"
    return path if path.endswith("/") else path + "/"


def _get(url: str, timeout: float = 120.0) -> str | None:
    """The page at url, or None when the server does not answer (yet). MkDocs' server holds a request made
    during a rebuild until the rebuild is done."""
    from urllib.error import URLError
    from urllib.request import urlopen

    try:
        with urlopen(url, timeout=timeout) as answer:
            return str(answer.read().decode("utf-8", "replace"))
    except (URLError, OSError):
        return None


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def problem(self, what: str) -> BenchError:
        return BenchError(f"{what}:\n{self.log.read_text('utf-8', 'replace')[-3000:]}")


@contextmanager
def server(command: list[str], root: Path, url: str, log_file: Path) -> Iterator[Server]:
    """A server started in a process group of its own (so that it ends with all it started), waited for until
    it answers and has gone idle, and stopped as Ctrl-C stops it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    with log_file.open("wb") as log:  # a file, not a pipe: a pipe nobody reads would stop the server once full
        process = subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    running = Server(process, url, log_file)
    try:
        _wait_until_up(running)
        yield running
    finally:
        _stop(process)


def _wait_until_up(running: Server, limit: float = 600.0) -> None:
    ends = time.monotonic() + limit
    while _get(running.url, timeout=5) is None:
        if running.process.poll() is not None:
            raise running.problem(f"the server stopped (exit code {running.process.returncode})")
        if time.monotonic() > ends:
            raise running.problem(f"the server did not answer within {limit:.0f} s")
        time.sleep(0.2)
    _wait_until_idle(running.process.pid)


def _wait_until_idle(pid: int, limit: float = 120.0) -> None:
    """Until the process tree has used (almost) no CPU for a second: a rebuild set off by the last one's own
    writes (the engine writes docs/, which MkDocs also watches) must not run into the next edit's time."""
    ends, last = time.monotonic() + limit, _tree_cpu(pid)
    while time.monotonic() < ends:
        time.sleep(1.0)
        now = _tree_cpu(pid)
        if now - last < 0.05:
            return
        last = now


def _stop(process: subprocess.Popen[bytes]) -> None:
    import signal

    for sig, grace in ((signal.SIGINT, 15), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with suppress(subprocess.TimeoutExpired):
            process.wait(grace)
            return


def _with_word(text: str, starts: str, word: str) -> str:
    """text with a word added at the end of its first line that starts with starts (before a closing quote, in
    YAML). Each edit adds one word to the original text: words piled up would make the title too long."""
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if line.startswith(starts))
    line = lines[i].rstrip()
    lines[i] = f"{line[:-1]} {word}{line[-1]}" if line[-1] in "'\"" else f"{line} {word}"
    return "\n".join(lines)


def timed_edit(running: Server, path: Path, text: str, word: str, limit: float = 300.0) -> tuple[float, float]:
    """Seconds from writing text (the file with word added to the claim's title) into path until running serves
    the claim's page with word in it, polled every 20 ms; and the CPU seconds the server used meanwhile."""
    cpu = _tree_cpu(running.process.pid)
    began = time.perf_counter()
    path.write_text(text, "utf-8")
    while word not in (_get(running.url) or ""):
        if running.process.poll() is not None:
            raise running.problem("the server stopped")
        if time.perf_counter() - began > limit:
            raise running.problem(f"the page did not show the edit within {limit:.0f} s")
        time.sleep(0.02)
    took = time.perf_counter() - began
    spent = _tree_cpu(running.process.pid) - cpu
    _wait_until_idle(running.process.pid)
    return took, spent


def bench_serve(source: Path, work: Path, edits: int, log: Callable[[str], None]) -> ServeResult:
    """`compendium serve` and plain `mkdocs serve` side by side on two copies of one built compendium, both
    running; edits made alternately: a claim's title in its YAML file (ours: the engine checks and renders
    the pages again, then MkDocs rebuilds), and the same claim's generated Markdown page (MkDocs' own
    rebuild, with the engine's settings, of the same pages)."""
    result, load_start = ServeResult(), _load()
    try:
        ours_root = fresh_copy(source, work / "serve-ours")
        measured_build(ours_root)
        plain_root = fresh_copy(ours_root, work / "serve-plain")
        result.claim = sorted(p.stem for p in (ours_root / "claims").glob("*.y*ml"))[0]
        result.pages = sum(1 for _ in (ours_root / "site").rglob("index.html"))
        page = f"{_mount_path(ours_root)}claims/{result.claim}/"
        ours_port, plain_port = _free_port(), _free_port()
        ours_command = [sys.executable, "-m", "compendium", "serve", "--root", str(ours_root),
                        "--dev-addr", f"127.0.0.1:{ours_port}"]
        plain_command = [sys.executable, str(Path(__file__).resolve()), "--child-mkdocs-serve", str(plain_root),
                         f"127.0.0.1:{plain_port}"]
        with server(ours_command, ours_root, f"http://127.0.0.1:{ours_port}{page}", work / "serve-ours.log") as ours, \
                server(plain_command, plain_root, f"http://127.0.0.1:{plain_port}{page}",
                       work / "serve-plain.log") as plain:
            yml, md = ours_root / "claims" / f"{result.claim}.yml", plain_root / "docs/claims" / f"{result.claim}.md"
            yml_text, md_text = yml.read_text("utf-8"), md.read_text("utf-8")
            for i in range(edits):
                word = f"Revisedours{i}"
                took, cpu = timed_edit(ours, yml, _with_word(yml_text, "title:", word), word)
                result.ours.append(took)
                result.ours_cpu.append(cpu)
                word = f"Revisedplain{i}"
                took, cpu = timed_edit(plain, md, _with_word(md_text, "# ", word), word)
                result.plain.append(took)
                result.plain_cpu.append(cpu)
                log(f"  serve, edit {i + 1}/{edits}: ours {result.ours[-1]:.2f} s ({result.ours_cpu[-1]:.2f} s CPU), "
                    f"mkdocs serve {result.plain[-1]:.2f} s ({result.plain_cpu[-1]:.2f} s CPU)")
    except (BenchError, StopIteration, OSError) as problem:
        result.problem = str(problem) or type(problem).__name__
        log(f"  serve: {result.problem}")
    result.load = (load_start, _load())
    return result


def child_mkdocs_serve(root: Path, address: str) -> None:
    """`mkdocs serve` of root's generated pages, with the engine's settings (SERVE_HOOK) and no regeneration."""
    from mkdocs.commands.serve import serve

    serve(config_file=str(root / "mkdocs.yml"), hooks=[str(SERVE_HOOK)], dev_addr=address, livereload=True)


def serve_section(s: ServeResult, when: str) -> list[str]:
    out = ["", SERVE_HEADING, "", when, ""]
    if not s.ours or not s.plain:
        return [*out, f"Could not be measured: {_cell(s.problem)}", ""]

    def row(label: str, walls: list[float], cpus: list[float]) -> str:
        each = ", ".join(f"{w:.2f}" for w in walls)
        return (f"| {label} | {statistics.median(walls):.2f} s | {each} | {statistics.median(cpus):.2f} s | "
                f"{', '.join(f'{c:.2f}' for c in cpus)} |")

    out += ["| Server | From the save to the page served again (median) | Each edit (s) | CPU time meanwhile "
            "(median) | Each edit (s) |", "|---|---:|---:|---:|---:|",
            row(f"`compendium serve`: the claim's YAML file (`claims/{s.claim}.yml`) saved", s.ours, s.ours_cpu),
            row("plain `mkdocs serve`: the claim's generated Markdown page saved", s.plain, s.plain_cpu),
            f"| Ratio | {_fmt_ratio(_ratio(statistics.median(s.ours), statistics.median(s.plain)))} | | "
            f"{_fmt_ratio(_ratio(statistics.median(s.ours_cpu), statistics.median(s.plain_cpu)))} | |", ""]
    out += [f"The real record ({s.pages:,} HTML pages), built once, then copied: `compendium serve` runs on one copy "
            "and `mkdocs serve` on the other, both at once, each on a port of its own; MkDocs is given the engine's "
            "settings (theme, extensions, navigation: `bench/mkdocs_engine_hook.py`) and nothing else, so that it "
            "serves the same pages without regenerating them. Edits alternate between the two: a word added to the "
            "claim's title, in its YAML file for ours (the engine checks the data and renders the pages again "
            "before MkDocs rebuilds) and in the heading of its generated page for MkDocs. Each is timed from just "
            "before the file is written until a GET of the claim's page, repeated every 20 ms, returns HTML with "
            "the new word (MkDocs' server holds a request made during a rebuild until it ends); the CPU time is "
            "that of the server's process tree over the same span. Before the next edit each server is left to go "
            "idle (a rebuild set off by the engine's own writes into docs/ does not run into the next edit).", ""]
    return out


# ---------------------------------------------------------------------------------------------------
# The largest sizes (--big-sizes): one cold build of the whole site each, without the PDF.

BIG_HEADING = "## The whole site at the largest sizes"


def bench_big(n: int, work: Path, log: Callable[[str], None]) -> Scenario:
    """One cold `compendium build` (no PDF) of a synthetic compendium of n claims: its wall and CPU time, its
    peak memory and its claim pages' sizes. The PDF is left out: Typst holds about 1 MiB a laid-out page
    until the file is written (the PDF section's notes), so at 3,000 claims (some 16,000 pages) it could not
    fit the memory target whatever the site did; it is a measurement of its own (--pdf-sizes)."""
    scenario = Scenario(f"synthetic N={n}")
    try:
        began = time.perf_counter()
        source = synthesize(work / f"synthetic-{n}-source", n)
        log(f"  N = {n}: written by compendium synth in {time.perf_counter() - began:.1f} s")
        scenario.claims = len(list((source / "claims").glob("*.y*ml")))
        scenario.charts = len(list((source / "charts").glob("*.y*ml")))
        scenario.cold.append(cold := measured_build(source))
        pages = [source / "site/claims" / claim.stem / "index.html" for claim in (source / "claims").glob("*.y*ml")]
        scenario.claim_page_sizes = sorted(p.stat().st_size for p in pages if p.is_file())
        scenario.pages = sum(1 for _ in (source / "site").rglob("index.html"))
        log(f"  N = {n}: cold {cold.wall:.1f} s ({cold.cpu or 0:.1f} s CPU), peak {_mib(cold.peak_bytes)}")
        shutil.rmtree(source)
    except BenchError as problem:
        scenario.problem = str(problem)
        log(f"  N = {n}: {problem}")
    return scenario


def big_section(scenarios: list[Scenario], when: str) -> list[str]:
    out = ["", BIG_HEADING, "", when, "",
           "| Compendium | Claims | Charts | HTML pages | Whole build, cold | CPU time | Load + validate + resolve | "
           "Charts | Render pages | Site step | Peak memory (process tree) | Claim page HTML: max |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in scenarios:
        if not s.cold:
            out.append(f"| {s.name} | could not be measured: {_cell(s.problem)} | | | | | | | | | | |")
            continue
        wall, cpu, peak = (s.median("cold", lambda r: r.wall), s.median("cold", lambda r: r.cpu),
                           s.median("cold", lambda r: r.peak_bytes))
        out.append(f"| {s.name} | {s.claims:,} | {s.charts:,} | {s.pages:,} | {_s(wall, 1)} | {_s(cpu, 1)} | "
                   f"{_s(s.stage('cold', 'load+validate+resolve'))} | {_s(s.stage('cold', 'charts'))} | "
                   f"{_s(s.stage('cold', 'pages'))} | {_s(s.stage('cold', 'mkdocs'))} | {_mib(peak)} | "
                   f"{_bytes(max(s.claim_page_sizes, default=None))} |")
    out += ["", "One cold run each (a fresh `compendium synth` folder: no cache, nothing generated), without the PDF "
            "edition: Typst holds about 1 MiB a laid-out page until the file is written, so the PDF of some 16,000 "
            "pages could not fit the memory target, whatever the site does (see the PDF section). CPU time is "
            "that of the whole process tree (the build, its chart-drawing processes). The stages are as timed "
            "inside the build.", ""]
    return out


# ---------------------------------------------------------------------------------------------------
# Validation alone: `compendium validate`, as a contributor runs it.

VALIDATE_HEADING = "## Validation: `compendium validate`"


@dataclass
class Validation:
    name: str
    counts: str = ""  # what it checked, as the command says it
    checks: list[float] = field(default_factory=list)  # load + validate + resolve, as the command times it
    walls: list[float] = field(default_factory=list)  # the whole process: interpreter, imports, checks
    cpus: list[float] = field(default_factory=list)
    problem: str = ""


def bench_validate(name: str, root: Path, runs: int, log: Callable[[str], None]) -> Validation:
    result = Validation(name)
    command = [sys.executable, "-m", "compendium", "validate", "--root", str(root)]
    for _ in range(runs):
        done, wall, _peak, cpu = run_measured(command, root)
        found = re.search(r"^ok: (.*) \((\d+\.\d+) s\)$", done.stdout, re.M)
        if done.returncode != 0 or not found:
            result.problem = f"compendium validate of {root} failed:\n{(done.stdout + done.stderr)[-3000:]}"
            log(f"  {name}: {result.problem}")
            return result
        result.counts = found.group(1)
        result.checks.append(float(found.group(2)))
        result.walls.append(wall)
        result.cpus.append(cpu)
    log(f"  {name}: validation {statistics.median(result.checks):.2f} s, the whole command "
        f"{statistics.median(result.walls):.2f} s ({statistics.median(result.cpus):.2f} s CPU)")
    return result


def validate_section(results: list[Validation], when: str) -> list[str]:
    out = ["", VALIDATE_HEADING, "", when, "",
           "| Compendium | What it checked | Load + validate + resolve | Whole command | Its CPU time | Runs |",
           "|---|---|---:|---:|---:|---:|"]
    for v in results:
        if v.problem:
            out.append(f"| {v.name} | could not be measured: {_cell(v.problem)} | | | | |")
            continue
        out.append(f"| {v.name} | {v.counts} | {_s(statistics.median(v.checks))} | {_s(statistics.median(v.walls))} | "
                   f"{_s(statistics.median(v.cpus))} | {len(v.checks)} |")
    out += ["", "Each run is `compendium validate` in a fresh process. Load + validate + resolve is the time the "
            "command itself reports (reading and checking every file, linking them); the whole command adds the "
            "interpreter's start and the imports. Medians.", ""]
    return out


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


@dataclass
class Results:
    """What one run of the benchmark measured."""
    scenarios: list[Scenario] = field(default_factory=list)
    big: list[Scenario] = field(default_factory=list)  # --big-sizes: cold builds only
    serve: ServeResult | None = None
    validations: list[Validation] = field(default_factory=list)
    hot: tuple[float, list[HotSpot], list[HotSpot]] | None = None
    hot_name: str = ""
    # The sections as they will be written ({heading: lines}), each with when and under what load it was measured.
    sections: dict[str, list[str]] = field(default_factory=dict)


def _when(what: str, started: float, load_start: str) -> str:
    return (f"Measured {what} on {time.strftime('%Y-%m-%d %H:%M')}, {(time.perf_counter() - started) / 60:.1f} min "
            f"in all, load average {load_start} at the start and {_load()} at the end.")


def report(results: Results, info: dict[str, str], runs: int, load: tuple[str, str], notes: str,
           elapsed: float, kept: dict[str, list[str]], kept_lines: dict[str, str]) -> str:
    """The whole report. kept: sections this run did not measure, as the last report had them."""
    ok = [s for s in results.scenarios if s.cold]
    out = ["# Benchmarks", "",
           "Written by `make bench` (`bench/run.py`); see issue 21 for the targets (issue 20 for the PDF's). Every "
           f"figure is the median of {runs} runs unless noted. Times are wall-clock seconds unless said to be CPU "
           "time.", "", "## Machine", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in info.items()]
    out += [f"| Load average (1 min) | {load[0]} at the start, {load[1]} at the end |",
            f"| Benchmark run | {time.strftime('%Y-%m-%d %H:%M')}, {elapsed / 60:.1f} min in all |", "",
            "The load average is given because other work on the machine slows every figure below: compare "
            "figures from runs made under similar load.", ""]
    out += headline(ok) + per_stage(ok) + (pdf_section(results.scenarios) or kept.get(PDF_HEADING, []))
    for heading in (BUILDERS_HEADING, SERVE_HEADING, BIG_HEADING, VALIDATE_HEADING):
        out += results.sections.get(heading) or kept.get(heading, [])
    out += other_measures(ok)
    out += targets_section(targets(results), kept_lines)
    out += profile_section(results.hot, results.hot_name)
    failed = [s for s in results.scenarios + results.big if s.problem]
    if failed:
        out += ["## Problems", ""]
        out += [f"- {s.name}: could not be measured in full:\n\n```\n{s.problem.strip()[:2000]}\n```" for s in failed]
        out.append("")
    out += [NOTES_BEGIN, notes.strip() or "(No notes yet.)", NOTES_END, ""]
    return "\n".join(out)


def headline(ok: list[Scenario]) -> list[str]:
    out = ["## Headline: the whole build against a plain `mkdocs build` of the same pages", "",
           "| Compendium | Claims | Charts | HTML pages | Whole build, cold | Whole build, no change | "
           "Plain `mkdocs build` | Cold / plain | No change / plain | No change / plain, CPU time | Runs |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in ok:
        cold, noop, plain = s.median("cold", lambda r: r.wall), s.median("noop", lambda r: r.wall), \
            s.median("plain", lambda r: r.wall)
        cpu = _ratio(s.median("noop", lambda r: r.cpu), s.median("plain", lambda r: r.cpu))
        out.append(f"| {s.name} | {s.claims:,} | {s.charts:,} | {s.pages:,} | {_s(cold, 1)} | {_s(noop, 1)} | "
                   f"{_s(plain, 1)} | {_fmt_ratio(_ratio(cold, plain))} | {_fmt_ratio(_ratio(noop, plain))} | "
                   f"{_fmt_ratio(cpu)} | {len(s.cold)} |")
    return [*out, "", "A whole build is the `compendium build` process from start to end (interpreter start, imports, "
                  "every stage, MkDocs in the same process), without the PDF edition (timed separately below). "
                  "Plain `mkdocs build` is `mkdocs build --strict --clean` of the pages that build generated, "
                  "run just after it. CPU time is that of the process tree (user and system).", ""]


def per_stage(ok: list[Scenario]) -> list[str]:
    out = ["## Per stage", "", "| Compendium | Run | " + " | ".join(t for _, t in STAGES) +
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
            "process and all its children (chart-drawing processes); pages shared between processes "
            "are counted in each, so it is an upper bound.", ""]
    for s in ok:
        if s.noop:
            reused = sum(bool(r.report.get("checks_reused")) for r in s.noop)
            out.append(f"- {s.name}, no change: the last build's checks and pages reused in {reused} of "
                       f"{len(s.noop)} runs (no data file read, no chart or card looked at); charts rendered: "
                       f"{_count(s.noop, 'charts_rendered') if reused < len(s.noop) else 0}, "
                       f"{_count(s.noop, 'pages_written')} pages rewritten, matplotlib imported in "
                       f"{sum(bool(r.report.get('matplotlib_imported')) for r in s.noop)} of {len(s.noop)} runs.")
    return out


def other_measures(ok: list[Scenario]) -> list[str]:
    out = ["", "## Other measures", "", "| Compendium | Validation (load + validate + resolve) | "
           "Cold charts: per chart | Claim page HTML: median | Claim page HTML: max |", "|---|---:|---:|---:|---:|"]
    for s in ok:
        out.append(f"| {s.name} | {_s(_validation(s), 3)} | {_per_chart_ms(s)} | "
                   f"{_bytes(statistics.median(s.claim_page_sizes) if s.claim_page_sizes else None)} | "
                   f"{_bytes(max(s.claim_page_sizes) if s.claim_page_sizes else None)} |")
    return [*out, "", "Validation is the load + validate + resolve stage of the cold builds (each in a fresh process; "
                  "a build with nothing changed and no PDF reports the last build's findings instead of checking "
                  "again; `compendium validate` alone is timed in its own section). Per chart is the cold charts "
                  "stage divided by the charts drawn, matplotlib's import included. Claim page HTML is each claim's "
                  "`site/claims/<id>/index.html` (not the lists), shared assets (CSS, JavaScript, fonts, charts) "
                  "excluded.", ""]


def profile_section(hot: tuple[float, list[HotSpot], list[HotSpot]] | None, hot_name: str) -> list[str]:
    if not hot:
        return []
    total, engine, anywhere = hot
    out = [f"## Where the time goes: profile of {hot_name}", "",
           "cProfile of the build's own steps (load, validate, resolve, charts from the cache, render and "
           f"write pages; no MkDocs, no PDF) in a fresh process: {total:.1f} s in all under the profiler.", "",
           "The engine's functions with the most time, their callees' included (which step costs what):", "",
           "| Function | Cumulative | Own time | Calls |", "|---|---:|---:|---:|"]
    out += [f"| `{name}` | {cum:.2f} s | {own:.2f} s | {calls:,} |" for name, cum, own, calls in engine]
    out += ["", "The functions anywhere with the most time of their own (where it is spent):", "",
            "| Function | Own time | Cumulative | Calls |", "|---|---:|---:|---:|"]
    out += [f"| `{name}` | {own:.2f} s | {cum:.2f} s | {calls:,} |" for name, cum, own, calls in anywhere]
    return [*out, ""]


def pdf_section(scenarios: list[Scenario], when: str = "") -> list[str]:
    """The PDF edition's figures (Typst), beside WeasyPrint's before it, and issue 20's targets."""
    runs = [s for s in scenarios if s.pdf]
    if not runs:
        return []
    out = ["", PDF_HEADING, ""]
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
    lines = [(key, how) for key, how in pdf_targets({s.name: s for s in runs}) if how is not None]
    return [*out, *(f"- {key} — {how}" for key, how in lines), ""]


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


# ---------------------------------------------------------------------------------------------------
# Issue 21's targets (and issue 20's for the PDF), each met or not, by how much.

TARGETS_HEADING = "## Targets (issue 21; issue 20 for the PDF)"
OLD_TARGETS_HEADING = "## Targets (issue 11)"
# The sizes issue 21 sets the no-change and cold ratios at; the size its N = 3,000 targets are of.
RATIO_SCENARIOS = ("real record", "synthetic N=100", "synthetic N=1000")
BIG_TARGET_NAME = "synthetic N=3000"

Target = tuple[str, str | None]  # what is aimed at; how it stands (None: this run did not measure it)


def _times(v: float) -> str:
    return f"{v:.2f}×"


def ratio_targets(by_name: dict[str, Scenario]) -> list[Target]:
    out: list[Target] = []
    for name in RATIO_SCENARIOS:
        s = by_name.get(name)
        for runs, target, what in (("noop", NOCHANGE_TARGET, "the whole no-change build"),
                                   ("cold", COLD_TARGET, "a cold build")):
            key = f"{name}: {what} at most {target:.2f}× plain MkDocs of the same pages"
            if s is None or not getattr(s, runs) or not s.plain:
                out.append((key, None))
                continue
            wall, plain = s.median(runs, lambda r: r.wall), s.median("plain", lambda r: r.wall)
            cpu, plain_cpu = s.median(runs, lambda r: r.cpu), s.median("plain", lambda r: r.cpu)
            met, how = _by(_ratio(wall, plain), target, _times)
            out.append((key, _verdict(met, how + f" ({_s(wall, 1)} against {_s(plain, 1)}; in CPU time "
                                      f"{_s(cpu, 1)} against {_s(plain_cpu, 1)}, "
                                      f"{_fmt_ratio(_ratio(cpu, plain_cpu))})")))
    return out


def serve_target(serve: ServeResult | None) -> Target:
    key = (f"real record: from saving a claim's file to its page served again by `compendium serve`, at most "
           f"{SERVE_TARGET:.1f}× MkDocs' own rebuild")
    if serve is None or not serve.ours or not serve.plain:
        return key, None
    ours, plain = statistics.median(serve.ours), statistics.median(serve.plain)
    cpu, plain_cpu = statistics.median(serve.ours_cpu), statistics.median(serve.plain_cpu)
    met, how = _by(ours / plain, SERVE_TARGET, _times)
    return key, _verdict(met, how + f" ({ours:.2f} s against {plain:.2f} s, medians of {len(serve.ours)} edits each; "
                         f"in CPU time {cpu:.2f} s against {plain_cpu:.2f} s, {_fmt_ratio(_ratio(cpu, plain_cpu))})")


def validate_target(validations: list[Validation]) -> Target:
    key = f"validation of synthetic N=1000 under {VALIDATE_1000_S:.0f} s"
    found = next((v for v in validations if v.name == "synthetic N=1000" and v.checks), None)
    if found is None:
        return key, None
    met, how = _by(statistics.median(found.checks), VALIDATE_1000_S, lambda v: f"{v:.2f} s")
    return key, _verdict(met, how + f" (`compendium validate`, {found.counts}; the whole command "
                         f"{statistics.median(found.walls):.2f} s, {statistics.median(found.cpus):.2f} s CPU)")


def big_targets(big: Scenario | None) -> list[Target]:
    time_key = f"{BIG_TARGET_NAME}: the whole site (cold, without the PDF) in under {SITE_3000_S / 60:.0f} minutes"
    memory_key = f"{BIG_TARGET_NAME}: peak memory under 1.5 GiB"
    if big is None or not big.cold:
        return [(time_key, None), (memory_key, None)]
    met, how = _by(big.median("cold", lambda r: r.wall), SITE_3000_S, lambda v: f"{v:.1f} s")
    timed = _verdict(met, how + f" ({_s(big.median('cold', lambda r: r.cpu), 1)} of CPU)")
    met, how = _by(big.median("cold", lambda r: r.peak_bytes), MEMORY_3000_BYTES, lambda v: f"{v / 2 ** 20:,.0f} MiB")
    return [(time_key, timed), (memory_key, _verdict(met, how))]


def page_target(scenarios: list[Scenario]) -> Target:
    """Judged only with the real record measured: its claims have the most evidence, so the largest pages."""
    key = f"a claim page's HTML at most {CLAIM_PAGE_BYTES // 1000} KB"
    sizes = [(max(s.claim_page_sizes), s.name) for s in scenarios if s.claim_page_sizes]
    if not sizes or not any(s.name == "real record" and s.claim_page_sizes for s in scenarios):
        return key, None
    largest, where = max(sizes)
    met, how = _by(largest, CLAIM_PAGE_BYTES, lambda v: f"{v / 1000:.1f} KB")
    return key, _verdict(met, how + f" (the largest, of {where})")


def pdf_targets(by_name: dict[str, Scenario]) -> list[Target]:
    real, big = by_name.get("real record"), by_name.get("synthetic N=1000")
    out: list[Target] = []
    key = "the real record's PDF in under 3 s"
    if real is not None and real.pdf:
        out.append((key, _verdict(*_by(real.stage("pdf", "pdf"), PDF_TYPST_REAL_S, lambda v: f"{v:.2f} s"))))
    else:
        out.append((key, None))
    time_key, memory_key = "N = 1,000: the PDF in under 60 s", "N = 1,000: peak memory of the PDF stage under 1.5 GiB"
    if big is None or not big.pdf:
        return [*out, (time_key, None), (memory_key, None)]
    out.append((time_key, _verdict(*_by(big.stage("pdf", "pdf"), PDF_TYPST_1000_S, lambda v: f"{v:.1f} s"))))
    out.append((memory_key, _verdict(*_by(big.median("pdf", lambda r: r.pdf_peak_bytes), PDF_TYPST_1000_BYTES,
                                          lambda v: f"{v / 2 ** 20:,.0f} MiB"))))
    return out


def targets(results: Results) -> list[Target]:
    by_name = {s.name: s for s in results.scenarios + results.big}
    return [*ratio_targets(by_name), serve_target(results.serve), validate_target(results.validations),
            *big_targets(by_name.get(BIG_TARGET_NAME)), page_target(results.scenarios), *pdf_targets(by_name)]


EARLIER = " (kept from an earlier run: this one did not measure it)"


def kept_targets(path: Path) -> dict[str, str]:
    """The targets of the report at path (its targets section's, and the PDF section's own), as what is aimed
    at -> how it stood."""
    lines = kept_section(path, PDF_HEADING) + kept_section(path, TARGETS_HEADING)
    return dict(line[2:].split(" — ", 1) for line in lines if line.startswith("- ") and " — " in line)


def targets_section(lines: list[Target], kept: dict[str, str]) -> list[str]:
    out = ["", TARGETS_HEADING, "", "Ratios are of wall-clock medians, with CPU time beside them: on a shared machine "
           "other work stretches wall time more than the CPU a build uses. A target this run did not measure keeps "
           "the line of the last run that did, so marked.", ""]
    for key, how in lines:
        if how is None and key in kept:
            how = kept[key] if kept[key].endswith(EARLIER) else kept[key] + EARLIER
        out.append(f"- {key} — {how or 'not measured yet'}")
    return [*out, ""]


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
    args.output.write_text(splice_section(existing, PDF_HEADING, section), "utf-8")
    print("\n".join(section))
    log(f"bench: the PDF section written to {args.output}")
    return 1 if any(s.problem for s in scenarios) else 0


SECTIONS = ("serve", "big", "validate")  # what --only can pick


def measure_extras(results: Results, args: argparse.Namespace, work: Path, wanted: set[str],
                   log: Callable[[str], None]) -> None:
    """The sections --only can pick (all of them in a full run): each measured, and written out with when and
    under what load."""
    if "serve" in wanted and args.serve_edits > 0:
        log("bench: the preview, `compendium serve` against `mkdocs serve` (real record)")
        started, load_start = time.perf_counter(), _load()
        source = work / "real-source"
        results.serve = bench_serve(source if source.exists() else copy_real_record(source), work,
                                    args.serve_edits, log)
        results.sections[SERVE_HEADING] = serve_section(results.serve, _when(_what(args), started, load_start))
    if "validate" in wanted:
        log("bench: `compendium validate`")
        started, load_start = time.perf_counter(), _load()
        for n in _sizes(args.validate_sizes):
            source = work / f"synthetic-{n}-source"
            source = source if source.exists() else synthesize(source, n)
            results.validations.append(bench_validate(f"synthetic N={n}", source, max(args.runs, 5), log))
        results.sections[VALIDATE_HEADING] = validate_section(results.validations,
                                                              _when(_what(args), started, load_start))
    if "big" in wanted and _sizes(args.big_sizes):
        started, load_start = time.perf_counter(), _load()
        for n in _sizes(args.big_sizes):
            log(f"bench: synthetic, N = {n}: one cold build, without the PDF")
            results.big.append(bench_big(n, work, log))
        results.sections[BIG_HEADING] = big_section(results.big, _when(_what(args), started, load_start))


def _sizes(text: str) -> list[int]:
    return [int(n) for n in text.split(",") if n.strip()]


def _what(args: argparse.Namespace) -> str:
    return f"with `bench/run.py --only {args.only}`" if args.only else "in the full run (`make bench`)"


def full_run(args: argparse.Namespace, work: Path, log: Callable[[str], None]) -> Results:
    """The real record and the synthetic --sizes (cold, no change, plain MkDocs), their PDF, the profile of the
    largest, then the preview, validation and the --big-sizes."""
    results, deadline, sizes = Results(), time.perf_counter() + 60 * args.budget_minutes, _sizes(args.sizes)
    if not args.no_real:
        log("bench: the real record")
        source = copy_real_record(work / "real-source")
        results.scenarios.append(real := bench_scenario("real record", source, work, args.runs, log, deadline))
        if args.pdf_runs > 0 and not real.problem:
            bench_pdf(real, source, work, args.pdf_runs, log)
    for n in sizes:
        log(f"bench: synthetic, N = {n}")
        source = synthesize(work / f"synthetic-{n}-source", n)
        profile = work / "profile.pstats" if n == max(sizes) and not args.no_profile else None
        results.scenarios.append(bench_scenario(f"synthetic N={n}", source, work, args.runs, log, deadline, profile))
        if profile is not None and profile.exists():
            results.hot, results.hot_name = hot_spots(profile), f"synthetic N={n}, no change"
        if str(n) in args.pdf_sizes.split(",") and not results.scenarios[-1].problem:
            bench_pdf(results.scenarios[-1], source, work, 1, log)
    measure_extras(results, args, work, set(SECTIONS) - ({"serve"} if args.no_real else set()), log)
    return results


def only(args: argparse.Namespace, log: Callable[[str], None]) -> int:
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
    existing = args.output.read_text("utf-8") if args.output.exists() else "# Benchmarks\n"
    kept_lines = kept_targets(args.output)
    existing = re.sub(rf"^{re.escape(OLD_TARGETS_HEADING)}$", TARGETS_HEADING, existing, flags=re.M)
    for heading, section in results.sections.items():
        existing = splice_section(existing, heading, section)
    existing = splice_section(existing, TARGETS_HEADING, targets_section(targets(results), kept_lines))
    args.output.write_text(existing, "utf-8")
    print("\n".join(line for section in results.sections.values() for line in section))
    log(f"bench: {', '.join(sorted(wanted))} and the targets written to {args.output}")
    failed = results.serve is not None and bool(results.serve.problem)
    return 1 if failed or any(s.problem for s in results.big) or any(v.problem for v in results.validations) else 0


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    if args.only:
        return only(args, log)
    started, load_start = time.perf_counter(), _load()
    with workspace(args.keep) as work:
        log(f"bench: working in {work}")
        results = full_run(args, work, log)
    kept = {h: kept_section(args.output, h) for h in (PDF_HEADING, BUILDERS_HEADING, SERVE_HEADING, BIG_HEADING,
                                                      VALIDATE_HEADING)}
    text = report(results, machine(), args.runs, (load_start, _load()), _kept_notes(args.output),
                  time.perf_counter() - started, kept, kept_targets(args.output))
    args.output.write_text(text, "utf-8")
    print(text)
    log(f"bench: written to {args.output}")
    failed = any(s.problem for s in results.scenarios + results.big) or any(v.problem for v in results.validations)
    return 1 if failed or (results.serve is not None and bool(results.serve.problem)) else 0


if __name__ == "__main__":
    sys.exit(main())

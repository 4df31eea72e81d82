"""The benchmark's measuring instruments, shared by every scenario: a command run in a child process with its
wall time, the CPU time of its process tree and that tree's peak resident memory (sampled from /proc), the
load average, the machine's facts and the versions of the packages measured."""

from __future__ import annotations

import os
import platform
import resource
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Every child runs with the same hash seed (set iteration order, so the same work each run) and without
# MkDocs' banner about its next version.
CHILD_ENV = {"NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
Log = Callable[[str], None]  # where a scenario says what it is doing (stderr)


class BenchError(Exception):
    pass


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


Sample = tuple[float, int]  # time.monotonic(), resident bytes of the process tree


def children_map() -> dict[int, list[int]]:
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


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (shared pages counted in each)."""
    children, total, todo = children_map(), 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        with suppress(OSError, IndexError, ValueError):  # the process ended meanwhile
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * page
        todo.extend(children.get(current, []))
    return total


def tree_cpu(pid: int) -> float:
    """CPU seconds of a running process and its descendants, those they have waited for included."""
    children, total, todo = children_map(), 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        current = todo.pop()
        with suppress(OSError, IndexError, ValueError):  # the process ended meanwhile
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
        todo.extend(children.get(current, []))
    return total


def _children_cpu() -> float:
    """CPU seconds (user and system) of this process's children that have ended, theirs included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(command: list[str], cwd: Path,
                 samples: list[Sample] | None = None) -> tuple[subprocess.CompletedProcess[str], float, int, float]:
    """Run command; its wall time, the peak resident memory of its process tree (sampled every 100 ms;
    each sample also added to samples, when given) and the CPU time of that tree. CPU time is the fairer
    comparison on a shared machine: other work stretches wall time, hardly the CPU a process uses."""
    peak = 0
    cpu_before = _children_cpu()  # the children are run one at a time, so the difference is this one's
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **CHILD_ENV})
    sampling = Path("/proc").is_dir()
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            rss = tree_rss(process.pid)
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


def load() -> str:
    """The load average over the last minute, as the report prints it."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def when(what: str, started: float, load_start: str) -> str:
    """When a section was measured (what: by which command), how long it took and under what load."""
    return (f"Measured {what} on {time.strftime('%Y-%m-%d %H:%M')}, {(time.perf_counter() - started) / 60:.1f} min "
            f"in all, load average {load_start} at the start and {load()} at the end.")


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _proc_line(path: str, starts: str) -> str | None:
    """The part after the colon of the first line of a /proc file that starts with starts."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(starts):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine() -> dict[str, str]:
    """The machine the figures were measured on, as the report's table lists it."""
    cpu = _proc_line("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()
    memory = _proc_line("/proc/meminfo", "MemTotal")
    ram = f"{int(memory.split()[0]) / 1024 ** 2:.1f} GiB" if memory else ""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    versions = ", ".join(f"{p} {version(p)}" for p in ("mkdocs", "mkdocs-material", "matplotlib", "typst"))
    return {"CPU": cpu, "Cores available": str(cores), "RAM": ram,
            "Python": f"{platform.python_version()} ({platform.python_implementation()})",
            "OS": f"{platform.system()} {platform.release()}", "Packages": versions}


@contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    """A temporary folder for the copies built, removed at the end unless keep."""
    path = Path(tempfile.mkdtemp(prefix="compendium-bench-"))
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


def sizes(text: str) -> list[int]:
    """The sizes of a --sizes-like option: '100,1000' -> [100, 1000]."""
    return [int(n) for n in text.split(",") if n.strip()]

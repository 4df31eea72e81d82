"""Validation alone: `compendium validate` as a contributor runs it, in a fresh process each run; the time
the command reports for its checks, and the whole command's wall and CPU time."""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

from bench.measure import Log, run_measured
from bench.results import Validation


def bench_validate(name: str, root: Path, runs: int, log: Log) -> Validation:
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

"""Work spread over the machine's cores: how many there are, and how to start a worker process."""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing.context import BaseContext


def cores() -> int:
    """The cores this process may run on (CI containers limit them)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def worker_context() -> BaseContext:
    """fork, which starts a worker without importing the engine again; but a process forked while other
    threads run (the preview server's) may inherit a lock one of them held, so then a fresh interpreter
    is spawned."""
    single_threaded = threading.active_count() == 1
    forking = single_threaded and "fork" in multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if forking else "spawn")

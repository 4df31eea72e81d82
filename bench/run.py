#!/usr/bin/env python3
"""`bench/run.py`: the benchmark run as a script, with the options of `python -m bench`. The report's lines
name it, and each measured build's child process is started through it (a fresh interpreter wherever its
working folder is)."""

import sys
from pathlib import Path

# As a script its own folder would come first on the path, where bench's modules (pdf, serve, ...) would
# hide any top-level module of the same name: the repository takes its place, so that `bench` is found.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())

"""`python -m bench`: the benchmark (bench/__init__.py says what it measures)."""

import sys

from bench.cli import main

sys.exit(main())

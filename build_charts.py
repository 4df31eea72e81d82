#!/usr/bin/env python3
"""Render the charts in charts/ (with the pages that show them): same as `compendium charts`."""

import sys

from compendium.cli import main

if __name__ == "__main__":
    sys.exit(main(["charts", *sys.argv[1:]]))

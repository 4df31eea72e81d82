"""The edition of the compendium a build publishes: the date and commit of the data it was built from.

The date is the commit's own date, not today's, so that building the same commit twice gives the same
bytes; a working tree with uncommitted changes is marked as such.
"""

from __future__ import annotations

import datetime
import subprocess
from dataclasses import dataclass
from pathlib import Path

from compendium.paths import data_paths


@dataclass(frozen=True)
class Edition:
    date: str  # YYYY-MM-DD
    commit: str  # short hash, with "+changes" when the working tree differs from it; "" outside git
    epoch: int = 0  # the commit's time in seconds since 1970, for SOURCE_DATE_EPOCH; 0 when unknown

    @property
    def label(self) -> str:
        return f"{self.date} ({self.commit})" if self.commit else self.date


def _git(root: Path, *args: str) -> str:
    try:
        run = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return run.stdout.strip() if run.returncode == 0 else ""


def current_edition(root: Path, fallback_date: str) -> Edition:
    """The edition of root's data; fallback_date (the newest date in the data) outside a git checkout."""
    fallback_epoch = int(datetime.datetime.fromisoformat(fallback_date).replace(tzinfo=datetime.UTC).timestamp())
    commit = _git(root, "rev-parse", "--short=10", "HEAD")
    if not commit:
        return Edition(fallback_date, "", fallback_epoch)
    date = _git(root, "log", "-1", "--format=%cs") or fallback_date
    epoch = int(_git(root, "log", "-1", "--format=%ct") or fallback_epoch)
    watched = data_paths()
    dirty = _git(root, "status", "--porcelain", "--", *[w for w in watched if (root / w).exists()])
    return Edition(date, f"{commit}+changes" if dirty else commit, epoch)

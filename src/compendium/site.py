"""Stage 5, build site: MkDocs turns docs/ into the static site, which replaces site/ only when whole.

MkDocs runs as a separate process in strict mode: our own steps wrote plain Markdown, so any tool that
reads mkdocs.yml and docs/ (MkDocs today, Zensical later) can build it. The site is built into a
temporary folder next to site/ and swapped in only after the build succeeded, so a failed build
leaves the previous site untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SiteResult:
    ok: bool
    output: str


def build_site(root: Path, site_dir: Path, config_file: str = "mkdocs.yml",
               finish: Callable[[Path], str] | None = None) -> SiteResult:
    """Run `mkdocs build --strict` into a temporary folder; on success, make it site_dir.

    config_file, in root, is mkdocs.yml or a file that INHERITs it (mkdocs-offline.yml). finish, when
    given, adds files to the built folder before the swap (the PDF edition) and returns a problem, or ''
    for none: a problem, like a failed MkDocs build, leaves the previous site_dir as it was."""
    root, site_dir = root.resolve(), site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the published site is for everyone to read
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean",
               "--config-file", str(root / config_file), "--site-dir", str(staging)]
    # Material's end-of-life banner is known (see README: the pages are plain Markdown so that the
    # project can move to Zensical); it would hide the build's own messages.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False, env=env)
    output = process.stdout + process.stderr
    if process.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        return SiteResult(False, output)
    try:
        problem = finish(staging) if finish else ""
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if problem:
        shutil.rmtree(staging, ignore_errors=True)
        return SiteResult(False, output + problem)
    previous = site_dir.with_name(site_dir.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(previous)
    staging.rename(site_dir)
    shutil.rmtree(previous, ignore_errors=True)
    return SiteResult(True, output)

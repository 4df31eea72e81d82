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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from compendium.render import SiteSettings


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring the !!python/name and !ENV tags that MkDocs itself understands."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_settings(root: Path) -> SiteSettings:
    config: dict[str, Any] = yaml.load((root / "mkdocs.yml").read_text("utf-8"), Loader=_TolerantLoader) or {}
    repo_url, edit_uri = str(config.get("repo_url") or ""), config.get("edit_uri")
    if not repo_url or edit_uri == "":
        return SiteSettings("")
    # Data files live at the repository's top level; edit_uri points into docs/, so step out of it.
    base = repo_url.rstrip("/") + "/" + str(edit_uri or "edit/main/docs/").strip("/")
    return SiteSettings(base.removesuffix("/docs") + "/")


@dataclass(frozen=True)
class SiteResult:
    ok: bool
    output: str


def build_site(root: Path, site_dir: Path) -> SiteResult:
    """Run `mkdocs build --strict` into a temporary folder; on success, make it site_dir."""
    root, site_dir = root.resolve(), site_dir.resolve()
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean",
               "--config-file", str(root / "mkdocs.yml"), "--site-dir", str(staging)]
    # Material's end-of-life banner is known (see README: the pages are plain Markdown so that the
    # project can move to Zensical); it would hide the build's own messages.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False, env=env)
    output = process.stdout + process.stderr
    if process.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        return SiteResult(False, output)
    previous = site_dir.with_name(site_dir.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(previous)
    staging.rename(site_dir)
    shutil.rmtree(previous, ignore_errors=True)
    return SiteResult(True, output)

"""The site built by Zensical (Material for MkDocs' successor) instead of MkDocs: `compendium build --builder zensical`.

Zensical reads mkdocs.yml, but not as the engine needs it, so it is given a configuration of the engine's making,
in a folder of its own, .cache/zensical/ (the workspace):

- Zensical takes the folder of its configuration file as the project's root: its cache is that folder's .cache/
  (not configurable, and `zensical build --clean` empties it), and docs_dir and site_dir must lie inside it. A
  configuration written beside mkdocs.yml would put Zensical's cache among the engine's (.cache/pages.json,
  .cache/charts.json...), for --clean to delete. So the configuration is workspace/mkdocs.yml, and the workspace
  holds a mirror of docs/ (real folders, each file a hard link to the page, which costs no copy and keeps the
  page's modification time, so Zensical's cache still knows it; Zensical follows no folder given as a symbolic
  link) and builds into workspace/site, which is then moved into the engine's staging folder, to be swapped
  into site/ as a MkDocs build is.
- It is the compendium's mkdocs.yml (INHERIT resolved) with what the engine sets on every build
  (engine_config.py, applied to the configuration as MkDocs loaded it, so that a conflicting setting is the
  same error, at its line, whichever the builder) and the engine's theme folder as custom_dir, copied into the
  workspace without the partials that only fit MkDocs' Material (MKDOCS_ONLY): Material's search dialog, which
  Zensical replaces with its own, so that the engine's copy of it leaves search with no results.
- Zensical runs as a child process (`python -m zensical build --strict`) from the compendium's folder, as the
  pages' snippets (docs/.includes/) are found relative to it. Its warnings name the page, line and column
  (relative to docs/): each is reported at that place in docs/.

Two Zensical builds of one compendium at once would share the workspace: the second waits for the first.
Zensical has no hook of MkDocs' kind, so `compendium serve` stays with MkDocs.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from compendium.diagnostics import Diagnostic, Severity, display_path
from compendium.paths import CACHE_DIR
from compendium.web.engine_config import theme_folder

WORKSPACE = Path(CACHE_DIR) / "zensical"  # in the compendium's folder; Zensical's own cache is its .cache/
VERSION = "0.0.73"  # pinned in requirements-dev.txt: the newest that installs from the package index
# The engine's partials written for Material for MkDocs' markup, which Zensical's theme does not share.
MKDOCS_ONLY = ("partials/search.html",)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_HEADING = re.compile(r"^(?P<level>Warning|Error):\s*(?P<message>.+)$")
_PLACE = re.compile(r"\[\s*(?P<path>[^\]]+?):(?P<line>\d+):(?P<column>\d+)\s*\]")


def installed() -> bool:
    return importlib.util.find_spec("zensical") is not None


def build(root: Path, config: Any, config_file: str, staging: Path) -> tuple[bool, str, list[Diagnostic]]:
    """Zensical's build of the compendium at root, whose configuration MkDocs loaded as config (with the engine's
    settings applied), into staging (an empty folder): whether it succeeded, what Zensical reported, and the same
    as diagnostics."""
    if not installed():
        problem = Diagnostic(config_file, 0, 0, "Zensical is not installed, so the site cannot be built with it",
                             f"install it (pip install zensical=={VERSION}, as requirements-dev.txt pins it), "
                             "or build with the default builder (--builder mkdocs)")
        return False, problem.format_text() + "\n", [problem]
    workspace = root / WORKSPACE
    workspace.mkdir(parents=True, exist_ok=True)
    with _locked(workspace / ".lock"):
        docs_dir = Path(config.docs_dir)
        _mirror(docs_dir, workspace / "docs")
        _theme(config, workspace / "theme")
        settings = zensical_settings(root / config_file, config)
        try:
            text = yaml.safe_dump(settings, sort_keys=False, allow_unicode=True)
        except yaml.YAMLError as error:  # a Python object (a !!python/name: tag) that cannot be written back
            problem = Diagnostic(config_file, 0, 0, f"the configuration cannot be handed to Zensical: {error}",
                                 "remove the setting with a Python tag, or build with --builder mkdocs")
            return False, problem.format_text() + "\n", [problem]
        (workspace / "mkdocs.yml").write_text(
            "# Written by `compendium build --builder zensical` from mkdocs.yml: edit that, not this.\n" + text,
            "utf-8")
        shutil.rmtree(workspace / "site", ignore_errors=True)
        run = subprocess.run([sys.executable, "-m", "zensical", "build", "--strict", "-f",
                              str(workspace / "mkdocs.yml")], cwd=root, capture_output=True, text=True,
                             errors="replace", check=False)
        output, problems = read_output(run.stdout + run.stderr, root, docs_dir, config_file)
        if run.returncode != 0:
            if not problems:
                problems = [Diagnostic(config_file, 0, 0, f"Zensical could not build the site: {_last_line(output)}",
                                       "reported by Zensical; or build with the default builder (--builder mkdocs)")]
            return False, output, problems
        _move(workspace / "site", staging)
    return True, output, problems


def zensical_settings(config_path: Path, config: Any) -> dict[str, Any]:
    """The configuration Zensical builds from, in the workspace: mkdocs.yml as written (INHERIT resolved, so
    that a setting is the compendium's in one place), with what the engine sets taken from config."""
    from mkdocs.utils.yaml import yaml_load

    with config_path.open("rb") as handle:
        settings: dict[str, Any] = yaml_load(handle)
    settings.pop("hooks", None)  # Zensical ignores them; the engine's only hook is `compendium serve`'s
    settings["docs_dir"] = "docs"
    settings["site_dir"] = "site"
    theme = dict(settings.get("theme") or {})
    theme.update(name="material", custom_dir="theme", font=False, features=list(config.theme["features"]))
    settings["theme"] = theme
    settings["extra_css"] = list(config.extra_css)
    settings["markdown_extensions"] = [{name: dict(config.mdx_configs.get(name) or {})}
                                       for name in config.markdown_extensions]
    return settings


def read_output(text: str, root: Path, docs_dir: Path, config_file: str) -> tuple[str, list[Diagnostic]]:
    """Zensical's report (drawn with colours and boxes, whatever the terminal) as plain lines, one a problem,
    and as diagnostics, each at the page, line and column it names (relative to docs/)."""
    lines = [_ANSI.sub("", line).rstrip() for line in text.splitlines()]
    shown: list[str] = []
    problems: list[Diagnostic] = []
    for at, line in enumerate(lines):
        heading = _HEADING.match(line.strip())
        if heading is None:
            continue
        place = next((m for m in map(_PLACE.search, lines[at + 1:at + 3]) if m), None)
        severity: Severity = "warning" if heading["level"] == "Warning" else "error"
        hint = "reported by Zensical (--strict: it stops the build)"
        if place is None:
            problems.append(Diagnostic(config_file, 0, 0, heading["message"], hint, severity))
        else:
            page = display_path(docs_dir / place["path"], root)
            problems.append(Diagnostic(page, int(place["line"]), int(place["column"]), heading["message"], hint,
                                       severity))
        shown.append(problems[-1].format_text())
    ending = [line for line in lines if line.startswith(("RuntimeError:", "Error:", "zensical."))]
    if ending and not problems:
        shown.append(ending[-1])
    return "".join(f"{line}\n" for line in shown), problems


def _last_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else "it exited with an error and said nothing"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _mirror(source: Path, target: Path) -> None:
    """target made anew as source's tree: the same folders, each file a hard link to source's (a copy where the
    file system has none)."""
    shutil.rmtree(target, ignore_errors=True)
    for folder, _, files in os.walk(source):
        into = target / Path(folder).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            try:
                os.link(Path(folder) / name, into / name)
            except OSError:
                shutil.copy2(Path(folder) / name, into / name)


def _theme(config: Any, target: Path) -> None:
    """The engine's theme folder, less what only fits MkDocs, then the compendium's own custom_dir (its files
    cannot be the engine's: apply_engine_settings refuses that), copied with their times, so that Zensical's
    cache of templates holds from one build to the next."""
    shutil.rmtree(target, ignore_errors=True)
    engine = theme_folder()
    skipped = {(engine / name).resolve() for name in MKDOCS_ONLY}
    shutil.copytree(engine, target, ignore=lambda folder, names: [
        n for n in names if (Path(folder) / n).resolve() in skipped])
    for folder in config.theme.dirs:
        if Path(folder).resolve() == engine.resolve():
            continue
        if config.theme.custom_dir and Path(folder).resolve() == Path(config.theme.custom_dir).resolve():
            shutil.copytree(folder, target, dirs_exist_ok=True)


def _move(built: Path, staging: Path) -> None:
    """Zensical's site into the (empty) staging folder: renamed where both are on one file system, else copied."""
    try:
        built.rename(staging)
    except OSError:
        shutil.copytree(built, staging, dirs_exist_ok=True)
        shutil.rmtree(built, ignore_errors=True)

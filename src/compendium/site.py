"""Stage 5, build site: MkDocs turns docs/ into the static site, which replaces site/ only when whole.

MkDocs runs as a separate process in strict mode: our own steps wrote plain Markdown, so any tool that
reads mkdocs.yml and docs/ (MkDocs today, Zensical later) can build it. The site is built into a
temporary folder next to site/ (.site-<pid>-<random>) and swapped in only after the build succeeded,
so a failed build leaves the previous site untouched. A build killed on the way (`kill -9`, a power
cut) leaves its folder behind, with its process id in the name: the next build removes it.
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

from compendium.compact import compact_site


@dataclass(frozen=True)
class SiteResult:
    ok: bool
    output: str


STAGING = ".site-"  # the prefix of the folders sites are built in, next to site/: .site-<pid>-<random>

# MkDocs, run so that it stops when the build does, even by `kill -9`: its standard input is a pipe that
# only the build holds open, and a thread exits the process as soon as that pipe is closed.
_MKDOCS = """\
import os, sys, threading
def _watch():
    while os.read(0, 4096):
        pass
    os._exit(70)
threading.Thread(target=_watch, daemon=True).start()
from mkdocs.__main__ import cli
cli(sys.argv[1:], prog_name="mkdocs")
"""


def build_site(root: Path, site_dir: Path, config_file: str = "mkdocs.yml",
               finish: Callable[[Path], str] | None = None) -> SiteResult:
    """Run `mkdocs build --strict` into a temporary folder; on success, make it site_dir.

    config_file, in root, is mkdocs.yml or a file that INHERITs it (mkdocs-offline.yml). finish, when
    given, adds files to the built folder before the swap (the PDF edition) and returns a problem, or ''
    for none: a problem, like a failed MkDocs build, leaves the previous site_dir as it was. So does an
    OSError (raised, after the temporary folder is removed). Folders left by builds that were killed
    are removed first."""
    root, site_dir = root.resolve(), site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_up_after_killed_builds(site_dir)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-", dir=site_dir.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; the published site is for everyone to read
        ok, output = _mkdocs(root, config_file, staging)
        if not ok:
            return SiteResult(False, output)
        compact_site(staging)  # the white space Material's templates leave between tags (compact.py)
        problem = finish(staging) if finish else ""
        if problem:
            return SiteResult(False, output + problem)
        _swap(staging, site_dir)
        return SiteResult(True, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # nothing left once swapped in


def _mkdocs(root: Path, config_file: str, staging: Path) -> tuple[bool, str]:
    """`mkdocs build --strict` into staging: whether it succeeded, and what it printed."""
    command = [sys.executable, "-c", _MKDOCS, "build", "--strict", "--clean",
               "--config-file", str(root / config_file), "--site-dir", str(staging)]
    # Material's end-of-life banner is known (see README: the pages are plain Markdown so that the
    # project can move to Zensical); it would hide the build's own messages.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, cwd=root, stdin=subprocess.PIPE, stdout=output,
                                   stderr=subprocess.STDOUT, env=env)
        try:
            returncode = process.wait()
        finally:
            if process.poll() is None:  # interrupted (Ctrl-C): closing its stdin stops it too
                process.kill()
                process.wait()
            assert process.stdin is not None
            process.stdin.close()
        output.seek(0)
        return returncode == 0, output.read().decode("utf-8", "replace")


def _swap(staging: Path, site_dir: Path) -> None:
    """Make staging site_dir; should that fail, the previous site_dir is put back."""
    previous = _previous(site_dir)
    shutil.rmtree(previous, ignore_errors=True)
    moved = site_dir.exists()
    if moved:
        site_dir.rename(previous)
    try:
        staging.rename(site_dir)
    except OSError:
        if moved:
            previous.rename(site_dir)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def _previous(site_dir: Path) -> Path:
    return site_dir.with_name(site_dir.name + ".previous")


def clean_up_after_killed_builds(site_dir: Path) -> None:
    """Undo what builds killed on the way (`kill -9`, a power cut) left next to site_dir: their staging
    folders are removed, but not a concurrent build's; a site moved aside by a build killed halfway
    through its swap is put back. A staging folder of the older form .site-<random>, with no process
    id, is from a build that ended long ago."""
    for path in site_dir.parent.glob(f"{STAGING}*"):
        owner = path.name.removeprefix(STAGING).partition("-")[0]
        if path.is_dir() and not path.is_symlink() and not (owner.isdigit() and _running(int(owner))):
            shutil.rmtree(path, ignore_errors=True)
    previous = _previous(site_dir)
    if previous.is_dir() and not previous.is_symlink() and not site_dir.exists():
        previous.rename(site_dir)


def _running(pid: int) -> bool:
    """Whether another process pid is running (a zombie, dead but not yet reaped by its parent, is not).

    This process's own id is not: its folders are removed before it makes one, and a folder that bears
    it is from an earlier process that had the same id (a fresh container numbers its processes alike)."""
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:  # another user's process
        return True
    except (OSError, OverflowError):
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (not Linux): running, as far as can be told
    return state not in ("Z", "X")

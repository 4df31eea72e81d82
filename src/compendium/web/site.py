"""Stage 5, build site: MkDocs (or Zensical) turns docs/ into the static site, which replaces site/ only when whole.

The builder is run here, and only here (builders.py names them): MkDocs with Material, the default, or Zensical,
run as a child process on a configuration the engine writes (zensical_build.py). Both build into the same staging
folder, which is swapped in the same way; the rest of this docstring is about MkDocs.

MkDocs runs in this process, through its Python API, in strict mode, from the compendium's folder (as
`mkdocs build --strict` run there would): one interpreter for the whole build, so that the engine's
cost is not a second Python's start and imports. The engine's theme folder, stylesheet and Markdown
extensions are set on the loaded configuration whatever mkdocs.yml says (engine_config.py). MkDocs' warnings
and errors are taken from its log and reported as ours, each with the file it names.

The site is built into a temporary folder next to site/ (.site-<pid>-<random>) and swapped in only
after the build succeeded, so a failed build leaves the previous site untouched. A build killed on the
way (`kill -9`, a power cut) leaves its folder behind, with its process id in the name: the next build
removes it.

MkDocs keeps state in the process between builds: its loggers (with their levels, handlers and filters:
MkDocs' command line adds a filter that drops a message seen before, which would hide a second build's
warnings from strict mode, so none is added here) and the current folder (which plugins read relative
paths from). Each build sets what it needs and puts back what it changed, so that the tests, or any
caller, can build again and again in one process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from compendium.diagnostics import Diagnostic, Severity, display_path
from compendium.paths import DATA_FOLDERS, DATA_SUFFIXES, DOCS_DIR, STAGING
from compendium.web.builders import BUILDERS, DEFAULT_BUILDER
from compendium.web.compact import compact_site
from compendium.web.engine_config import apply_engine_settings


@dataclass(frozen=True)
class SiteResult:
    ok: bool
    output: str  # MkDocs' warnings and errors as its command line prints them ('' for none)
    problems: list[Diagnostic] = field(default_factory=list)  # the same, each with the file it names




def build_site(root: Path, site_dir: Path, config_file: str = "mkdocs.yml",
               finish: Callable[[Path], str] | None = None, builder: str = DEFAULT_BUILDER) -> SiteResult:
    """Run `mkdocs build --strict` (or Zensical's, with builder "zensical") into a temporary folder; on success,
    make it site_dir.

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
        if builder not in BUILDERS:
            raise ValueError(f"unknown builder {builder!r}: one of {', '.join(BUILDERS)}")
        ok, output, problems = (_zensical if builder == "zensical" else _mkdocs)(root, config_file, staging)
        if not ok:
            return SiteResult(False, output, problems)
        compact_site(staging)  # the white space Material's templates leave between tags (compact.py)
        problem = finish(staging) if finish else ""
        if problem:
            return SiteResult(False, output + problem, problems)
        _swap(staging, site_dir)
        return SiteResult(True, output, problems)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # nothing left once swapped in


def _mkdocs(root: Path, config_file: str, staging: Path) -> tuple[bool, str, list[Diagnostic]]:
    """`mkdocs build --strict --clean` into staging, in this process: whether it succeeded, what MkDocs
    logged (warnings and errors, as its command line prints them), and the same as diagnostics.

    An OSError (a full disk, an unreadable page) is raised, for the build to report with its path."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    log = _MkDocsLog()
    docs_dir = root / DOCS_DIR
    with _logged_to(log), contextlib.chdir(root):  # plugins may read paths relative to it
        try:
            config = load_config(str(root / config_file), strict=True, site_dir=str(staging))
            docs_dir = Path(config.docs_dir)
            conflicts = apply_engine_settings(config, config_file)
            if conflicts:
                return False, "".join(f"{d.format_text()}\n" for d in conflicts), conflicts
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config, dirty=False)
            finally:
                config.plugins.on_shutdown()
            ok, ending = True, ""
        except MkDocsException as error:  # strict mode's abort, a configuration or build error
            ok, ending = False, error.format_message()
        except OSError:
            raise
        except Exception as error:  # a plugin's or theme's own failure: MkDocs' command line shows its traceback
            ok, ending = False, "".join(traceback.format_exception(error)).rstrip()
    output = "\n".join([*(f"{level:<8}-  {message}" for level, message in log.records), *([ending] if ending else [])])
    problems = [_diagnostic(level, message, root, docs_dir, config_file) for level, message in log.records]
    if not ok and not problems:  # stopped by something it did not log: the reason is the problem
        problems = [Diagnostic(config_file, 0, 0, f"MkDocs could not build the site: {ending}")]
    return ok, output + ("\n" if output else ""), problems


def _zensical(root: Path, config_file: str, staging: Path) -> tuple[bool, str, list[Diagnostic]]:
    """Zensical's build into staging (zensical_build.py), from the configuration as MkDocs loads and checks it
    with the engine's settings applied: a configuration MkDocs refuses, or that conflicts with the engine, is
    reported as it is for a MkDocs build, before Zensical runs."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from compendium.web import zensical_build

    log = _MkDocsLog()
    with _logged_to(log), contextlib.chdir(root):
        try:
            config = load_config(str(root / config_file), strict=True, site_dir=str(staging))
        except MkDocsException as error:
            problem = Diagnostic(config_file, 0, 0, f"the configuration cannot be read: {error.format_message()}")
            return False, problem.format_text() + "\n", [problem]
        conflicts = apply_engine_settings(config, config_file)
    if conflicts:
        return False, "".join(f"{d.format_text()}\n" for d in conflicts), conflicts
    return zensical_build.build(root, config, config_file, staging)


class _MkDocsLog(logging.Handler):
    """MkDocs' warnings and errors (those strict mode counts), by level name and message."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelname, record.getMessage()))


@contextlib.contextmanager
def _logged_to(handler: logging.Handler) -> Iterator[None]:
    """MkDocs' loggers (its plugins' and Material's are under 'mkdocs' too) into handler for the build:
    at WARNING at least, whatever an earlier caller set, and put back as they were."""
    logger = logging.getLogger("mkdocs")
    level = logger.level
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


# MkDocs names the page a problem is in first, quoted, and the link it is about second.
_PAGE = re.compile(r"^(?:Doc file|Error reading page|Error building page|Error reading metadata of page) "
                   r"'(?P<page>.+?)'(?::| contains (?:a link|an unrecognized relative link) '(?P<link>.*?)'|"
                   r" contains a link to '(?P<excluded>.*?)')?")


def _diagnostic(level: str, message: str, root: Path, docs_dir: Path, config_file: str) -> Diagnostic:
    """One of MkDocs' messages as a diagnostic: at the page it names (at the line of the link it is about,
    where that is found), else at the configuration MkDocs was building from."""
    severity: Severity = "warning" if level == "WARNING" else "error"
    match = _PAGE.match(message)
    if match is None:
        return Diagnostic(config_file, 0, 0, message, "reported by MkDocs (--strict: it stops the build)", severity)
    page = docs_dir / match["page"]
    line, column = _find(page, match["link"] or match["excluded"] or "")
    path = display_path(page, root)
    return Diagnostic(path, line, column, message, _made_from(path, root), severity)


def _find(page: Path, link: str) -> tuple[int, int]:
    """Where in page link is first written (line and column, from 1), as a Markdown link target if so; 0, 0
    when it is not found or the page cannot be read."""
    if not link:
        return 0, 0
    try:
        text = page.read_text("utf-8", "replace")
    except OSError:
        return 0, 0
    for needle in (f"]({link}", link):
        at = text.find(needle)
        if at >= 0:
            at += len(needle) - len(link)
            before = text[:at]
            return before.count("\n") + 1, at - (before.rfind("\n") + 1) + 1
    return 0, 0


def _made_from(path: str, root: Path) -> str:
    """For a page the build writes from a data file (docs/claims/<id>.md from claims/<id>.yml), where to fix it."""
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == DOCS_DIR and parts[1] in DATA_FOLDERS:
        for suffix in DATA_SUFFIXES:
            source = f"{parts[1]}/{parts[2].removesuffix('.md')}{suffix}"
            if (root / source).is_file():
                return f"this page is written by the build from {source}: fix it there"
    return "reported by MkDocs (--strict: it stops the build)"


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

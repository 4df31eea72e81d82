"""Faults: a build killed at any stage, corrupt caches, truncated outputs, a full disk, a read-only folder.

After each the previous site is as it was, nothing half-written is left, and the next build (or the
message of this one) is right. The sample is built once, cleanly, and each test works on a copy of it.
Stages are observed from outside the build (through /proc and the staging folder): matplotlib mapped into
the process while it draws the charts, a staging folder being filled by MkDocs (in the build's own process),
MkDocs done (its search index, written last, is there) and the PDF not yet written.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from compendium.charts.draw import OUTPUT as CHARTS_OUTPUT
from compendium.cli import main
from compendium.files import read_record
from compendium.paths import CACHE_DIR
from compendium.pdf import PDF_CACHE, PDF_NAME
from compendium.pdf import _cached as cached_pdf
from compendium.web.site import clean_up_after_killed_builds

from conftest import copy_sample

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="stages are observed through /proc")


@dataclass(frozen=True)
class Clean:
    """The sample built once with nothing in the way, and what it produced."""

    root: Path  # where it was built, and where each test gets a fresh copy of it (the PDF's cache key has the path)
    pristine: Path  # the copy each test's is made from
    chart: str  # the chart's id
    svg: bytes
    csv: bytes
    references: bytes  # docs/references.md
    pdf: bytes
    pages: int
    record: dict[str, Any]  # .cache/pdf/a4.json


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Clean:
    base = tmp_path_factory.mktemp("clean")
    root = copy_sample(base).resolve()
    assert main(["build", "--root", str(root)]) == 0
    pristine = base / "pristine"
    shutil.copytree(root, pristine, symlinks=True)
    (svg,) = (root / "docs" / CHARTS_OUTPUT).glob("*.svg")
    record = read_record(root / PDF_CACHE / "a4.json")
    assert record is not None
    return Clean(root, pristine, svg.stem, svg.read_bytes(), svg.with_suffix(".csv").read_bytes(),
                 (root / "docs/references.md").read_bytes(), (root / "site" / PDF_NAME).read_bytes(),
                 len(PdfReader(root / "site" / PDF_NAME).pages), record)


def _copy(clean: Clean) -> Path:
    """The cleanly built sample (site, docs and caches) as it was built, in the place it was built."""
    shutil.rmtree(clean.root)
    shutil.copytree(clean.pristine, clean.root, symlinks=True)
    return clean.root


def _tree(folder: Path) -> dict[str, str]:
    """Every file under folder, by path, with the SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(root: Path) -> list[Path]:
    """Staging folders and temporary files: what a build must never leave behind."""
    return [*root.glob(".site-*"), *root.rglob(".*.tmp")]


def _assert_output_is_clean(root: Path, clean: Clean) -> None:
    charts = root / "docs" / CHARTS_OUTPUT
    ET.parse(charts / f"{clean.chart}.svg")  # well-formed
    assert (charts / f"{clean.chart}.svg").read_bytes() == clean.svg
    assert (charts / f"{clean.chart}.csv").read_bytes() == clean.csv
    assert (root / "docs/references.md").read_bytes() == clean.references
    assert (root / "site/index.html").is_file()
    assert len(PdfReader(root / "site" / PDF_NAME).pages) == clean.pages
    assert (root / "site" / PDF_NAME).read_bytes() == clean.pdf


# --- Processes, seen through /proc ---


def _processes() -> Iterator[tuple[int, str, int, int]]:
    """Each process: its id, state, parent's id and session id."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            yield int(entry.name), fields[0], int(fields[1]), int(fields[3])


def _live_children(pid: int) -> list[int]:
    return [child for child, state, parent, _ in _processes() if parent == pid and state not in "ZX"]


def _live_in_session(session: int) -> list[int]:
    return [pid for pid, state, _, sid in _processes() if sid == session and state not in "ZX"]


SEARCH_INDEX = "search/search_index.json"  # the last file MkDocs writes (its search plugin's, after every page)


def _at_stage(stage: str, pid: int, root: Path) -> bool:
    staged = [folder for folder in root.glob(".site-*") if any(folder.iterdir())]
    if stage == "charts":
        with contextlib.suppress(OSError):
            return "matplotlib" in Path(f"/proc/{pid}/maps").read_text()
        return False
    if stage == "mkdocs":
        return any(not (folder / SEARCH_INDEX).exists() for folder in staged)
    # pdf: MkDocs has written the whole site, the PDF is not written yet
    return any((folder / SEARCH_INDEX).is_file() and not (folder / PDF_NAME).exists() for folder in staged)


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


# --- Killed ---


@pytest.mark.parametrize("stage", ["charts", "mkdocs", "pdf"])
def test_a_build_killed_at_any_stage_leaves_the_site_and_the_next_build_cleans_up(
        stage: str, clean: Clean, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy(clean)
    site = _tree(root / "site")
    if stage == "charts":
        (root / CACHE_DIR / "charts.json").unlink()  # so that the chart is drawn again
    if stage == "pdf":
        shutil.rmtree(root / PDF_CACHE)  # so that the PDF is laid out again
    build = subprocess.Popen([sys.executable, "-m", "compendium", "build", "--root", str(root)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for(lambda: build.poll() is not None or _at_stage(stage, build.pid, root), 60,
                  f"the {stage} stage was not seen within a minute")
        assert build.poll() is None, f"the build ended before its {stage} stage was seen"
        if stage != "charts":  # MkDocs and Typst run in the build's own process
            assert not _live_children(build.pid)
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        # Nothing the build started outlives it.
        _wait_for(lambda: not _live_in_session(build.pid), 10, "a process of the killed build is still running")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)
    assert _tree(root / "site") == site, "the killed build changed the published site"
    if stage != "charts":
        assert list(root.glob(".site-*")), "the killed build's staging folder is not there to clean up"
    assert main(["build", "--root", str(root)]) == 0, capsys.readouterr().err
    assert not _leftovers(root)
    _assert_output_is_clean(root, clean)


def test_what_killed_builds_left_is_cleaned_up_but_not_a_running_builds_folder(tmp_path: Path) -> None:
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                           text=True, check=True)
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead, legacy, alive = (tmp_path / f".site-{ended.stdout.strip()}-abc", tmp_path / ".site-k2j4_x9q",
                               tmp_path / f".site-{running.pid}-abc")
        for folder in (dead, legacy, alive):
            (folder / "assets").mkdir(parents=True)
            (folder / "assets" / "page.html").write_text("half a site")
        (tmp_path / ".site-99999999999999999999-abc").mkdir()  # no such process id
        (tmp_path / "site-notes").mkdir()
        # Killed between the two renames of its swap: the previous site was moved aside, the new one not in.
        (tmp_path / "site.previous").mkdir()
        (tmp_path / "site.previous" / "index.html").write_text("the previous site")
        clean_up_after_killed_builds(tmp_path / "site")
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, "site-notes", "site"])
        assert (tmp_path / "site" / "index.html").read_text() == "the previous site"
    finally:
        running.kill()
        running.wait()


# --- Corrupt caches and truncated outputs ---


BROKEN = {"unterminated": '{"broken', "empty": "", "a list": "[1]", "a key of another type": '{"key": 1}'}


def _without(record: dict[str, Any], field: str) -> str:
    return json.dumps({k: v for k, v in record.items() if k != field})


def _malformed(variant: str, cache: str, clean: Clean) -> str:
    """The cache file cache (relative to .cache/) made malformed in the way variant names."""
    if variant in BROKEN:
        return BROKEN[variant]
    real = read_record(clean.pristine / CACHE_DIR / cache)
    assert real is not None
    if cache == "charts.json":
        return json.dumps({clean.chart: json.loads(_without(real[clean.chart], "svg"))})
    return _without(real, {"references.json": "formatted", "pages.json": "files", "pdf/a4.json": "pages"}[cache])


VARIANTS = [*BROKEN, "a field missing"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_corrupt_cache_is_a_miss(variant: str, clean: Clean, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy(clean)
    for cache in ("charts.json", "references.json", "pages.json", "pdf/a4.json"):
        (root / CACHE_DIR / cache).write_text(_malformed(variant, cache, clean))
    # A record that lacks a field is the one that can have the right key: the PDF is laid out again.
    edition = tmp_path / "edition.pdf"
    command = ["pdf", "--output", str(edition)] if variant == "a field missing" else ["charts"]
    assert main([*command, "--root", str(root)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "charts: 1 rendered, 0 from the cache" in out
    charts = root / "docs" / CHARTS_OUTPUT
    assert (charts / f"{clean.chart}.svg").read_bytes() == clean.svg
    assert (root / "docs/references.md").read_bytes() == clean.references
    for cache in ("charts.json", "references.json", "pages.json"):  # written again, whole
        assert read_record(root / CACHE_DIR / cache) is not None
    if variant == "a field missing":
        assert "pdf: unchanged" not in out
        assert len(PdfReader(edition).pages) == clean.pages and edition.read_bytes() == clean.pdf
        assert read_record(root / PDF_CACHE / "a4.json") == clean.record
    else:  # nothing is taken from such a record (which cannot have the key: laying out again is the case above)
        assert cached_pdf(root / PDF_CACHE / "a4.pdf", root / PDF_CACHE / "a4.json", clean.record["key"]) is None


@pytest.mark.parametrize("record", [
    {"pages": "11"}, {"pages": True}, {"pages": 0}, {"bytes": 1}, {"sha256": "0" * 64}, {"key": ["x"]}])
def test_a_pdf_record_of_the_wrong_types_is_a_miss(record: dict[str, Any], clean: Clean) -> None:
    cache = clean.pristine / PDF_CACHE
    assert cached_pdf(cache / "a4.pdf", cache / "a4.json", clean.record["key"]) is not None  # the clean one hits
    changed = cache.parent / "changed.json"
    changed.write_text(json.dumps({**clean.record, **record}))
    try:
        assert cached_pdf(cache / "a4.pdf", changed, clean.record["key"]) is None
    finally:
        changed.unlink()


def test_a_truncated_chart_and_cached_pdf_are_made_again(clean: Clean, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy(clean)
    for path in (root / "docs" / CHARTS_OUTPUT / f"{clean.chart}.svg", root / PDF_CACHE / "a4.pdf"):
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert main(["build", "--root", str(root)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "charts: 1 rendered" in out and "pdf: unchanged" not in out
    _assert_output_is_clean(root, clean)
    assert (root / PDF_CACHE / "a4.pdf").read_bytes() == clean.pdf


def test_a_hostile_manifest_removes_nothing_outside_docs(clean: Clean, tmp_path: Path) -> None:
    """docs/.generated may come with a pull request: only the generated files it lists under docs/ go."""
    root = _copy(clean)
    docs = root / "docs"
    outside = [root / "README.md", tmp_path / "victim.txt", root / "notes.txt"]
    for path in outside:
        path.write_text("not generated")
    stale = docs / "claims" / "withdrawn-claim.md"  # generated by an earlier build: removed
    stale.write_text("stale")
    lines = ["../README.md", str(outside[1]), "claims/../../notes.txt", "/etc/hostname", "claims/withdrawn-claim.md"]
    (docs / ".generated").write_text("\n".join(lines) + "\n")
    assert main(["charts", "--root", str(root)]) == 0
    assert all(path.read_text() == "not generated" for path in outside)
    assert Path("/etc/hostname").exists() and not stale.exists()


# --- A full disk, a read-only folder ---


def _fail(monkeypatch: pytest.MonkeyPatch, name: str, code: int, when: Callable[..., Any], named: int) -> None:
    """Make os.<name> fail with code when when(its arguments) holds, as the system would: naming its
    first `named` arguments (a path, or a source and target), or no file (a write)."""
    real = getattr(os, name)

    def failing(*args: Any, **kwargs: Any) -> Any:
        if when(*args):
            paths = [args[0], None, args[1]] if named == 2 else args[:named]
            raise OSError(code, os.strerror(code), *paths)
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, failing)


def _writing(target: Path) -> Callable[..., bool]:
    """Whether os.write(fd, data) writes the temporary file that is to become target."""
    def when(fd: int, _: bytes) -> bool:
        try:
            written = Path(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            return False
        return written.parent == target.parent and written.name.startswith(f".{target.name}.")
    return when


def _read_only(monkeypatch: pytest.MonkeyPatch, folders: list[Path], name: str, when: Callable[..., Any],
               modes: dict[Path, int]) -> int:
    """Make folders read-only with chmod (their modes kept in modes, to be put back), and return EACCES;
    as root, whom chmod does not stop, make os.<name> fail with EROFS when when(its arguments) holds
    instead, as on a read-only mount."""
    if os.geteuid() == 0:
        _fail(monkeypatch, name, errno.EROFS, when, 1)
        return errno.EROFS
    for folder in folders:
        modes[folder] = folder.stat().st_mode & 0o777
        folder.chmod(0o555)
    return errno.EACCES


@pytest.mark.parametrize("case", ["a page, disk full", "a chart, disk full", "the PDF cache, disk full",
                                  "docs/ read-only", "site/ read-only", "site/'s folder read-only"])
def test_a_file_system_error_says_which_path_and_why_and_leaves_the_site(
        case: str, clean: Clean, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy(clean)
    docs, site, cache = root / "docs", root / "site", root / CACHE_DIR
    page = next((docs / "claims").glob("*.md"))
    code, modes = errno.ENOSPC, dict[Path, int]()
    if case == "a page, disk full":
        page.unlink()  # so that it is written again
        expected = page
        _fail(monkeypatch, "write", code, _writing(page), 0)
    elif case == "a chart, disk full":
        (cache / "charts.json").unlink()  # so that it is drawn again
        expected = docs / CHARTS_OUTPUT / f"{clean.chart}.svg"
        _fail(monkeypatch, "write", code, _writing(expected), 0)
    elif case == "the PDF cache, disk full":
        record = json.loads((cache / "pdf/a4.json").read_text())
        (cache / "pdf/a4.json").write_text(json.dumps({**record, "key": "0" * 64}))  # so that it is laid out again
        expected = cache / "pdf/a4.pdf"
        _fail(monkeypatch, "write", code, _writing(expected), 0)
    elif case == "docs/ read-only":
        page.unlink()
        expected = page
        code = _read_only(monkeypatch, [docs, *(p for p in docs.rglob("*") if p.is_dir())], "open",
                          lambda path, flags, *_: flags & os.O_CREAT and Path(path).is_relative_to(docs), modes)
    elif case == "site/ read-only":  # a read-only mount: chmod would not stop the rename
        expected, code = site, errno.EROFS
        _fail(monkeypatch, "rename", code, lambda source, *_: Path(source) == site, 2)
    else:
        expected = root
        code = _read_only(monkeypatch, [root], "mkdir", lambda path, *_: Path(path).name.startswith(".site-"),
                          modes)
    before, caches = _tree(site), _tree(cache)
    try:
        assert main(["build", "--root", str(root)]) == 1
    finally:
        monkeypatch.undo()
        for folder, mode in modes.items():
            folder.chmod(mode)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert f"{expected}" in err and os.strerror(code) in err, err
    assert "the previous site/ was left as it was" in err
    assert _tree(site) == before, "the published site was changed"
    assert _tree(cache) == caches, "a cache file was changed"
    assert not _leftovers(root)

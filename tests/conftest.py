"""Shared fixtures: a fresh copy of the sample compendium for each test that writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

TESTS = Path(__file__).parent
REPO = TESTS.parent
SAMPLE = TESTS / "sample"
BAD_INPUTS = TESTS / "bad_inputs"  # one folder a case, its files replacing the sample's
GENERATED = ("docs/claims", "docs/evidence", "docs/topics", "docs/charts", "docs/series", "docs/references.md",
             "docs/timeline.md", "docs/glossary.md", "docs/about.md", "docs/assets", "docs/.generated", ".cache",
             "site")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite the golden files from the output")


def copy_sample(destination: Path) -> Path:
    """The sample compendium, without anything generated, at destination; the theme path still resolves."""
    root = destination / "tests" / "sample"
    generated = {SAMPLE / g for g in GENERATED}

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {name for name in names if Path(folder) / name in generated}

    shutil.copytree(SAMPLE, root, ignore=ignore)
    (destination / "src").symlink_to(REPO / "src")
    return root


CASE_SETUP = "case.yml"  # in a case folder: the changes that plain files cannot carry (see apply_case)


def copy_bad_input(case: str, destination: Path) -> Path:
    """The sample compendium with the files of tests/bad_inputs/<case> in place of its own, then the
    changes its case.yml describes."""
    root = copy_sample(destination)
    folder = BAD_INPUTS / case
    for source in folder.rglob("*"):
        if source.is_file() and source.name != CASE_SETUP:
            target = root / source.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    if (folder / CASE_SETUP).is_file():
        apply_case(root, yaml.safe_load((folder / CASE_SETUP).read_text("utf-8")))
    return root


def apply_case(root: Path, setup: dict[str, Any]) -> None:
    """What a hostile pull request could hold but a plain file in this repository cannot, or need not:
      remove:   [name]                     files taken away
      replace:  {file: [[old, new], ...]}  text replaced in a sample file (old must be there)
      append:   {file: text}               text added at the end of a file
      files:    {name: text}               files whose names git or editors cannot hold (newlines, length)
      symlinks: {name: target}             symbolic links
      fifos:    [name]                     named pipes
    A text is a string, or a list of strings and [string, times] pairs (see _text)."""
    for name in setup.get("remove", []):
        (root / name).unlink()
    for name, pairs in setup.get("replace", {}).items():
        path = root / name
        text = path.read_text("utf-8")
        for old, new in pairs:
            assert old in text, f"{name} does not hold {old!r}"
            text = text.replace(old, _text(new))
        path.write_text(text, "utf-8")
    for name, text in setup.get("append", {}).items():
        with (root / name).open("ab") as handle:
            handle.write(_bytes(text))
    for name, text in setup.get("files", {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(_bytes(text))
    for name, target in setup.get("symlinks", {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).symlink_to(target)
    for name in setup.get("fifos", []):
        os.mkfifo(root / name)


def _text(spec: str | list[Any]) -> str:
    """A text of a case: a string, or a list of strings and [string, times] pairs, joined (large inputs are
    made when the test runs, not committed)."""
    if isinstance(spec, str):
        return spec
    return "".join(part if isinstance(part, str) else part[0] * part[1] for part in spec)


def _bytes(spec: str | list[Any] | dict[str, Any]) -> bytes:
    """_text as UTF-8, or {latin1: text}: each character one byte, for bytes that are not UTF-8."""
    if isinstance(spec, dict):
        return _text(spec["latin1"]).encode("latin-1")
    return _text(spec).encode("utf-8")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The record in this repository, built once for the whole run (site, search, data and PDF) by the
    command a contributor runs, into a temporary folder."""
    import subprocess
    import sys

    site = tmp_path_factory.mktemp("real") / "site"
    run = subprocess.run([sys.executable, "-m", "compendium", "build", "--root", str(REPO), "--site-dir", str(site)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-5000:]
    return site

"""Shared fixtures: a fresh copy of the sample compendium for each test that writes."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import configuration as hypothesis_configuration
from hypothesis import settings as hypothesis_settings

from compendium.paths import SITE_DIR, is_generated

TESTS = Path(__file__).parent
REPO = TESTS.parent
SAMPLE = TESTS / "sample"
BAD_INPUTS = TESTS / "bad_inputs"  # one folder a case, its files replacing the sample's
HYPOTHESIS_HOME = pytest.StashKey[Path]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite the golden files from the output")


def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis keeps its examples and a table of Unicode in .hypothesis/ of the folder pytest runs in: this
    # run keeps no examples, and the table in a temporary folder removed at the end, so that the tests leave
    # the repository as they found it (pytest's own cache is off: -p no:cacheprovider in pyproject.toml).
    home = Path(tempfile.mkdtemp(prefix="compendium-hypothesis-"))
    config.stash[HYPOTHESIS_HOME] = home
    hypothesis_configuration.set_hypothesis_home_dir(home)
    hypothesis_settings.register_profile("compendium", database=None)
    hypothesis_settings.load_profile("compendium")


def pytest_unconfigure(config: pytest.Config) -> None:
    if HYPOTHESIS_HOME in config.stash:
        shutil.rmtree(config.stash[HYPOTHESIS_HOME], ignore_errors=True)


def copy_compendium(source: Path, root: Path, also_left_out: Iterable[str] = ()) -> Path:
    """The compendium at source copied to root, without anything generated (nor the names also_left_out, at
    its top), links kept as links."""
    left_out = set(also_left_out)

    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder).relative_to(source)
        return {name for name in names if is_generated((here / name).as_posix())
                or (here == Path(".") and name in left_out)}

    shutil.copytree(source, root, ignore=ignore, symlinks=True)
    return root


def copy_sample(destination: Path) -> Path:
    """The sample compendium, without anything generated, at destination; the theme path still resolves."""
    root = copy_compendium(SAMPLE, destination / "tests" / "sample")
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


# What a copy of the record leaves out besides what the build generates: tooling, the engine (linked instead,
# so that everything mkdocs.yml names resolves as in the repository), the tests and the benchmark.
NOT_RECORD = {".git", ".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "__pycache__", "src",
              "tests", "bench", "BENCHMARKS.md"}


@pytest.fixture(scope="session")
def sample_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the sample for the run, for the tests that render it without changing it: rendering writes
    its caches into the compendium's root, which must not be the repository's."""
    return copy_sample(tmp_path_factory.mktemp("sample-copy"))


@pytest.fixture(scope="session")
def real_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the record in this repository (no generated file, no git), built once for the whole run
    (site, search, data and PDF) by the command a contributor runs: no test writes into the repository."""
    import subprocess
    import sys

    destination = tmp_path_factory.mktemp("real")
    root = copy_compendium(REPO, destination / "record", NOT_RECORD)
    (root / "src").symlink_to(REPO / "src")
    run = subprocess.run([sys.executable, "-m", "compendium", "build", "--root", str(root)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-5000:]
    return root


@pytest.fixture(scope="session")
def real_site(real_record: Path) -> Path:
    """The record's built site (see real_record)."""
    return real_record / SITE_DIR

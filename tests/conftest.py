"""Shared fixtures: a fresh copy of the sample compendium for each test that writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
REPO = TESTS.parent
SAMPLE = TESTS / "sample"
BAD_INPUTS = TESTS / "bad_inputs"  # one folder a case, its files replacing the sample's
GENERATED = ("docs/claims", "docs/evidence", "docs/topics", "docs/references.md", "docs/timeline.md",
             "docs/assets", "docs/.generated", ".cache", "site")


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


def copy_bad_input(case: str, destination: Path) -> Path:
    """The sample compendium with the files of tests/bad_inputs/<case> in place of its own."""
    root = copy_sample(destination)
    folder = BAD_INPUTS / case
    for source in folder.rglob("*"):
        if source.is_file():
            target = root / source.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return root


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

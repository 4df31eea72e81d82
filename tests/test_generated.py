"""What the build generates is named once (paths.generated()): the build writes nothing else, the repository's
.gitignore covers it all (once), `compendium clean` removes it all, and pre-commit validates every data file."""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import yaml

from compendium.cli import main
from compendium.paths import (
    BIB_FILE,
    CACHE_DIR,
    CONFIG_FILE,
    DATA_FOLDERS,
    DATA_SUFFIXES,
    DOCS_DIR,
    GENERATED_DOCS,
    MANIFEST,
    SINGLE_FILES,
    SITE_DIR,
    STAGING,
    generated,
    is_generated,
)
from compendium.pipeline import build

from conftest import REPO, copy_sample


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def _example(name: str) -> str:
    """A path that the generated name stands for: a file inside a folder, a pattern's "*" filled in (for
    the staging folders, as one of no process: process 0)."""
    return name.replace("*", "0-x") + ("file" if name.endswith("/") else "")


def test_the_build_writes_what_paths_names_and_nothing_else(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    before = _files(root)
    assert not [name for name in before if is_generated(name)]
    assert build(root).site_ok
    written = _files(root) - before
    assert [name for name in sorted(written) if not is_generated(name)] == []
    # The build's manifest of what it wrote under docs/ lists nothing else either.
    listed = (root / DOCS_DIR / MANIFEST).read_text("utf-8").splitlines()
    assert listed and [name for name in listed if not is_generated(f"{DOCS_DIR}/{name}")] == []
    assert (root / SITE_DIR / "index.html").is_file()


def test_every_generated_name_is_one_the_record_build_writes(real_record: Path) -> None:
    """No stale name in paths.py: the record (which has every kind of file the sample has, and series) writes
    each one under docs/ and the site and its caches at its root."""
    assert [name for name in GENERATED_DOCS if not (real_record / DOCS_DIR / name).exists()] == []
    assert (real_record / SITE_DIR).is_dir() and (real_record / CACHE_DIR).is_dir()


def test_gitignore_covers_every_generated_output_once() -> None:
    lines = [line.strip() for line in (REPO / ".gitignore").read_text("utf-8").splitlines()]
    rules = [line for line in lines if line and not line.startswith("#")]
    assert [rule for rule, count in Counter(rules).items() if count > 1] == []
    examples = [f"{prefix}{_example(name)}" for prefix in ("", "tests/sample/") for name in generated()]
    # --no-index: whether the rules ignore the path, whatever git holds.
    run = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=REPO, input="\n".join(examples),
                         capture_output=True, text=True, check=False)
    assert run.returncode in (0, 1), run.stderr
    assert sorted(set(examples) - set(run.stdout.splitlines())) == []


def test_clean_removes_every_generated_output_and_nothing_else(sample: Path, tmp_path: Path) -> None:
    before = _files(sample)
    for name in generated():
        path = sample / _example(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("generated\n")
    # A generated name that is a link (a pull request can hold one) is removed, never what it points to.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the compendium's\n")
    (sample / DOCS_DIR / "claims").rename(sample / "moved")
    (sample / DOCS_DIR / "claims").symlink_to(outside, target_is_directory=True)
    # The folder a build still running is building its site in is left to it.
    running = sample / f"{STAGING}{os.getppid()}-abc"
    running.mkdir()
    assert main(["clean", "--root", str(sample)]) == 0
    assert _files(sample) == before | {"moved/file"}
    assert [p.name for p in sample.glob(f"{STAGING}*")] == [running.name]
    assert (outside / "keep.txt").is_file()
    assert main(["clean", "--root", str(sample)]) == 0  # nothing left to remove is no error


def test_pre_commit_validates_every_data_file() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text("utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    pattern = re.compile(hooks["compendium-validate"]["files"])
    names = [*(f"{folder}/x{suffix}" for folder in DATA_FOLDERS for suffix in DATA_SUFFIXES),
             *SINGLE_FILES.values(), BIB_FILE, CONFIG_FILE]
    assert [name for name in names if not pattern.search(name)] == []

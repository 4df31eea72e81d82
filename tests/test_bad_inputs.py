"""One broken input per kind of error, each with the exact problems it must produce (tests/bad_inputs/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compendium.cli import main
from compendium.pipeline import check

from conftest import BAD_INPUTS, copy_bad_input

CASES = BAD_INPUTS
EXPECTED = yaml.safe_load((CASES / "expected.yml").read_text("utf-8"))


def test_every_case_folder_has_expectations() -> None:
    folders = {p.name for p in CASES.iterdir() if p.is_dir()}
    assert folders == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_input_gives_exactly_its_problems(case: str, tmp_path: Path) -> None:
    root = copy_bad_input(case, tmp_path)
    report, compendium = check(root)
    found = [{"at": f"{d.path}:{d.line}:{d.column}", "severity": d.severity, "message": d.message, "hint": d.hint}
             for d in report.sorted()]
    assert found == EXPECTED[case]
    assert report.failed(strict=True)
    if report.errors:
        assert compendium is None
    strict = [] if report.errors else ["--strict"]
    assert main(["validate", "--root", str(root), *strict]) == 1


def test_validate_command_exits_1_and_names_every_problem(tmp_path: Path) -> None:
    root = copy_bad_input("several-problems", tmp_path)
    run = subprocess.run([sys.executable, "-m", "compendium", "validate", "--root", str(root)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    for line in ("claims/most-participants-keep-walking.yml:2:1: error: unknown field 'titel'",
                 "    hint: did you mean 'title'?",
                 "claims/most-participants-keep-walking.yml:22:11: error: 'misleadin' is not an allowed value",
                 "claims/most-participants-keep-walking.yml:27:9: error: unknown evidence id "
                 "'annual-report-retentoin'"):
        assert line in run.stderr
    assert "3 error(s), 0 warning(s)" in run.stderr


def test_github_format_annotates_each_line(tmp_path: Path) -> None:
    root = copy_bad_input("unknown-evidence", tmp_path)
    run = subprocess.run([sys.executable, "-m", "compendium", "validate", "--root", str(root), "--format", "github"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert ("::error file=claims/most-participants-keep-walking.yml,line=27,col=9::unknown evidence id "
            "'annual-report-retentoin' (did you mean 'annual-report-retention'?)") in run.stderr.splitlines()


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    root = copy_bad_input("unused-items", tmp_path)
    command = [sys.executable, "-m", "compendium", "validate", "--root", str(root)]
    assert subprocess.run(command, capture_output=True, check=False).returncode == 0
    assert subprocess.run([*command, "--strict"], capture_output=True, check=False).returncode == 1


def test_failed_build_writes_nothing(tmp_path: Path) -> None:
    root = copy_bad_input("unknown-evidence", tmp_path)
    run = subprocess.run([sys.executable, "-m", "compendium", "build", "--root", str(root)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "nothing was written" in run.stderr
    assert not (root / "docs" / "claims").exists()
    assert not (root / "site").exists()

"""One broken input per kind of error, each with the exact problems it must produce (tests/bad_inputs/)."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from compendium.cli import main
from compendium.pipeline import check

from conftest import BAD_INPUTS, copy_bad_input

CASES = BAD_INPUTS
EXPECTED_FILE = CASES / "expected.yml"
EXPECTED_HEADER = """\
# The exact problems each bad input in this folder must produce (one folder per error kind: its files replace
# the sample compendium's, and its case.yml makes the changes plain files cannot). Regenerate with
# `make golden`, and read every change before committing it.
"""
EXPECTED = yaml.safe_load(EXPECTED_FILE.read_text("utf-8"))
# One GitHub workflow command: ::error or ::warning, escaped properties, then the escaped message.
WORKFLOW_COMMAND = re.compile(r"::(error|warning) file=[^,:\n]*,line=[0-9]+,col=[0-9]+::[^\n]*")


def without_today(message: str) -> str:
    """The message with today's date as {today}, so that the expectations hold on any day."""
    return message.replace(datetime.date.today().isoformat(), "{today}")


@pytest.fixture(scope="module")
def found_problems(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """Each case's problems as found; with --update-golden, written to expected.yml once every case ran
    (read every change in the diff before committing it)."""
    found: dict[str, Any] = {}
    yield found
    if request.config.getoption("--update-golden") and found:
        EXPECTED.update(found)
        text = yaml.safe_dump({k: EXPECTED[k] for k in sorted(EXPECTED)}, width=120, allow_unicode=False)
        EXPECTED_FILE.write_text(EXPECTED_HEADER + text, "utf-8")


def test_every_case_folder_has_expectations() -> None:
    folders = {p.name for p in CASES.iterdir() if p.is_dir()}
    assert folders == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_bad_input_gives_exactly_its_problems(case: str, tmp_path: Path, found_problems: dict[str, Any],
                                              capsys: pytest.CaptureFixture[str],
                                              request: pytest.FixtureRequest) -> None:
    root = copy_bad_input(case, tmp_path)
    report, compendium = check(root)
    found = [{"at": f"{d.path}:{d.line}:{d.column}", "severity": d.severity, "message": without_today(d.message),
              "hint": d.hint} for d in report.sorted()]
    found_problems[case] = found
    if not request.config.getoption("--update-golden"):
        assert found == EXPECTED.get(case)
    assert report.failed(strict=True)
    if report.errors:
        assert compendium is None
    strict = [] if report.errors else ["--strict"]
    capsys.readouterr()
    assert main(["validate", "--root", str(root), *strict]) == 1
    # The build stops before writing anything: the previous site is left exactly as it was.
    site = root / "site"
    site.mkdir()
    (site / "index.html").write_text("the previous site", "utf-8")
    assert main(["build", "--root", str(root), *strict]) == 1
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text("utf-8") == "the previous site"
    assert not list(root.glob(".site-*")) and not (root / "docs" / "claims").exists()
    # In GitHub's format every problem is exactly one workflow command, whatever its file name or text holds.
    capsys.readouterr()
    assert main(["validate", "--root", str(root), "--format", "github", *strict]) == 1
    lines = capsys.readouterr().err.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(report.sorted()) and all(WORKFLOW_COMMAND.fullmatch(c) for c in commands), lines
    assert all(line.startswith("::") for line in lines[:-1]) and not lines[-1].startswith("::")


def test_validate_command_exits_1_and_names_every_problem(tmp_path: Path) -> None:
    root = copy_bad_input("several-problems", tmp_path)
    run = subprocess.run([sys.executable, "-m", "compendium", "validate", "--root", str(root)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    for line in ("claims/most-participants-keep-walking.yml:2:1: error: unknown field 'titel'",
                 "    hint: did you mean 'title'?",
                 "claims/most-participants-keep-walking.yml:23:11: error: 'misleadin' is not an allowed value",
                 "claims/most-participants-keep-walking.yml:30:9: error: unknown evidence id "
                 "'annual-report-retentoin'"):
        assert line in run.stderr
    assert "3 error(s), 0 warning(s)" in run.stderr


def test_github_format_annotates_each_line(tmp_path: Path) -> None:
    root = copy_bad_input("unknown-evidence", tmp_path)
    run = subprocess.run([sys.executable, "-m", "compendium", "validate", "--root", str(root), "--format", "github"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert ("::error file=claims/most-participants-keep-walking.yml,line=30,col=9::unknown evidence id "
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

"""MkDocs in the build's own process: its warnings and errors reach our report with their file, and one
process can build again and again (MkDocs' loggers and the current folder are left as they were found;
a warning seen in one build is counted again in the next, as strict mode needs)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from compendium.cli import main
from compendium.pipeline import build
from compendium.web.site import build_site

BROKEN_LINK = "[the method, misspelt](methd.md)"


def _break_home_page(root: Path) -> int:
    """A link to no page added to the hand-written home page, on a line of its own: that line's number."""
    home = root / "docs" / "index.md"
    lines = home.read_text("utf-8").splitlines()
    lines += ["", f"See {BROKEN_LINK}."]
    home.write_text("\n".join(lines) + "\n", "utf-8")
    return len(lines)


def _mkdocs_state() -> tuple[int, list[logging.Handler], list[logging.Filter | object], str]:
    logger = logging.getLogger("mkdocs")
    return logger.level, list(logger.handlers), list(logging.getLogger("mkdocs.commands.build").filters), os.getcwd()


def test_builds_again_and_again_in_one_process(sample: Path, tmp_path: Path) -> None:
    before = _mkdocs_state()
    first = build(sample, pdf=False)
    assert first.site_ok and first.site_output == "" and first.site_problems == []
    assert _mkdocs_state() == before
    marker = sample / "site" / "marker.txt"
    marker.write_text("the first build's site")

    line = _break_home_page(sample)
    for attempt in (1, 2):  # the same warning twice: counted, and reported, each time
        failed = build(sample, pdf=False)
        assert failed.site_ok is False, attempt
        (problem,) = failed.site_problems
        assert (problem.path, problem.line, problem.severity) == ("docs/index.md", line, "warning")
        assert problem.column == len("See [the method, misspelt](") + 1
        assert "'methd.md'" in problem.message and "methd.md" in failed.site_output
        assert "Aborted with 1 warnings in strict mode!" in failed.site_output
        assert marker.read_text() == "the first build's site", "the failed build changed the published site"
        assert _mkdocs_state() == before

    home = sample / "docs" / "index.md"
    home.write_text(home.read_text("utf-8").replace("(methd.md)", "(method.md)"), "utf-8")
    again = build(sample, pdf=False)
    assert again.site_ok and again.site_problems == [] and again.site_output == ""
    assert not marker.exists(), "the site was not replaced"
    built = (sample / "site" / "index.html").read_text("utf-8")
    assert "the method, misspelt" in built and 'href="method/"' in built  # this build's page, not a cached one
    assert _mkdocs_state() == before


def test_a_problem_in_a_generated_page_names_the_data_file_it_is_written_from(sample: Path) -> None:
    assert build(sample, pdf=False).site_ok
    page = sample / "docs" / "claims" / "most-participants-keep-walking.md"
    with page.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{BROKEN_LINK}\n")
    outcome = build_site(sample, sample / "site")
    assert not outcome.ok
    (problem,) = outcome.problems
    assert problem.path == "docs/claims/most-participants-keep-walking.md" and problem.line > 1
    assert "claims/most-participants-keep-walking.yml" in problem.hint


def test_a_problem_of_the_configuration_is_at_mkdocs_yml(sample: Path) -> None:
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("nav:\n", "nav:\n  - Missing: no-such-page.md\n", 1),
                      "utf-8")
    assert "no-such-page.md" in config.read_text("utf-8")
    result = build(sample, pdf=False)
    assert result.site_ok is False
    assert [(p.path, p.severity) for p in result.site_problems] == [("mkdocs.yml", "warning")]
    assert "no-such-page.md" in result.site_problems[0].message


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_the_command_prints_mkdocs_problems_at_their_file(sample: Path, fmt: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    line = _break_home_page(sample)
    assert main(["build", "--root", str(sample), "--no-pdf", "--format", fmt]) == 1
    err = capsys.readouterr().err
    if fmt == "text":
        assert f"docs/index.md:{line}:{len('See [the method, misspelt](') + 1}: warning: Doc file 'index.md'" in err
    else:
        assert f"::warning file=docs/index.md,line={line},col=" in err
    assert "mkdocs build --strict failed: the previous site/ was left as it was" in err
    assert "Traceback" not in err

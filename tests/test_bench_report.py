"""The benchmark's report (bench/report.py and its templates): written from a fixed set of results
(tests/bench/results.json) it is byte for byte what bench/run.py wrote before the report became templates
(the golden files in tests/bench/, made by that code from the same results); and a partial run (`--only`,
`--pdf-only`, `--builders-only`) replaces only its own sections and the targets, keeping every other section
of the report, BENCHMARKS.md's included, and its notes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bench import report
from bench.report import (
    BUILDERS_HEADING,
    KEPT_BY_A_FULL_RUN,
    NOTES_BEGIN,
    PDF_HEADING,
    TARGETS_HEADING,
    builders_section,
    full_report,
    kept_notes,
    kept_section,
    kept_targets,
    partial_report,
    pdf_section,
    splice_section,
)
from bench.results import Results, builders_from_data, results_from_data

HERE = Path(__file__).resolve().parent / "bench"
BENCHMARKS = HERE.parent.parent / "BENCHMARKS.md"


@pytest.fixture(scope="module")
def fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / "results.json").read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def previous() -> str:
    return (HERE / "previous.md").read_text("utf-8")


def _same(request: pytest.FixtureRequest, golden: str, text: str) -> None:
    """text is the golden file's (with --update-golden, after a template changed on purpose, it becomes it)."""
    if request.config.getoption("--update-golden", default=False):
        (HERE / golden).write_text(text, "utf-8")
    assert text == (HERE / golden).read_text("utf-8")


def _full(fixture: dict[str, Any], previous: str, results: Results, runs: int, load: tuple[str, str],
          elapsed: float) -> str:
    kept = {heading: kept_section(previous, heading) for heading in KEPT_BY_A_FULL_RUN}
    return full_report(results, fixture["machine"], runs, load, kept_notes(previous), elapsed, kept,
                       kept_targets(previous), fixture["now"])


def test_the_full_report_is_the_golden_one(request: pytest.FixtureRequest, fixture: dict[str, Any],
                                           previous: str) -> None:
    results = results_from_data(fixture["results"])
    _same(request, "full.md", _full(fixture, previous, results, fixture["runs"], tuple(fixture["load"]),
                                    fixture["elapsed"]))


def test_a_full_run_keeps_the_sections_it_did_not_measure(request: pytest.FixtureRequest, fixture: dict[str, Any],
                                                          previous: str) -> None:
    results = results_from_data(fixture["results"])
    bare = Results(scenarios=results.scenarios[1:3])
    for scenario in bare.scenarios:
        scenario.pdf = []
    text = _full(fixture, previous, bare, 1, ("?", "?"), 60.0)
    _same(request, "full-kept.md", text)
    for heading in KEPT_BY_A_FULL_RUN:
        assert kept_section(previous, heading) and kept_section(text, heading) == kept_section(previous, heading)
    assert kept_notes(text).strip() == kept_notes(previous).strip()


def _only(fixture: dict[str, Any]) -> Results:
    """What an `--only serve,validate,big` run measures: those sections, no build nor PDF."""
    full = results_from_data(fixture["results"])
    return Results(big=full.big, serve=full.serve, validations=full.validations, measured=full.measured)


def test_an_only_run_replaces_its_sections_and_the_targets(request: pytest.FixtureRequest, fixture: dict[str, Any],
                                                           previous: str) -> None:
    text, printed = partial_report(previous, _only(fixture))
    _same(request, "only.md", text)
    assert printed.startswith("\n## Preview") and "## Validation" in printed and "## The whole site" in printed


def test_a_pdf_only_and_a_builders_only_run(request: pytest.FixtureRequest, fixture: dict[str, Any],
                                            previous: str) -> None:
    scenarios = results_from_data(fixture["results"]).scenarios
    _same(request, "pdf-only.md", splice_section(previous, PDF_HEADING, pdf_section(scenarios, fixture["pdf_when"])))
    section = builders_section(builders_from_data(fixture["builders"]), fixture["builders_when"])
    _same(request, "builders-only.md", splice_section(previous, BUILDERS_HEADING, section))


def _sections(text: str) -> dict[str, str]:
    """Each '## ' section of the report before its notes, by heading."""
    body = text.split(NOTES_BEGIN, 1)[0]
    return {line: kept_section(body + NOTES_BEGIN, line) for line in body.splitlines() if line.startswith("## ")}


@pytest.mark.parametrize("report_file", [BENCHMARKS, HERE / "previous.md"], ids=["BENCHMARKS.md", "previous.md"])
def test_a_partial_run_keeps_every_other_section_of_the_report(fixture: dict[str, Any], report_file: Path) -> None:
    """Today's BENCHMARKS.md through an `--only` run: every section it does not measure, and the notes, as they
    were; the targets it did not measure keep their lines, marked as kept."""
    existing = report_file.read_text("utf-8")
    results = _only(fixture)
    text, _ = partial_report(existing, results)
    before, after = _sections(existing), _sections(text)
    replaced = {*results.measured, TARGETS_HEADING}
    assert set(before) - replaced and set(after) == set(before) | replaced
    for heading in set(before) - replaced:
        assert after[heading] == before[heading], heading
    assert kept_notes(text) == kept_notes(existing) and kept_notes(text).strip()
    kept = [line for line in after[TARGETS_HEADING].splitlines() if line.endswith(report.EARLIER)]
    assert any("PDF" in line for line in kept)  # this run measured no PDF: its targets are the last run's


def test_the_goldens_can_fail(fixture: dict[str, Any], previous: str) -> None:
    """A figure changed in the results changes the report: the comparisons above are not vacuous."""
    data = json.loads(json.dumps(fixture["results"]))
    data["scenarios"][0]["claims"] += 1
    text = _full(fixture, previous, results_from_data(data), fixture["runs"], tuple(fixture["load"]),
                 fixture["elapsed"])
    golden = (HERE / "full.md").read_text("utf-8")
    assert text != golden and re.sub(r"\| real record \| 22 \|", "| real record | 21 |", text) == golden

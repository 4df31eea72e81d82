"""What a run of the benchmark measured, as plain data: each compendium's runs, the preview's edits, the
validations, the builders' runs and the profile's hot spots. The report is written from these alone
(report.py); results_from_data reads them back from JSON (the report's tests render a fixed set)."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.measure import Run

HotSpot = tuple[str, float, float, int]  # function, cumulative time, own time, calls
Hot = tuple[float, list[HotSpot], list[HotSpot]]  # the profile's total time, the engine's, anywhere


@dataclass
class Scenario:
    """One compendium, several runs."""
    name: str
    claims: int = 0
    charts: int = 0
    pages: int = 0
    cold: list[Run] = field(default_factory=list)
    noop: list[Run] = field(default_factory=list)
    plain: list[Run] = field(default_factory=list)
    pdf: list[Run] = field(default_factory=list)
    claim_page_sizes: list[int] = field(default_factory=list)
    problem: str = ""

    def median(self, runs: str, value: Callable[[Run], float | None]) -> float | None:
        values = [v for v in (value(r) for r in getattr(self, runs)) if v is not None]
        return statistics.median(values) if values else None

    def stage(self, runs: str, name: str) -> float | None:
        return self.median(runs, lambda r: r.report.get("timings", {}).get(name))


@dataclass
class ServeResult:
    claim: str = ""
    pages: int = 0
    # Per edit, alternately: seconds from the file written to the page served with the new text, and the CPU
    # seconds the server's process tree used meanwhile.
    ours: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)
    plain_cpu: list[float] = field(default_factory=list)
    load: tuple[str, str] = ("?", "?")
    problem: str = ""


@dataclass
class Validation:
    name: str
    counts: str = ""  # what it checked, as the command says it
    checks: list[float] = field(default_factory=list)  # load + validate + resolve, as the command times it
    walls: list[float] = field(default_factory=list)  # the whole process: interpreter, imports, checks
    cpus: list[float] = field(default_factory=list)
    problem: str = ""


@dataclass
class BuilderRun:
    label: str
    builder: str
    run: Run
    pages: int
    search_bytes: int


Builders = dict[str, list[BuilderRun] | str]  # compendium -> its builders' runs, or the problem that stopped them


@dataclass
class Results:
    """What one run of the benchmark measured."""
    scenarios: list[Scenario] = field(default_factory=list)
    big: list[Scenario] = field(default_factory=list)  # --big-sizes: cold builds only
    serve: ServeResult | None = None
    validations: list[Validation] = field(default_factory=list)
    hot: Hot | None = None
    hot_name: str = ""
    # The sections --only can pick that this run measured ({heading: when and under what load}).
    measured: dict[str, str] = field(default_factory=dict)

    def failed(self) -> bool:
        return (any(s.problem for s in self.scenarios + self.big) or any(v.problem for v in self.validations)
                or (self.serve is not None and bool(self.serve.problem)))


def _run(data: dict[str, Any]) -> Run:
    return Run(**data)


def _scenario(data: dict[str, Any]) -> Scenario:
    runs = {key: [_run(r) for r in data.get(key, [])] for key in ("cold", "noop", "plain", "pdf")}
    return Scenario(**{**data, **runs})


def results_from_data(data: dict[str, Any]) -> Results:
    """Results from their JSON form (dataclasses.asdict of a Results)."""
    serve = data.get("serve")
    hot = data.get("hot")
    return Results(
        scenarios=[_scenario(s) for s in data.get("scenarios", [])], big=[_scenario(s) for s in data.get("big", [])],
        serve=ServeResult(**{**serve, "load": tuple(serve["load"])}) if serve else None,
        validations=[Validation(**v) for v in data.get("validations", [])],
        hot=(hot[0], [tuple(r) for r in hot[1]], [tuple(r) for r in hot[2]]) if hot else None,
        hot_name=data.get("hot_name", ""), measured=data.get("measured", {}))


def builders_from_data(data: dict[str, Any]) -> Builders:
    return {name: runs if isinstance(runs, str) else [BuilderRun(**{**r, "run": _run(r["run"])}) for r in runs]
            for name, runs in data.items()}

"""Schema validation's fast path (jsonschema-rs) against the python path (python-jsonschema) it stands in front
of: both must call the same documents valid, and the fast path must never pass one the python path rejects."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest

from compendium.input.load import FOLDERS, load_sources
from compendium.schemas import FORMATS, KINDS, explain_errors, fast_valid, validate, validator
from compendium.yamlfile import YamlDocument

from conftest import BAD_INPUTS, REPO, SAMPLE, copy_bad_input

CASES = BAD_INPUTS


def _documents(root: Path) -> list[tuple[YamlDocument, str]]:
    """Every document validate_sources checks under root, with the kind it is checked as."""
    sources, _ = load_sources(root)
    found = [(document, kind) for folder, kind in FOLDERS.items()
             for document in sources.items.get(folder, {}).values()]
    singles = ((sources.topics, "topics"), (sources.timeline, "timeline"), (sources.redirects, "redirects"))
    return [*found, *((document, kind) for document, kind in singles if document is not None)]


def _disagreements(documents: list[tuple[YamlDocument, str]]) -> list[str]:
    """The documents whose verdicts differ, or whose problems differ from the python path's alone."""
    wrong = []
    for document, kind in documents:
        fast, python = fast_valid(document.data, kind), validator(kind).is_valid(document.data)
        if fast != python:
            wrong.append(f"{document.display} ({kind}): fast path says valid={fast}, python path valid={python}")
        elif validate(document, kind) != [d for d in explain_errors(document, kind)
                                          if (d.line, d.column) not in document.flagged]:
            wrong.append(f"{document.display} ({kind}): validate() differs from the python path's problems")
    return wrong


def test_both_paths_check_the_same_formats_and_only_those() -> None:
    # The fast path checks the project's own formats and ignores the rest. Were another format checked by the
    # python path alone, the fast path would pass values it rejects: teach both the same formats.
    for kind in KINDS:
        checker = validator(kind).format_checker
        assert checker is not None and set(checker.checkers) == set(FORMATS)
    dates = ["2021-02-28", "2021-02-29", "2020-02-29", "0000", "2999", "2023-13", "2023-02-30", "1999-12"]
    for date in dates:
        assert fast_valid(date, "timeline") == validator("timeline").is_valid(date)
        document = [{"date": date, "title": "An event", "source": {"ref": "x", "locator": "p. 1", "quote": "q",
                                                                    "verification": "verified"}}]
        assert fast_valid(document, "timeline") == validator("timeline").is_valid(document) == \
            (date in ("2021-02-28", "2020-02-29", "1999-12")), date


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_paths_agree_on_every_bad_input(case: str, tmp_path: Path) -> None:
    assert _disagreements(_documents(copy_bad_input(case, tmp_path))) == []


def test_bad_inputs_include_documents_the_schemas_reject(tmp_path: Path) -> None:
    # Without these, the agreement above could hold because every document was valid.
    rejected = set()
    for case in ("bad-date", "bad-enum", "missing-field", "unknown-field", "wrong-type", "several-problems"):
        documents = _documents(copy_bad_input(case, tmp_path / case))
        rejected.update(case for document, kind in documents if not fast_valid(document.data, kind))
    assert rejected == {"bad-date", "bad-enum", "missing-field", "unknown-field", "wrong-type", "several-problems"}


@pytest.mark.parametrize("root", [SAMPLE, REPO], ids=["sample", "record"])
def test_paths_agree_on_valid_compendiums(root: Path) -> None:
    documents = _documents(root)
    assert len(documents) >= 8
    assert _disagreements(documents) == []
    assert all(fast_valid(document.data, kind) for document, kind in documents)


# Values a contributor's YAML can hold, chosen to sit on the edges where the two libraries could differ:
# patterns ($ before a trailing newline), lengths in code points, integers past 64 bits, NaN and infinity,
# bool among numbers, bytes (!!binary), a lone surrogate ("\ud800"), duplicates under uniqueItems.
_EDGES: list[Any] = [
    "", "x", "abc", "abc\n", "Abc", "a-b", "a--b", "a" * 80, "a" * 81, "é" * 5, "😀" * 121, "\ud800",
    "2020", "2020-06", "2020-06\n", "2020/06", "2020-13", "2021-02-31", "misleadin", "misleading", "supports",
    "percent", "verified", 0, 1, -1, 1.0, 1.5, -0.0, 5e-324, 2**63, 2**64, -(2**64), 10**30, float("nan"),
    float("inf"), -float("inf"), True, False, None, b"abc", [], {}, ["a", "a"], ["a", "b"], [1, 1.0], {"x": 1},
]


def _places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    places = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            places.extend(_places(value, (*path, key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            places.extend(_places(value, (*path, i)))
    return places


def _mutant(data: Any, rng: random.Random) -> Any:
    """data with one change: a value replaced by an edge case, a field dropped or added, a list item doubled."""
    data = copy.deepcopy(data)
    path = rng.choice(_places(data))
    parent, target = None, data
    for step in path:
        parent, target = target, target[step]
    change = rng.randrange(4)
    if change == 1 and isinstance(parent, dict):
        del parent[path[-1]]
    elif change == 2 and isinstance(target, dict):
        target[rng.choice(["titel", "id", "note", "value", "low", "extra"])] = copy.deepcopy(rng.choice(_EDGES))
    elif change == 3 and isinstance(target, list) and target:
        target.append(copy.deepcopy(target[0]))
    elif parent is not None:
        parent[path[-1]] = copy.deepcopy(rng.choice(_EDGES))
    else:
        return copy.deepcopy(rng.choice(_EDGES))
    return data


def test_fast_path_never_passes_what_the_python_path_rejects() -> None:
    rng = random.Random(20261125)  # Fixed: the same mutants on every run.
    verdicts = []
    for document, kind in _documents(SAMPLE):
        for _ in range(120):
            data = _mutant(document.data, rng)
            verdicts.append((kind, data, fast_valid(data, kind), validator(kind).is_valid(data)))
    passed_wrongly = [(kind, data) for kind, data, fast, python in verdicts if fast and not python]
    assert passed_wrongly == []
    # Both outcomes occur, so the comparison is not empty on either side.
    assert any(python for *_, python in verdicts) and not all(python for *_, python in verdicts)

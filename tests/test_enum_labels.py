"""The words readers see for enum values are written once, in the schemas beside the enum (x-labels, and the
other maps named in common.schema.json's description): every enum of words has its labels, unless it is
listed below with the reason nobody reads it; each map names every value of its enum and nothing else; and
the engine's constants (wording.py and the others) are those maps, read from the schemas."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from compendium.schemas import KINDS, enum_values, labels, schema

# Enums whose values no reader is shown, each with the reason: these alone need no x-labels.
UNLABELLED = {
    ("chart", "properties/kind"): "how a chart is drawn: readers see the chart, never the kind's name",
    ("claim", "properties/claimant/properties/kind"): "picks schema.org's Person or Organization in a page's data",
    ("common", "$defs/id/not"): "ids reserved for the pages the build writes, not values a field takes",
    ("common", "$defs/mirror_host"): "hosts refused as sources: only validation's messages name them",
}


def enums(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every enum of words in a schema: (its path, its node)."""
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list) and all(isinstance(v, str) for v in node["enum"]):
            yield "/".join(path), node
        for key, sub in node.items():
            yield from enums(sub, (*path, key))
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from enums(sub, (*path, str(i)))


def label_problems(schemas: dict[str, dict[str, Any]]) -> list[str]:
    """What is wrong with the labels of the schemas' enums: '' for none."""
    problems = []
    for kind, tree in schemas.items():
        for path, node in enums(tree):
            values = node["enum"]
            if "x-labels" not in node and (kind, path) not in UNLABELLED:
                problems.append(f"{kind}: {path} has no x-labels")
            if "x-labels" in node and (kind, path) in UNLABELLED:
                problems.append(f"{kind}: {path} has x-labels but is listed as shown to nobody")
            for keyword, words in node.items():
                if not keyword.startswith("x-") or not isinstance(words, dict):
                    continue
                problems += [f"{kind}: {path} {keyword} has no word for {v!r}" for v in values if v not in words]
                problems += [f"{kind}: {path} {keyword} names {k!r}, not a value of the enum"
                             for k in words if k not in values]
                problems += [f"{kind}: {path} {keyword} gives {k!r} an empty word" for k, w in words.items()
                             if keyword != "x-rating-values" and not (isinstance(w, str) and w.strip())]
    return problems


def _schemas() -> dict[str, dict[str, Any]]:
    return {kind: schema(kind) for kind in (*KINDS, "common")}


def test_every_enum_shown_to_readers_has_a_label_for_every_value_and_no_other() -> None:
    assert label_problems(_schemas()) == []
    found = {(kind, path) for kind, tree in _schemas().items() for path, _ in enums(tree)}
    assert set(UNLABELLED) <= found  # an exception for an enum that is gone is stale


def test_a_missing_or_stray_label_is_found() -> None:
    """The check above fails when a label is removed, or names a value the enum does not have."""
    schemas = copy.deepcopy(_schemas())
    design = schemas["evidence"]["properties"]["quality"]["properties"]["design"]
    del design["x-labels"]["rct"]
    schemas["claim"]["$defs"]["rating"]["x-enum-descriptions"]["true"] = "Not a verdict."
    del schemas["series"]["additionalProperties"]["properties"]["frequency"]["x-labels"]
    assert label_problems(schemas) == [
        "claim: $defs/rating x-enum-descriptions names 'true', not a value of the enum",
        "evidence: properties/quality/properties/design x-labels has no word for 'rct'",
        "series: additionalProperties/properties/frequency has no x-labels",
    ]


QUALITY = ("evidence", "properties", "quality", "properties")
SIDE = ("claim", "properties", "claimant", "properties", "side")
STANCE = ("claim", "properties", "evidence", "items", "properties", "stance")
CERTAINTY = ("common", "$defs", "certainty")
RATING = ("claim", "$defs", "rating")


def test_the_engines_words_for_values_are_the_schemas() -> None:
    # Imported here: with a label missing they fail to import, and the tests above still say which it is.
    from compendium import wording
    from compendium.authoring import new_compendium, synth
    from compendium.pdf import document

    expected = [
        (wording.VERIFICATION, labels("common", "$defs", "verification")),
        (wording.INDEPENDENCE, labels(*QUALITY, "independent")),
        (wording.INDEPENDENT_SHORT, labels(*QUALITY, "independent", which="x-short-labels")),
        (wording.DESIGNS, labels(*QUALITY, "design")),
        (wording.SIDES, labels(*SIDE)),
        (dict(wording.SIDE_GROUPS), labels(*SIDE, which="x-group-labels")),
        (wording.STANCE_LABELS, labels(*STANCE)),
        (wording.STANCE_WORDS, labels(*STANCE, which="x-short-labels")),
        (wording.CERTAINTY, labels(*CERTAINTY)),
        (wording.CERTAINTY_SYMBOLS, labels(*CERTAINTY, which="x-symbols")),
        (document.CERTAINTIES, labels(*CERTAINTY, which="x-enum-descriptions")),
        (wording.FREQUENCIES, labels("series", "additionalProperties", "properties", "frequency")),
        ({r: wording.rating_label(r) for r in enum_values(*RATING)}, labels(*RATING)),
        (new_compendium.VERDICT_WORDS, labels(*RATING, which="x-short-descriptions")),
    ]
    for constant, words in expected:
        assert list(constant.items()) == list(words.items())  # the same words, in the enum's order
    assert labels(*QUALITY, "design")["rct"] == "randomised controlled trial"
    # Both grades of certainty (an evidence item's, a verdict's) are the shared scale.
    for kind, *path in ((*QUALITY, "certainty"), ("claim", "properties", "verdict", "properties", "certainty")):
        assert enum_values(kind, *path) == enum_values(*CERTAINTY)
        assert labels(kind, *path) == labels(*CERTAINTY)
    synthetic = (synth.RATINGS, synth.DESIGNS, synth.STANCES, synth.SIDES, synth.CERTAINTIES)
    schemas = (enum_values(*RATING), enum_values(*QUALITY, "design"), enum_values(*STANCE), enum_values(*SIDE),
               enum_values(*CERTAINTY))
    assert synthetic == schemas

"""Stage 2, validate: each file against its schema, then the rules a schema cannot state."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from compendium.diagnostics import Diagnostic
from compendium.input.load import FOLDERS, Sources
from compendium.input.placeholders import placeholder_problems
from compendium.intake import MAX_YAML_BYTES, IntakeError, read_limited, visible
from compendium.paths import DOCS_DIR, METHOD_ANCHORS, METHOD_PAGE
from compendium.schemas import schema, validate
from compendium.wording import rating_label
from compendium.yamlfile import YamlDocument


def validate_sources(sources: Sources) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for folder, kind in FOLDERS.items():
        for document in sources.items.get(folder, {}).values():
            found = validate(document, kind)
            problems.extend(found)
            rules = _RULES.get(kind)
            if rules and not found and not document.flagged:  # The rules read fields the schema has checked.
                problems.extend(rules(document))
    for kind, document in sources.singles.items():
        problems.extend(validate(document, kind))
    for kind, document in sources.config.items():
        problems.extend(validate(document, kind))
    problems.extend(check_method_page(sources.root, _verdict_labels(sources)))
    problems.extend(placeholder_problems(sources))
    return problems


def required_method_anchors() -> list[str]:
    """The anchors of docs/method.md that the generated pages link to."""
    ratings = schema("claim")["$defs"]["rating"]["enum"]
    return [*METHOD_ANCHORS, *(f"verdict-{rating}" for rating in ratings)]


_ANCHOR = re.compile(r"\{[^}\n]*#([A-Za-z0-9_-]+)[^}\n]*\}|\bid=[\"']([A-Za-z0-9_-]+)")
_HEADING = re.compile(r"^#{1,6}[ \t]+([^{\n]*?)[ \t]*(?:\{[^}\n]*\})?[ \t]*$", re.M)


def _slug(heading: str) -> str:
    """A heading's anchor as Python-Markdown's toc extension makes it (its slugify), without importing it."""
    ascii_text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", ascii_text).strip().lower())


def _verdict_labels(sources: Sources) -> dict[str, str]:
    """The labels mkdocs.yml's extra.verdicts gives, where they are text (the schema checks the rest)."""
    document = sources.config.get("verdicts")
    worded = document.data["extra"]["verdicts"] if document is not None else {}
    if not isinstance(worded, dict):
        return {}
    return {str(rating): words["label"] for rating, words in worded.items()
            if isinstance(words, dict) and isinstance(words.get("label"), str)}


def check_method_page(root: Path, labels: dict[str, str] | None = None) -> list[Diagnostic]:
    """Every anchor the generated pages link to must be on the compendium's own method page. labels: the
    compendium's words for verdicts (extra.verdicts), for the heading the hint suggests."""
    display = f"{DOCS_DIR}/{METHOD_PAGE}"
    try:
        text = read_limited(root / DOCS_DIR / METHOD_PAGE, MAX_YAML_BYTES).decode("utf-8", "replace")
    except IntakeError as refused:
        return [Diagnostic(display, 0, 0, f"the method page cannot be read: {refused.message}",
                           "write docs/method.md: how claims are rated; every claim page links to it")]
    found = {a or b for a, b in _ANCHOR.findall(text)}
    # A heading with no anchor written gets one from its words, as MkDocs' toc extension makes it.
    found.update(_slug(m.group(1)) for m in _HEADING.finditer(text))
    missing = [anchor for anchor in required_method_anchors() if anchor not in found]
    if not missing:
        return []
    # The hint's example is the heading the first missing anchor needs, a verdict's in the compendium's words.
    first = missing[0]
    rating = first.removeprefix("verdict-")
    if first.startswith("verdict-"):
        words = visible((labels or {}).get(rating) or rating_label(rating))
    else:
        words = first.replace("-", " ").capitalize()
    level = "###" if first.startswith("verdict-") else "##"
    return [Diagnostic(display, 0, 0, f"the method page lacks the anchor(s) the claim pages link to: "
                       f"{', '.join(missing)}", "give each a heading with the anchor written after it, e.g. "
                       f"'{level} {' '.join(words.split())} {{ #{first} }}'")]


def _claim_rules(document: YamlDocument) -> Iterator[Diagnostic]:
    data = document.data
    history = data["history"]
    dates = [entry["date"] for entry in history]
    for i in range(1, len(dates)):
        if dates[i] < dates[i - 1]:
            yield document.diagnostic(("history", i, "date"), "history entries must be oldest first",
                                      f"{dates[i]} comes after {dates[i - 1]}; reorder them")
    if history[-1]["rating"] != data["verdict"]["rating"]:
        yield document.diagnostic(
            ("verdict", "rating"), "the verdict differs from the newest history entry",
            f"add a dated history entry with rating '{data['verdict']['rating']}' saying why it changed")
    if "figure" in data:
        yield from _figure_rules(document, ("figure",), data["figure"])
    seen: dict[str, int] = {}
    for i, link in enumerate(data["evidence"]):
        if link["id"] in seen:
            yield document.diagnostic(("evidence", i, "id"), f"evidence '{link['id']}' is listed twice",
                                      f"it is already item {seen[link['id']] + 1}; keep one")
        seen.setdefault(link["id"], i)


def _evidence_rules(document: YamlDocument) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for i, finding in enumerate(document.data["findings"]):
        yield from _figure_rules(document, ("findings", i), finding)
        if "id" in finding:
            if finding["id"] in seen:
                yield document.diagnostic(("findings", i, "id"), f"duplicate finding id '{finding['id']}'",
                                          "give each finding of the item its own id")
            seen.add(finding["id"])


def _figure_rules(document: YamlDocument, path: tuple[str | int, ...], figure: dict[str, Any]) \
        -> Iterator[Diagnostic]:
    if "low" in figure and "high" in figure and figure["low"] > figure["high"]:
        yield document.diagnostic((*path, "low"), "low is above high", "swap them")
    elif "value" in figure and not figure.get("low", figure["value"]) <= figure["value"] <= \
            figure.get("high", figure["value"]):
        yield document.diagnostic((*path, "value"), f"value {figure['value']} is outside its own range "
                                  f"{figure.get('low', '')}..{figure.get('high', '')}",
                                  "check the value and the range: the value lies between low and high")
    numerator, denominator = figure.get("numerator"), figure.get("denominator")
    if numerator is not None and denominator is not None:
        if numerator > denominator:
            yield document.diagnostic((*path, "numerator"), "the numerator is larger than the denominator",
                                      "check which count is which")
        elif figure["unit"] == "percent" and "value" in figure:
            computed = 100 * numerator / denominator
            if abs(computed - figure["value"]) > 0.5:
                yield document.diagnostic(
                    (*path, "value"), f"value {figure['value']} differs from numerator/denominator "
                    f"({computed:.1f}%)", "check the counts, or say in 'computed' or 'definition' why "
                    "the source's rate is not their ratio", severity="warning")


# A chart has no rule of its own beyond its schema: what it cites (each value an evidence item's figure) is
# checked by resolve.py, which sees the evidence.
_RULES = {"claim": _claim_rules, "evidence": _evidence_rules}

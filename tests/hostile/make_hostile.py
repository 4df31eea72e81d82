"""Turn a copy of the sample compendium into a hostile one: every free-text field holds a payload."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from compendium.schemas import resolve_ref, schema

PAYLOADS: list[str] = yaml.safe_load((Path(__file__).parent / "payloads.yml").read_text("utf-8"))


def free_text_paths(kind: str) -> set[str]:
    """Paths (a.b[].c) of string fields with no enum, pattern or format: where contributors write prose."""
    return set(free_text_fields(kind))


def free_text_fields(kind: str) -> dict[str, tuple[int, int]]:
    """Each free-text path with its (minLength, maxLength)."""
    found: dict[str, tuple[int, int]] = {}

    def walk(node: dict[str, Any], current: str, path: str) -> None:
        node, current = resolve_ref(node, current)
        if node.get("type") == "string" and not ({"enum", "pattern", "format"} & node.keys()):
            found[path] = (node.get("minLength", 1), node.get("maxLength", 5000))
        for name, sub in node.get("properties", {}).items():
            walk(sub, current, f"{path}.{name}".lstrip("."))
        if isinstance(node.get("items"), dict):
            walk(node["items"], current, f"{path}[]")
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], current, f"{path}.*".lstrip("."))

    walk(schema(kind), f"{kind}.schema.json", "")
    return found


Fill = Callable[[str, str], str]  # (kind, path of the field) -> the field's new text


def poison(data: Any, paths: set[str], fill: Callable[[str], str], path: str = "") -> Any:
    if isinstance(data, dict):
        return {k: poison(v, paths, fill, f"{path}.{k}".lstrip(".") if f"{path}.{k}".lstrip(".") in paths
                          or any(p.startswith(f"{path}.{k}".lstrip(".")) for p in paths) else
                          f"{path}.*".lstrip(".")) for k, v in data.items()}
    if isinstance(data, list):
        return [poison(v, paths, fill, f"{path}[]") for v in data]
    if isinstance(data, str) and path in paths:
        return fill(path)
    return data


def in_turn(payloads: list[str]) -> Fill:
    """Each field the next payload."""
    cycle = itertools.cycle(payloads)
    return lambda kind, path: next(cycle)


def stacked(payloads: list[str]) -> Fill:
    """Each field as many payloads as fit, one a paragraph, each field starting one further along: so
    every payload starts a paragraph of a long text, where block-level Markdown would be read."""
    turn = itertools.count()

    def fill(kind: str, path: str) -> str:
        shortest, longest = free_text_fields(kind)[path] if kind != "bib" else (1, 300)
        start = next(turn) % len(payloads)
        text = ""
        for payload in payloads[start:] + payloads[:start]:
            longer = f"{text}\n\n{payload}" if text else payload
            if len(longer) > longest:
                if len(text) >= shortest:
                    break
                continue
            text = longer
        return text
    return fill


def make_hostile(root: Path, fill: Fill | None = None) -> None:
    """Every free-text field of the compendium at root, and every BibTeX title, rewritten by fill
    (by default: each the next payload)."""
    fill = fill or in_turn(PAYLOADS)
    for folder, kind in (("claims", "claim"), ("evidence", "evidence"), ("charts", "chart")):
        for path in (root / folder).glob("*.yml"):
            data = yaml.safe_load(path.read_text("utf-8"))
            path.write_text(yaml.safe_dump(poison(data, free_text_paths(kind), partial(fill, kind)),
                                           allow_unicode=True), "utf-8")
    for name, kind in (("topics.yml", "topics"), ("timeline.yml", "timeline")):
        data = yaml.safe_load((root / name).read_text("utf-8"))
        (root / name).write_text(yaml.safe_dump(poison(data, free_text_paths(kind), partial(fill, kind)),
                                                allow_unicode=True), "utf-8")
    bib = (root / "references.bib").read_text("utf-8")
    bib = re.sub(r"title\s*=\s*\{(.*)\},?\n", lambda m: "title = {" + _bib(fill("bib", "title")) + "},\n", bib)
    (root / "references.bib").write_text(bib, "utf-8")


def _bib(text: str) -> str:
    # BibTeX values are brace-delimited: keep braces balanced so the entry still parses.
    return text.replace("{", "(").replace("}", ")").replace("\n", " ")

"""Turn a copy of the sample compendium into a hostile one: every free-text field holds a payload."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import yaml

from compendium.schemas import resolve_ref, schema

PAYLOADS: list[str] = yaml.safe_load((Path(__file__).parent / "payloads.yml").read_text("utf-8"))


def free_text_paths(kind: str) -> set[str]:
    """Paths (a.b[].c) of string fields with no enum, pattern or format: where contributors write prose."""
    found: set[str] = set()

    def walk(node: dict[str, Any], current: str, path: str) -> None:
        node, current = resolve_ref(node, current)
        if node.get("type") == "string" and not ({"enum", "pattern", "format"} & node.keys()):
            found.add(path)
        for name, sub in node.get("properties", {}).items():
            walk(sub, current, f"{path}.{name}".lstrip("."))
        if isinstance(node.get("items"), dict):
            walk(node["items"], current, f"{path}[]")
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], current, f"{path}.*".lstrip("."))

    walk(schema(kind), f"{kind}.schema.json", "")
    return found


def poison(data: Any, paths: set[str], payloads: itertools.cycle, path: str = "") -> Any:  # type: ignore[type-arg]
    if isinstance(data, dict):
        return {k: poison(v, paths, payloads, f"{path}.{k}".lstrip(".") if f"{path}.{k}".lstrip(".") in paths
                          or any(p.startswith(f"{path}.{k}".lstrip(".")) for p in paths) else
                          f"{path}.*".lstrip(".")) for k, v in data.items()}
    if isinstance(data, list):
        return [poison(v, paths, payloads, f"{path}[]") for v in data]
    if isinstance(data, str) and path in paths:
        return next(payloads)
    return data


def make_hostile(root: Path) -> None:
    payloads = itertools.cycle(PAYLOADS)
    for folder, kind in (("claims", "claim"), ("evidence", "evidence"), ("charts", "chart")):
        for path in (root / folder).glob("*.yml"):
            data = yaml.safe_load(path.read_text("utf-8"))
            path.write_text(yaml.safe_dump(poison(data, free_text_paths(kind), payloads), allow_unicode=True),
                            "utf-8")
    for name, kind in (("topics.yml", "topics"), ("timeline.yml", "timeline")):
        data = yaml.safe_load((root / name).read_text("utf-8"))
        (root / name).write_text(yaml.safe_dump(poison(data, free_text_paths(kind), payloads), allow_unicode=True),
                                 "utf-8")
    bib = (root / "references.bib").read_text("utf-8")
    bib = re.sub(r"title\s*=\s*\{(.*)\},?\n", lambda m: "title = {" + _bib(next(payloads)) + "},\n", bib)
    (root / "references.bib").write_text(bib, "utf-8")


def _bib(text: str) -> str:
    # BibTeX values are brace-delimited: keep braces balanced so the entry still parses.
    return text.replace("{", "(").replace("}", ")").replace("\n", " ")

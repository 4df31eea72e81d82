"""`compendium new claim|evidence|chart <id>`: a new data file with every field, each under a comment
from the schema saying what belongs there, filled with the schema's examples so that it validates at
once. Fields that point at other items are filled with ids that exist, to be replaced."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from compendium.intake import quote
from compendium.load import FOLDERS, Sources
from compendium.schemas import id_problem, resolve_ref, schema

# Optional fields left commented out: filled in, they would contradict the example's other fields.
_COMMENTED = {"low", "high", "numerator", "denominator"}
_KIND_FOLDER = {kind: folder for folder, kind in FOLDERS.items()}


class ScaffoldError(Exception):
    pass


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _comment(node: dict[str, Any], indent: str, width: int = 100) -> list[str]:
    words, lines, line = str(node.get("description", "")).split(), [], ""
    for word in words:
        if len(indent) + 2 + len(line) + len(word) > width and line:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    if "enum" in node:
        lines.append("Allowed: " + ", ".join(str(v) for v in node["enum"]))
    return [f"{indent}# {text}" for text in lines]


def _example(node: dict[str, Any], fills: dict[str, Any], path: str) -> Any:
    if path in fills:
        return fills[path]
    if "examples" in node:
        return node["examples"][0]
    if "enum" in node:
        return node["enum"][0]
    return {"boolean": False, "integer": 1, "number": 1, "array": []}.get(str(node.get("type")), "")


def _emit(node: dict[str, Any], current: str, indent: str, fills: dict[str, Any], path: str) -> list[str]:
    node, current = resolve_ref(node, current)
    lines: list[str] = []
    for name, sub in node.get("properties", {}).items():
        sub, sub_file = resolve_ref(sub, current)
        sub_path = f"{path}.{name}".lstrip(".")
        lines.extend(_comment(sub, indent))
        prefix = f"{indent}# " if name in _COMMENTED else indent
        if sub.get("type") == "object" and "properties" in sub:
            lines.append(f"{prefix}{name}:")
            lines.extend(_emit(sub, sub_file, indent + "  ", fills, sub_path))
        elif sub.get("type") == "array":
            items, items_file = resolve_ref(sub.get("items", {}), sub_file)
            if items.get("type") == "object" and sub_path not in fills:
                lines.append(f"{prefix}{name}:")
                body = _emit(items, items_file, indent + "    ", fills, f"{sub_path}[]")
                first = next(i for i, line in enumerate(body) if not line.lstrip().startswith("#"))
                body[first] = f"{indent}  - {body[first].lstrip()}"
                lines.extend(body)
            else:
                lines.append(f"{prefix}{name}: {_scalar(_example(sub, fills, sub_path))}")
        else:
            lines.append(f"{prefix}{name}: {_scalar(_example(sub, fills, sub_path))}")
    return lines


def _fills(kind: str, sources: Sources) -> dict[str, Any]:
    bib = next(iter(sources.references), None)
    topic = next(iter(sources.topics.data), None) if sources.topics and isinstance(sources.topics.data, dict) \
        else None
    evidence = next(iter(sorted(sources.evidence)), None)
    today = datetime.date.today().isoformat()
    missing = [what for what, value in (("a reference in references.bib", bib), ("a topic in topics.yml", topic))
               if value is None]
    if kind == "claim" and evidence is None:
        missing.append("an evidence item in evidence/")
    if missing:
        raise ScaffoldError(f"a new {kind} needs {' and '.join(missing)} to point at; add that first")
    # An example quote is not a checked one: until it is replaced, the file says so.
    fills: dict[str, Any] = {"source.ref": bib, "also_made_in[].ref": bib, "topics": [topic], "charts": [],
                             "source.verification": "unverified", "also_made_in[].verification": "unverified",
                             "evidence[].id": evidence, "history[].date": today,
                             "responses[].source.ref": bib, "responses[].source.verification": "unverified",
                             "responses[].date": today, "corrections[].date": today}
    if kind == "chart":
        point = _plottable_finding(sources)
        if point is None:
            raise ScaffoldError("a new chart needs an evidence item with a finding (with an id and a single value) "
                                "to plot; add one first")
        fills.update({"series[].points[].evidence": point[0], "series[].points[].finding": point[1],
                      "unit": point[2]})
    return fills


def _plottable_finding(sources: Sources) -> tuple[str, str, str] | None:
    for evidence_id, document in sorted(sources.evidence.items()):
        for finding in document.data.get("findings", []) if isinstance(document.data, dict) else []:
            if isinstance(finding, dict) and "id" in finding and "value" in finding:
                return evidence_id, str(finding["id"]), str(finding.get("unit"))
    return None


def new_item(kind: str, item_id: str, root: Path, sources: Sources) -> Path:
    """Write folder/<item_id>.yml for kind and return its path; refuse a bad or existing id."""
    if why := id_problem(item_id):
        raise ScaffoldError(f"{quote(item_id)} {why}: use lowercase letters, digits and single hyphens, "
                            "starting with a letter, e.g. completion-rate-62-percent")
    folder = _KIND_FOLDER[kind]
    path = root / folder / f"{item_id}.yml"
    if path.exists() or (root / folder / f"{item_id}.yaml").exists():
        raise ScaffoldError(f"{folder}/{item_id}.yml already exists: choose another id, or edit that file")
    header = [f"# yaml-language-server: $schema=../src/compendium/schemas/{kind}.schema.json",
              f"# A new {kind}, made by `compendium new {kind} {item_id}`. Every value below is an example from",
              "# the schema, or an existing id to point at: replace each with the real one, following the comment",
              "# above it. Lines starting with '# name:' are optional fields; remove the '# ' to use one.",
              "# Check with `make validate`.", ""]
    body = _emit(schema(kind), f"{kind}.schema.json", "", _fills(kind, sources), "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(header + body) + "\n", "utf-8")
    return path

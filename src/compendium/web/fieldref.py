"""The field reference page, generated from the JSON Schemas so that it cannot drift from them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from compendium.paths import CONFIG_FILE, CONFIG_PARTS, DATA_FOLDERS, SINGLE_FILES
from compendium.schemas import resolve_ref, schema

# The kinds of data file, where each lives, in the order the page lists them.
FILES = (*((kind, f"{folder}/<id>.yml") for folder, kind in DATA_FOLDERS.items()), *SINGLE_FILES.items(),
         *((part, f"{CONFIG_FILE}, under {'.'.join(keys)}") for part, keys in CONFIG_PARTS.items()))


@dataclass(frozen=True)
class FieldRow:
    path: str
    type: str
    required: bool
    description: str
    allowed: tuple[str, ...]
    example: str


def _type(node: dict[str, Any]) -> str:
    kind = node.get("type", "")
    if kind == "array":
        items, _ = resolve_ref(node.get("items", {}), "common.schema.json")
        return f"list of {_type(items)}"
    return {"object": "fields", "string": "text", "number": "number", "integer": "whole number",
            "boolean": "true/false"}.get(str(kind), str(kind) or "any")


def field_rows(kind: str) -> list[FieldRow]:
    rows: list[FieldRow] = []

    def walk(node: dict[str, Any], current: str, path: str) -> None:
        node, current = resolve_ref(node, current)
        required = set(node.get("required", []))
        for name, sub in node.get("properties", {}).items():
            sub, sub_file = resolve_ref(sub, current)
            sub_path = f"{path}.{name}".lstrip(".")
            example = sub.get("examples", [None])[0]
            rows.append(FieldRow(sub_path, _type(sub), name in required, str(sub.get("description", "")),
                                 tuple(str(v) for v in sub.get("enum", [])),
                                 "" if example is None or isinstance(example, dict | list)
                                 else json.dumps(example, ensure_ascii=False)))
            if sub.get("type") == "object":
                walk(sub, sub_file, sub_path)
                if isinstance(sub.get("additionalProperties"), dict):
                    walk(sub["additionalProperties"], sub_file, f"{sub_path}.<id>")
            elif sub.get("type") == "array":
                walk(sub.get("items", {}), sub_file, f"{sub_path}[]")
        if isinstance(node.get("additionalProperties"), dict) and not path:
            walk(node["additionalProperties"], current, "<id>")
        if node.get("type") == "array" and not path:
            walk(node.get("items", {}), current, "[]")

    walk(schema(kind), f"{kind}.schema.json", "")
    return rows


def field_sections() -> list[tuple[str, str, str, list[FieldRow]]]:
    """(kind, file, the schema's description, rows) for each kind of data file."""
    return [(kind, file, str(schema(kind).get("description", "")), field_rows(kind)) for kind, file in FILES]

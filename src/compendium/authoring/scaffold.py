"""`compendium new claim|evidence|chart|topic|reference <id>`: a new data file (or a new entry of topics.yml or
references.bib) with every field, each under a comment from the schema saying what belongs there, filled with
the schema's examples. Each example text is marked as a placeholder (placeholders.MARK): the file validates at
once, with a warning for each placeholder, and --strict refuses it until every one is replaced. Fields that
point at other items are filled with ids that exist; where none does yet, with the schema's example id, and
the command says how to add it."""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compendium.bibliography import load_references
from compendium.files import write_file
from compendium.input.load import FOLDERS, Sources
from compendium.input.placeholders import MARK
from compendium.intake import quote
from compendium.paths import BIB_FILE, SINGLE_FILES
from compendium.schemas import id_problem, key_problem, resolve_ref, schema
from compendium.yamlfile import YamlError, load_yaml

# Optional fields left commented out: filled in, they would contradict the example's other fields (a range
# beside a value), or point at what a new compendium lacks (an evidence item's series, from series.yml; by
# schema file and path, since a chart's series is another field).
_COMMENTED = {"low", "high", "numerator", "denominator"}
_COMMENTED_BLOCKS = {("evidence.schema.json", "series")}
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


def _example(node: dict[str, Any], current: str, fills: dict[str, Any], path: str) -> Any:
    if path in fills:
        return fills[path]
    if "examples" in node:
        return _placeholder(node["examples"][0], node, current)
    if "enum" in node:
        return node["enum"][0]
    return {"boolean": False, "integer": 1, "number": 1, "array": []}.get(str(node.get("type")), "")


def _placeholder(value: Any, node: dict[str, Any], current: str) -> Any:
    """An example text marked as a placeholder where the field takes free text, so that validation names it
    until it is replaced. Ids, dates, keys and values from a list are left as they are: marked, they would
    not be valid at all."""
    if isinstance(value, str) and _free_text(node):
        return f"{MARK} {value}"
    if isinstance(value, list) and "items" in node:
        items, items_file = resolve_ref(node["items"], current)
        return [_placeholder(item, items, items_file) for item in value]
    return value


def _free_text(node: dict[str, Any]) -> bool:
    return node.get("type") == "string" and not any(rule in node for rule in ("enum", "const", "format", "pattern"))


def _emit(node: dict[str, Any], current: str, indent: str, fills: dict[str, Any], path: str) -> list[str]:
    node, current = resolve_ref(node, current)
    lines: list[str] = []
    for name, sub in node.get("properties", {}).items():
        sub, sub_file = resolve_ref(sub, current)
        sub_path = f"{path}.{name}".lstrip(".")
        lines.extend(_comment(sub, indent))
        block = (current, sub_path) in _COMMENTED_BLOCKS
        prefix = f"{indent}# " if name in _COMMENTED or block else indent
        if sub.get("type") == "object" and "properties" in sub:
            lines.append(f"{prefix}{name}:")
            body = _emit(sub, sub_file, indent + "  ", fills, sub_path)
            if block:  # the whole block, so that removing each '# ' gives the field
                body = [line if line.lstrip().startswith("#") else f"{line[:len(line) - len(line.lstrip())]}# "
                        f"{line.lstrip()}" for line in body]
            lines.extend(body)
        elif sub.get("type") == "array":
            items, items_file = resolve_ref(sub.get("items", {}), sub_file)
            if items.get("type") == "object" and sub_path not in fills:
                lines.append(f"{prefix}{name}:")
                body = _emit(items, items_file, indent + "    ", fills, f"{sub_path}[]")
                first = next(i for i, line in enumerate(body) if not line.lstrip().startswith("#"))
                body[first] = f"{indent}  - {body[first].lstrip()}"
                lines.extend(body)
            else:
                lines.append(f"{prefix}{name}: {_scalar(_example(sub, sub_file, fills, sub_path))}")
        else:
            lines.append(f"{prefix}{name}: {_scalar(_example(sub, sub_file, fills, sub_path))}")
    return lines


def _fills(kind: str, sources: Sources) -> tuple[dict[str, Any], list[str]]:
    """The values that point at other items, and what is still to do where there is none to point at yet (the
    file then names the schema's example id, and the note says which command adds it)."""
    todo: list[str] = []

    def existing(found: str | None, example: str, what: str, command: str) -> str:
        if found is not None:
            return found
        todo.append(f"it points at {what} {quote(example)}, which does not exist yet: add it with "
                    f"`compendium new {command} {example}`, or point at one that exists")
        return example

    common = schema("common")["$defs"]
    bib = existing(next(iter(sources.references), None), common["bib_key"]["examples"][0], "the reference",
                   "reference")
    topics = sources.topics.data if sources.topics and isinstance(sources.topics.data, dict) else {}
    topic = existing(next(iter(topics), None), _topic_example(), "the topic", "topic")
    today = datetime.date.today().isoformat()
    # An example quote is not a checked one: until it is replaced, the file says so.
    fills: dict[str, Any] = {"source.ref": bib, "also_made_in[].ref": bib, "topics": [topic], "topic": topic,
                             "charts": [],
                             "source.verification": "unverified", "also_made_in[].verification": "unverified",
                             "history[].date": today, "responses[].source.ref": bib,
                             "responses[].source.verification": "unverified", "responses[].date": today,
                             "corrections[].date": today}
    if kind == "claim":
        example = schema("claim")["properties"]["evidence"]["examples"][0][0]["id"]
        fills["evidence[].id"] = existing(next(iter(sorted(sources.evidence)), None), example, "the evidence item",
                                          "evidence")
    if kind == "chart":
        point = _plottable_finding(sources)
        if point is None:
            example = schema("chart")["properties"]["series"]["examples"][0][0]["points"][0]["evidence"]
            finding = common["figure"]["properties"]["id"]["examples"][0]
            todo.append(f"it plots the finding {quote(finding)} of the evidence item {quote(example)}, which does "
                        f"not exist yet: add it with `compendium new evidence {example}`, or point at a finding "
                        "(with an id and a single value) of an item that exists")
            point = (example, finding, common["unit"]["examples"][0])
        fills.update({"series[].points[].evidence": point[0], "series[].points[].finding": point[1],
                      "unit": point[2]})
    return fills, todo


def _topic_example() -> str:
    return str(next(iter(schema("topics")["examples"][0])))


def _plottable_finding(sources: Sources) -> tuple[str, str, str] | None:
    for evidence_id, document in sorted(sources.evidence.items()):
        for finding in document.data.get("findings", []) if isinstance(document.data, dict) else []:
            if isinstance(finding, dict) and "id" in finding and "value" in finding:
                return evidence_id, str(finding["id"]), str(finding.get("unit"))
    return None


@dataclass(frozen=True)
class Written:
    """What `compendium new` wrote, and what is still to do before the new item validates."""

    path: Path
    todo: list[str]


# Where a compendium kept apart from the engine keeps copies of the schemas, for editors' schema lines.
SCHEMA_COPIES = "schemas"
_ENGINE_SCHEMAS = Path(__file__).parent.parent / "schemas"
_HOW_TO_EDIT = ["Replace every text starting with REPLACE: with the real one, following the comment",
                "above it, and check every other value: ids point at items that exist, dates and numbers are",
                "examples. Until each REPLACE: text is replaced, `compendium validate` warns about it and",
                "`compendium validate --strict` refuses it."]


def schema_folder(root: Path) -> str:
    """Where the data files' schema lines point, relative to root: the engine's own schemas where the
    compendium is kept with the engine's source (the repository of the engine and its first record), else the
    copies in schemas/, which `compendium init` and `compendium new` keep the same as the engine's."""
    own = root / "src" / "compendium" / "schemas"
    if own.is_dir() and own.resolve() == _ENGINE_SCHEMAS.resolve():
        return "src/compendium/schemas"
    return SCHEMA_COPIES


def write_schema_copies(root: Path) -> None:
    """Make root/schemas/ hold the engine's schemas (written only where one differs), unless the compendium
    is kept with the engine's source."""
    if schema_folder(root) != SCHEMA_COPIES:
        return
    for source in sorted(_ENGINE_SCHEMAS.glob("*.schema.json")):
        target = root / SCHEMA_COPIES / source.name
        content = source.read_bytes()
        if not target.is_file() or target.is_symlink() or target.read_bytes() != content:
            write_file(target, content)


def schema_line(root: Path, kind: str, depth: int) -> str:
    """The yaml-language-server line naming the schema of a file depth folders below root."""
    return f"# yaml-language-server: $schema={'../' * depth}{schema_folder(root)}/{kind}.schema.json"


def new_item(kind: str, item_id: str, root: Path, sources: Sources) -> Written:
    """Write folder/<item_id>.yml for kind; refuse a bad or existing id."""
    if why := id_problem(item_id):
        raise ScaffoldError(f"{quote(item_id)} {why}: use lowercase letters, digits and single hyphens, "
                            "starting with a letter, e.g. completion-rate-62-percent")
    folder = _KIND_FOLDER[kind]
    path = root / folder / f"{item_id}.yml"
    if os.path.lexists(path) or os.path.lexists(root / folder / f"{item_id}.yaml"):
        raise ScaffoldError(f"{folder}/{item_id}.yml already exists: choose another id, or edit that file")
    header = [schema_line(root, kind, 1),
              f"# A new {kind}, made by `compendium new {kind} {item_id}`.", *(f"# {line}" for line in _HOW_TO_EDIT),
              "# Lines starting with '# name:' are optional fields; remove the '# ' to use one.", ""]
    fills, todo = _fills(kind, sources)
    body = _emit(schema(kind), f"{kind}.schema.json", "", fills, "")
    write_schema_copies(root)
    write_file(path, "\n".join(header + body) + "\n")
    return Written(path, todo)


def _unreadable(sources: Sources, what: str, name: str) -> None:
    if what in sources.unread_files and os.path.lexists(sources.root / name):
        raise ScaffoldError(f"{name} cannot be read as it is: run `compendium validate`, fix the problems it "
                            f"names in {name}, then run this again")


def _append(path: Path, addition: str, added: Callable[[], bool], what: str) -> None:
    """Add text at the end of path; should the file not then hold what was added (a file written in a form
    the addition does not fit), put it back as it was and say so."""
    before = path.read_bytes() if path.is_file() else None
    text = (before or b"").decode("utf-8", "replace")
    if text and not text.endswith("\n"):
        text += "\n"
    write_file(path, f"{text}{chr(10) if text.strip() else ''}{addition}")
    if not added():
        if before is None:
            path.unlink()
        else:
            write_file(path, before)
        raise ScaffoldError(f"{path.name} did not take the new {what} (it is not written in the usual form): "
                            f"add it by hand, as {path.name}'s schema describes; {path.name} was left as it was")


def new_topic(topic_id: str, root: Path, sources: Sources) -> Written:
    """Add a topic to topics.yml (made if there is none), with a comment on each field."""
    if why := id_problem(topic_id):
        raise ScaffoldError(f"{quote(topic_id)} {why}: use lowercase letters, digits and single hyphens, "
                            "starting with a letter, e.g. waiting-times")
    name = SINGLE_FILES["topics"]
    _unreadable(sources, "topics", name)
    document = sources.topics
    if document is not None and document.data is not None and not isinstance(document.data, dict):
        raise ScaffoldError(f"{name} is not a mapping of topics: run `compendium validate` and fix it first")
    if document is not None and isinstance(document.data, dict) and topic_id in document.data:
        raise ScaffoldError(f"the topic {quote(topic_id)} is already in {name}: choose another id, or edit it there")
    path = root / name
    lines = [] if os.path.lexists(path) else [schema_line(root, "topics", 0),
                                               "# The topics claims and evidence are filed under.", ""]
    lines += [f"# A new topic, made by `compendium new topic {topic_id}`: replace each text starting with "
              "REPLACE:.", f"{topic_id}:"]
    topic_schema = schema("topics")["additionalProperties"]
    lines += _emit(topic_schema, "topics.schema.json", "  ", {}, "")

    def added() -> bool:
        try:
            reread, _ = load_yaml(path, name)
        except (YamlError, OSError):
            return False
        return isinstance(reread.data, dict) and topic_id in reread.data

    write_schema_copies(root)
    _append(path, "\n".join(lines) + "\n", added, "topic")
    return Written(path, [])


def new_reference(key: str, root: Path, sources: Sources) -> Written:
    """Add a BibTeX entry to references.bib (made if there is none), with placeholders for its details."""
    if why := key_problem(key):
        raise ScaffoldError(f"{quote(key)} {why}: start with a letter, then use letters, digits and _ : . -, "
                            "e.g. smith2021uptake (author, year, a word of the title)")
    _unreadable(sources, "references", BIB_FILE)
    taken = {k.lower(): k for k in [*sources.references,
                                    *(u.split("/", 1)[1] for u in sources.unreadable if u.startswith("references/"))]}
    if key.lower() in taken:
        same = "is" if taken[key.lower()] == key else f"differs only in case from {quote(taken[key.lower()])}, which is"
        raise ScaffoldError(f"the key {quote(key)} {same} already in {BIB_FILE}: choose another key")
    path = root / BIB_FILE
    entry = (f"% A new reference, made by `compendium new reference {key}`. Replace each text starting with\n"
             "% REPLACE: with the source's own details, as the source gives them, and @misc with its kind\n"
             "% (article, book, report, online): an article in a newspaper or a magazine is an article with\n"
             "% entrysubtype = {newspaper} or {magazine}, and a report keeps its type = ... and number = ...\n"
             "% Give where readers find it: doi = ... or url = ... with\n"
             "% urldate = the day you read it (YYYY-MM-DD); if no copy is online, say so in offline = ...\n"
             "% Never guess a detail: leave out what you cannot find.\n"
             f"@misc{{{key},\n"
             "  author  = {REPLACE: Surname, Given name},\n"
             "  title   = {REPLACE: The title, as the source gives it},\n"
             f"  year    = {{{datetime.date.today().year}}},\n"
             "  offline = {REPLACE: replace this line with doi = ... or url = ..., or say why no copy is online}\n"
             "}\n")

    def added() -> bool:
        loaded = load_references(path, BIB_FILE)
        return loaded.read and key in loaded.references

    _append(path, entry, added, "reference")
    return Written(path, [])

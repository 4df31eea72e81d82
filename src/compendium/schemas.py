"""The JSON Schemas, the one place the data rules live, and their errors turned into teaching messages."""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, NoReturn

import jsonschema_rs

from compendium.diagnostics import Diagnostic, did_you_mean
from compendium.intake import quote
from compendium.paths import CONFIG_PARTS, DATA_FOLDERS, SINGLE_FILES
from compendium.yamlfile import YamlDocument

if TYPE_CHECKING:  # python-jsonschema explains rejected documents only: imported when one is (see validator)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

# Every schema a data file is checked against, and those of the compendium's own parts of mkdocs.yml.
KINDS = (*DATA_FOLDERS.values(), *SINGLE_FILES, *CONFIG_PARTS)

_JSON_TYPES = {dict: "a mapping of fields", list: "a list", str: "text", bool: "true or false",
               int: "a whole number", float: "a number", type(None): "nothing (an empty value)"}


@cache
def schema(kind: str) -> dict[str, Any]:
    text = resources.files("compendium").joinpath(f"schemas/{kind}.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _registry() -> Registry:
    from referencing import Registry, Resource

    names = [*KINDS, "common"]
    return Registry().with_resources(
        (f"{name}.schema.json", Resource.from_contents(schema(name))) for name in names)


@cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    """A schema pattern read as JSON Schema says (ECMA-262): an unescaped $ outside a class ends the text,
    where Python's $ also matches before a final newline (so that 'abc\\n' would pass as an id)."""
    translated, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        translated.append(char)
    return re.compile("".join(translated))


_DATE_FORM = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")
EARLIEST_YEAR = 1000


def date_problem(value: str, today: datetime.date | None = None) -> str:
    """Why value is not a date a source could bear (YYYY-MM-DD, YYYY-MM or YYYY): '' when it is. The
    schemas' "calendar-date" format: a real day of the calendar, not after today."""
    match = _DATE_FORM.match(value)
    if not match:
        return "is not written YYYY-MM-DD, YYYY-MM or YYYY"
    year, month, day = (int(part) if part else 0 for part in match.groups())
    if year < EARLIEST_YEAR:
        return f"is before the year {EARLIEST_YEAR}"
    try:
        first = datetime.date(year, month or 1, day or 1)
    except ValueError:
        return "is not a day of the calendar"
    today = today or datetime.date.today()
    if first > today:
        return f"is after today ({today.isoformat()})"
    return ""


def _calendar_date(instance: object) -> bool:
    return not isinstance(instance, str) or not date_problem(instance)


FORMATS = {"calendar-date": _calendar_date}


def id_problem(value: str) -> str:
    """Why value cannot be an id (a file name without .yml), by the rules of the id in common.schema.json;
    '' when it can."""
    rules = schema("common")["$defs"]["id"]
    if len(value) > rules["maxLength"]:
        return f"is {len(value)} characters long, more than the {rules['maxLength']} an id may have"
    if not _ecma_regex(rules["pattern"]).search(value):
        return "is not a valid id"
    if value in rules["not"]["enum"]:
        return "is reserved for a page the build writes"
    return ""


def key_problem(value: str) -> str:
    """Why value cannot be the key of a references.bib entry, by the rule of bib_key in common.schema.json;
    '' when it can."""
    if not _ecma_regex(schema("common")["$defs"]["bib_key"]["pattern"]).search(value):
        return "is not a valid reference key"
    return ""


def is_unit(value: object) -> bool:
    """Whether value is a unit by the rule of unit in common.schema.json (a short word)."""
    return isinstance(value, str) and bool(_ecma_regex(schema("common")["$defs"]["unit"]["pattern"]).search(value))


def _pattern(checker: Any, pattern: str, instance: Any, _schema: Any) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if checker.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _python_validator_class() -> type[Draft202012Validator]:
    """Draft 2020-12 as jsonschema-rs (the fast path) reads it: patterns as ECMA-262 reads them, and no NaN."""
    from jsonschema import Draft202012Validator, validators

    def finite_number(checker: Any, instance: Any) -> bool:
        """JSON has no NaN or infinity (YAML's .nan, .inf): they are not numbers here, as in jsonschema-rs."""
        return bool(Draft202012Validator.TYPE_CHECKER.is_type(instance, "number")) and (
            not isinstance(instance, float) or math.isfinite(instance))

    extended: type[Draft202012Validator] = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {"pattern": _pattern},
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", finite_number))
    return extended


@cache
def validator(kind: str) -> Draft202012Validator:
    """python-jsonschema's validator, whose errors carry what the teaching messages need; imported only
    when a document is rejected (fast_valid), so that validating a good compendium never loads it."""
    from jsonschema import FormatChecker

    formats = FormatChecker(formats=())
    for name, check in FORMATS.items():
        formats.checks(name)(check)
    checker: Draft202012Validator = _python_validator_class()(schema(kind), registry=_registry(),
                                                              format_checker=formats)
    return checker


# The schemas have no $id: jsonschema-rs gives them this base, and their "common.schema.json#/..." $refs
# resolve to the common schema registered under it, as they do to the names in _registry().
_FAST_BASE = "json-schema:///"


def _no_fetching(uri: str) -> NoReturn:
    """Every schema is in the package: a $ref to anything else is a mistake, not something to download."""
    raise ValueError(f"no schema {uri} in the package")


@cache
def _fast_registry() -> jsonschema_rs.Registry:
    return jsonschema_rs.Registry(
        ((f"{_FAST_BASE}{name}.schema.json", schema(name)) for name in [*KINDS, "common"]), retriever=_no_fetching)


@cache
def _fast_validator(kind: str) -> jsonschema_rs.Validator:
    """The schema compiled by jsonschema-rs, once per process. Only the project's own formats are checked,
    as on the python path; the only other keywords jsonschema-rs does not know (x-...) are notes to both."""
    return jsonschema_rs.validator_for(schema(kind), registry=_fast_registry(), retriever=_no_fetching,
                                       base_uri=f"{_FAST_BASE}{kind}.schema.json", validate_formats=True,
                                       formats=FORMATS, ignore_unknown_formats=True)


def fast_valid(data: Any, kind: str) -> bool:
    """Whether jsonschema-rs finds data valid, with no messages: only ever trusted when it says yes.
    Values it cannot take (bytes, a lone surrogate) count as invalid, and the python path decides."""
    checker = _fast_validator(kind)  # Outside the try: a schema it cannot compile is a bug to see.
    try:
        return checker.is_valid(data)
    except Exception:  # Anything it cannot read: let the python path judge, never pass it.
        return False


def validate(document: YamlDocument, kind: str) -> list[Diagnostic]:
    """Every schema violation in the document, each at its line with a hint on how to fix it."""
    if fast_valid(document.data, kind):  # Nearly every document: the slow path below only explains errors.
        return []
    return [d for d in explain_errors(document, kind) if (d.line, d.column) not in document.flagged]


def explain_errors(document: YamlDocument, kind: str) -> list[Diagnostic]:
    """validate() by python-jsonschema alone, whose errors carry what the messages need."""
    found: list[Diagnostic] = []
    for error in validator(kind).iter_errors(document.data):
        found.extend(_explain(document, error))
    # A misspelt field shows as both 'unknown field' and 'missing required field': keep the first, whose
    # hint names the field meant.
    meant = {(d.line, d.hint.removeprefix("did you mean ").strip("'?")) for d in found
             if d.message.startswith("unknown field") and d.hint.startswith("did you mean")}
    # A rule stated twice (a percentage's bounds, and a number's type) gives one message, not two.
    unique: dict[tuple[int, int, str], Diagnostic] = {}
    for d in found:  # the last of equal messages: the property's own description, not a shared rule's
        unique[(d.line, d.column, d.message)] = d
    return [d for d in unique.values() if not (d.message.startswith("missing required field")
                                                         and (d.line, d.message.split("'")[1]) in meant)]


def _explain(document: YamlDocument, error: ValidationError) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    sub: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    failure = _Failure(document, error, path, sub, _field_name(path))
    explainer = _EXPLAINERS.get(str(error.validator))
    found = explainer(failure) if explainer else None
    if found is None:
        # Any other keyword: jsonschema's own message quotes the whole value, which may be megabytes long.
        found = [document.diagnostic(path, f"{quote(error.instance)} does not meet the rule '{error.validator}'"
                                     f"{failure.where}", _describe(sub))]
    yield from found


@dataclass(frozen=True)
class _Failure:
    """One schema error, with what each explainer needs to say where it is."""

    document: YamlDocument
    error: ValidationError
    path: tuple[str | int, ...]  # the failing value's place in the document
    sub: dict[str, Any]  # the part of the schema whose rule failed
    where: str  # the field, as the messages name it ('' at the top)


# Each explainer below gives the diagnostics of one schema keyword's errors, or None for an error of a form it
# does not explain (the generic message in _explain then says what the rule was).

def _unknown_fields(f: _Failure) -> list[Diagnostic] | None:
    if not isinstance(f.error.instance, dict):
        return None
    allowed = list(f.sub.get("properties", {}))
    found = []
    for key in f.error.instance:
        if key not in allowed:
            hint = did_you_mean(key, allowed) or f"the fields allowed here are: {', '.join(allowed)}"
            found.append(f.document.diagnostic((*f.path, key), f"unknown field '{key}'{f.where}", hint, key=True))
    return found


def _missing_field(f: _Failure) -> list[Diagnostic]:
    message = str(f.error.message)
    missing = message.split("'")[1] if "'" in message else message
    description = _resolved(f.sub.get("properties", {}).get(missing, {})).get("description", "")
    return [f.document.diagnostic(f.path, f"missing required field '{missing}'{f.where}",
                                  f"add '{missing}:' here. {description}".strip(), key=True)]


def _not_allowed_value(f: _Failure) -> list[Diagnostic]:
    allowed = [str(v) for v in f.sub.get("enum", [])]
    hint = did_you_mean(str(f.error.instance), allowed)
    hint = f"{hint} " if hint else ""
    return [f.document.diagnostic(f.path, f"{quote(f.error.instance)} is not an allowed value{f.where}",
                                  f"{hint}allowed values: {', '.join(allowed)}")]


def _wrong_type(f: _Failure) -> list[Diagnostic]:
    instance = f.error.instance
    got = _JSON_TYPES.get(type(instance), type(instance).__name__)
    if isinstance(instance, float) and not math.isfinite(instance):  # YAML's .nan and .inf, as written
        got = f"{str(instance).replace('nan', '.nan').replace('inf', '.inf')}, which is not a number"
    return [f.document.diagnostic(f.path, f"expected {_type_words(f.sub.get('type'))}{f.where}, got {got}",
                                  _describe(f.sub))]


def _wrong_form(f: _Failure) -> list[Diagnostic]:
    return [f.document.diagnostic(f.path, f"{quote(f.error.instance)} is not in the expected form{f.where}",
                                  _describe(f.sub))]


def _no_alternative(f: _Failure) -> list[Diagnostic] | None:
    """anyOf and oneOf: a choice of required fields is named; otherwise the alternative that came nearest
    (its error deepest in the document) is explained."""
    if f.error.validator == "anyOf" and f.sub.get("anyOf") and all("required" in s for s in f.sub["anyOf"]):
        options = " or ".join(" and ".join(s["required"]) for s in f.sub["anyOf"])
        return [f.document.diagnostic(f.path, f"give {options}{f.where}", _describe(f.sub))]
    if f.error.context:
        best = min(f.error.context, key=lambda e: len(list(e.absolute_path)))
        return list(_explain(f.document, best))
    return None


def _invalid_ids(f: _Failure) -> list[Diagnostic]:
    return [f.document.diagnostic((*f.path, key), f"{quote(key)} is not a valid id",
                                  _describe(schema("common")["$defs"]["id"]), key=True)
            for key in (f.error.instance if isinstance(f.error.instance, dict) else [])]


def _impossible_date(f: _Failure) -> list[Diagnostic] | None:
    if not isinstance(f.error.instance, str):
        return None
    if not _DATE_FORM.match(f.error.instance):  # not even in the form: the pattern's message says so
        return []
    return [f.document.diagnostic(f.path, f"{quote(f.error.instance)} {date_problem(f.error.instance)}{f.where}",
                                  _describe(f.sub))]


def _reserved(f: _Failure) -> list[Diagnostic] | None:
    if not isinstance(f.sub.get("not"), dict):
        return None
    return [f.document.diagnostic(f.path, f"{quote(f.error.instance)} is reserved{f.where}",
                                  str(f.sub["not"].get("description", "choose another")))]


def _out_of_bounds(f: _Failure) -> list[Diagnostic]:
    return [f.document.diagnostic(f.path, f"{quote(f.error.instance)} {_BOUNDS[str(f.error.validator)]} "
                                  f"{f.error.validator_value}{f.where}", _describe(f.sub))]


_BOUNDS = {"maxLength": "is longer than the characters allowed:", "minLength": "is shorter than the characters needed:",
           "maximum": "is above the largest allowed:", "minimum": "is below the smallest allowed:",
           "exclusiveMinimum": "must be above", "exclusiveMaximum": "must be below",
           "maxItems": "has more items than allowed:", "minItems": "has fewer items than needed:"}
_EXPLAINERS: dict[str, Callable[[_Failure], list[Diagnostic] | None]] = {
    "additionalProperties": _unknown_fields, "required": _missing_field, "enum": _not_allowed_value,
    "type": _wrong_type, "pattern": _wrong_form, "anyOf": _no_alternative, "oneOf": _no_alternative,
    "propertyNames": _invalid_ids, "format": _impossible_date, "not": _reserved,
    **dict.fromkeys(_BOUNDS, _out_of_bounds),
}


def resolve_ref(node: dict[str, Any], current: str) -> tuple[dict[str, Any], str]:
    """node with its $ref followed (to this or another schema file), and the file it now stands in."""
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node, current
    file, _, pointer = ref.partition("#")
    file = file or current
    target = schema(file.removesuffix(".schema.json"))
    for part in pointer.strip("/").split("/"):
        target = target[part]
    merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return resolve_ref(merged, file)



def _resolved(sub: dict[str, Any]) -> dict[str, Any]:
    """A property's schema with a local $ref to the shared definitions followed, for its description."""
    ref = sub.get("$ref", "")
    if isinstance(ref, str) and ref.startswith("common.schema.json#/$defs/"):
        target = dict(schema("common")["$defs"][ref.rsplit("/", 1)[1]])
        target.update({k: v for k, v in sub.items() if k != "$ref"})
        return target
    return sub


def _describe(sub: dict[str, Any]) -> str:
    sub = _resolved(sub)
    text = str(sub.get("description", ""))
    examples = sub.get("examples")
    if examples and not isinstance(examples[0], dict | list):
        text = f"{text} For example: {', '.join(json.dumps(e, ensure_ascii=False) for e in examples[:3])}"
    return text.strip()


def _field_name(path: tuple[str | int, ...]) -> str:
    if not path:
        return ""
    parts = [f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in path]
    return f" in {''.join(parts).lstrip('.')}"


def _type_words(expected: object) -> str:
    words = {"object": "a mapping of fields", "array": "a list", "string": "text", "boolean": "true or false",
             "integer": "a whole number", "number": "a number", "null": "nothing"}
    if isinstance(expected, list):
        return " or ".join(words.get(str(t), str(t)) for t in expected)
    return words.get(str(expected), str(expected))


def _enum_node(kind: str, path: tuple[str, ...]) -> dict[str, Any]:
    """The schema of the enum at path (keys from the top of the kind's schema), its $refs followed."""
    node, current = resolve_ref(schema(kind), f"{kind}.schema.json")
    for part in path:
        node, current = resolve_ref(node[part], current)
    return node


def enum_values(kind: str, *path: str) -> tuple[str, ...]:
    """The values of the enum at path, in the schema's order: enum_values("claim", "$defs", "rating")."""
    return tuple(_enum_node(kind, path)["enum"])


def labels(kind: str, *path: str, which: str = "x-labels") -> dict[str, str]:
    """The words readers see for each value of the enum at path, in the enum's order: its x-labels, or
    another map beside it (which="x-short-labels", "x-enum-descriptions"; common.schema.json says which
    there are). labels("evidence", "properties", "quality", "properties", "design")["rct"] is
    "randomised controlled trial"."""
    node = _enum_node(kind, path)
    words: dict[str, str] = node.get(which, {})
    if missing := [value for value in node["enum"] if value not in words]:
        raise KeyError(f"{kind}.schema.json: the enum at {'/'.join(path)} has no {which} for {', '.join(missing)}")
    return {value: words[value] for value in node["enum"]}

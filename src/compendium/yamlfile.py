"""Safe YAML loading that keeps the line and column of every value and rejects duplicate keys.

PyYAML's constructors drop positions and silently keep the last of two equal keys, so the file is
composed into nodes (with the C parser where it is installed) and turned into plain data here.
Timestamps stay strings: the schemas check dates as text, and a contributor's "2018-02" must not
turn into something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from compendium.diagnostics import Diagnostic
from compendium.intake import (
    MAX_YAML_BYTES,
    IntakeError,
    may_hide_problems,
    quote,
    read_limited,
    text_problem,
    visible,
)

try:  # The C parser is several times faster and gives the same marks.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


_CORE = "tag:yaml.org,2002:"
_TIMESTAMP = _CORE + "timestamp"
_STR = _CORE + "str"
_MERGE = _CORE + "merge"
_TEXT_TAGS = frozenset((_STR, _TIMESTAMP))
_SEQ, _MAP = _CORE + "seq", _CORE + "map"

# The safe loader's implicit tags (int, float, bool, null, timestamp...), by the first character of a plain
# scalar that may have them, as its resolver holds them; it has none for any character (key None).
_IMPLICIT = {first: tuple(found) for first, found in _SafeLoader.yaml_implicit_resolvers.items()}
assert None not in _IMPLICIT


class _Loader(_SafeLoader):
    """The safe loader without path resolvers (none is registered): the parser calls these three for every
    node, a third of a million times in a 1,000-claim compendium, and PyYAML's own look for path resolvers
    each time only to find none."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """PyYAML's Resolver.resolve, less the path resolvers: a plain scalar's implicit tag, else the default."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in _IMPLICIT.get(value[:1], ()):
                    if pattern.match(value):
                        return tag  # type: ignore[no-any-return]
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


JsonPath = tuple[str | int, ...]
# Where a value or key stands, (line, column), kept as a plain tuple rather than a Position: a file with a
# problem has one for every value and key, and tuples of numbers are quicker to make and soon untracked by
# the garbage collector.
Mark = tuple[int, int]

MAX_NODES = 200_000  # Stops alias bombs ("billion laughs") long before memory runs out.
MAX_DEPTH = 100  # Nesting deeper than any record needs, well before Python's recursion limit.

# The scalars JSON has (YAML's core schema); other tags (!!binary, !!python/..., !custom) are refused.
_PLAIN_TAGS = {_CORE + name for name in ("int", "float", "bool", "null")}
_COLLECTION_TAGS = {_MAP, _SEQ}
_COLLECTIONS = (yaml.MappingNode, yaml.SequenceNode)
MAX_INTEGER = 2**53  # the largest whole number every JSON reader keeps exactly
_scalars = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True)
class YamlDocument:
    """A parsed file: its data, and where each value and each mapping key stands."""

    path: Path
    display: str
    data: Any
    # The file as it was read. Where each value stands is worked out from it only when first asked for: a
    # compendium that passes its checks never needs it, and finding it for every value (368,000 in a
    # 1,000-claim compendium) was a third of the time spent reading YAML.
    text: str
    # Where a problem was already reported while reading (a tag that did not fit, a control character): the
    # schema's complaints about the same value would only repeat it.
    flagged: frozenset[Mark] = frozenset()
    part: JsonPath = ()  # the keys at which data stands in the file (load_yaml_part), () for the whole file

    @cached_property
    def _marks(self) -> tuple[dict[JsonPath, Mark], dict[JsonPath, Mark]]:
        return _positions(self.text, self.part)

    @property
    def values(self) -> dict[JsonPath, Mark]:
        """Where each value stands, by its path."""
        return self._marks[0]

    @property
    def keys(self) -> dict[JsonPath, Mark]:
        """Where each mapping key stands, by the path of its value."""
        return self._marks[1]

    def position(self, path: JsonPath, key: bool = False) -> Position:
        """The position of the value at path, or of its key; falls back to the nearest parent."""
        table = self.keys if key else self.values
        for depth in range(len(path), -1, -1):
            found = table.get(path[:depth]) or self.values.get(path[:depth])
            if found:
                return Position(*found)
        return Position(1, 1)

    def diagnostic(self, path: JsonPath, message: str, hint: str = "", *, key: bool = False,
                   severity: str = "error") -> Diagnostic:
        pos = self.position(path, key=key)
        return Diagnostic(self.display, pos.line, pos.column, message, hint, severity)  # type: ignore[arg-type]


class YamlError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


def _mark(node: yaml.Node) -> Mark:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _unsupported_tag(node: yaml.Node) -> bool:
    """A collection with a tag of its own (!!set, !custom): refused, and nothing inside it is read."""
    return isinstance(node, _COLLECTIONS) and node.tag not in _COLLECTION_TAGS


def _key_problem(key_node: yaml.Node) -> tuple[str, str] | None:
    """Why a mapping key is not read, as (message, hint), or None for a key that is."""
    if key_node.tag == _MERGE:
        return "merge keys (<<) are not supported", "write the fields out in full"
    if not isinstance(key_node, yaml.ScalarNode):
        return "a field name must be plain text", "write the field name on the left of the colon"
    return None


class _Builder:
    """Turns nodes into plain data, reporting what cannot be used at its place (the positions of the rest
    are found later, by _positions, only if a message needs them)."""

    def __init__(self, display: str, thorough: bool):
        self.display = display
        # Whether each text must be checked in full: not when the whole file could hide no problem but white
        # space (intake.may_hide_problems), which spares 300,000 searches in a 1,000-claim compendium.
        self.thorough = thorough
        self.problems: list[Diagnostic] = []
        self.count = 0

    def build(self, node: yaml.Node, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError([Diagnostic(self.display, *_mark(node),
                                        f"the file expands to more than {MAX_NODES} values",
                                        "remove aliases (*name) that repeat large parts of the file")])
        if depth > MAX_DEPTH:
            raise YamlError([Diagnostic(self.display, *_mark(node), f"values are nested more than {MAX_DEPTH} deep",
                                        "check the brackets and indentation: no field needs this much nesting")])
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag in _TEXT_TAGS:
                value = node.value
                if self.thorough or value.isspace():
                    self._check_text(node, value)
                return value
            return self._scalar(node)
        if tag not in _COLLECTION_TAGS:
            self._problem(node, f"the tag {quote(tag.replace(_CORE, '!!'))} is not supported",
                          "write the value plainly, without a !tag")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        return [self.build(item, depth + 1) for item in node.value]

    def _problem(self, node: yaml.Node, message: str, hint: str) -> None:
        self.problems.append(Diagnostic(self.display, *_mark(node), message, hint))

    def _check_text(self, node: yaml.Node, text: str) -> None:
        if problem := text_problem(text):
            self._problem(node, *problem)

    def _scalar(self, node: yaml.Node) -> Any:
        """A number, true/false or null; anything else (an unknown or explicit tag that does not fit the value)
        is a problem at its place, and the text is kept so that the rest of the file can still be checked."""
        constructor = _scalars.yaml_constructors.get(node.tag) if node.tag in _PLAIN_TAGS else None
        if constructor is None:
            self._problem(node, f"the tag {quote(node.tag.replace(_CORE, '!!'))} is not supported",
                          "write the value plainly, without a !tag")
            return str(node.value)
        try:
            # The constructor for the scalar's resolved tag, called directly: construct_object's bookkeeping
            # (for recursive structures, which scalars are not) costs more than the conversion itself.
            value = constructor(_scalars, node)
        except (ValueError, KeyError, TypeError, yaml.YAMLError):
            self._problem(node, f"{quote(node.value)} cannot be read as {node.tag.replace(_CORE, '!!')}",
                          "write the value plainly, without a !tag")
            return str(node.value)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
            self._problem(node, f"the number {quote(node.value)} is too large",
                          f"no figure is larger than {MAX_INTEGER}: check the digits")
            return 0
        return value

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if (refused := _key_problem(key_node)) is not None:
                self._problem(key_node, *refused)
                continue
            key = str(key_node.value)
            if self.thorough or key.isspace():
                self._check_text(key_node, key)
            if key in mapping:
                self._problem(key_node, f"duplicate field {quote(key)}",
                              f"{quote(key)} is already given on line {_first_line(node, key)}; keep one of them")
                continue
            mapping[key] = self.build(value_node, depth + 1)
        return mapping


def _first_line(node: yaml.MappingNode, key: str) -> int:
    """The line of the first of the keys equal to key in a mapping (for a duplicate's message)."""
    return next(_mark(k)[0] for k, _ in node.value if _key_problem(k) is None and str(k.value) == key)


def _positions(text: str, part: JsonPath) -> tuple[dict[JsonPath, Mark], dict[JsonPath, Mark]]:
    """Where each value and each key of a file stands, by the path of the value: the file composed again
    (it was once, without error) and walked as _Builder walks it, skipping what it skips."""
    node: yaml.Node = yaml.compose(text, Loader=_Loader)  # type: ignore[assignment]  # it composed before
    values: dict[JsonPath, Mark] = {}
    keys: dict[JsonPath, Mark] = {}
    for depth, part_key in enumerate(part):
        key_node, node = next((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part_key)
        keys[part[: depth + 1]] = _mark(key_node)
    pending: list[tuple[yaml.Node, JsonPath]] = [(node, part)]
    while pending:
        node, path = pending.pop()
        values.setdefault(path, _mark(node))
        if isinstance(node, yaml.ScalarNode) or _unsupported_tag(node):
            continue
        if isinstance(node, yaml.SequenceNode):
            pending.extend(((item, (*path, i)) for i, item in enumerate(node.value)))
            continue
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if _key_problem(key_node) is None and (key := str(key_node.value)) not in seen:
                seen.add(key)
                keys[(*path, key)] = _mark(key_node)
                pending.append((value_node, (*path, key)))
    return values, keys


def load_yaml(path: Path, display: str) -> tuple[YamlDocument, list[Diagnostic]]:
    """Parse one YAML file: its document, and the problems that still let it be checked further
    (a duplicate key keeps its first value). Raises YamlError when the file cannot be used at all."""
    text, node = _compose(path, display)
    if node is None:
        raise YamlError([Diagnostic(display, 1, 1, "the file is empty", "fill in the fields")])
    builder = _Builder(display, may_hide_problems(text))
    data = builder.build(node, 0)
    flagged = frozenset((d.line, d.column) for d in builder.problems)
    return YamlDocument(path, display, data, text, flagged), builder.problems


def load_yaml_part(path: Path, display: str, keys: tuple[str, ...]) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """The value at keys (mapping keys, outermost first) of a YAML file that is not all ours, such as
    mkdocs.yml: read as load_yaml reads a data file, and placed at the same keys in the document, so that
    positions and messages name it where it stands ("in extra.about.editors[1]"). The rest of the file is
    not read (it may hold tags that only its own program understands); None when the keys are not there."""
    text, node = _compose(path, display)
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None, []
        found = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key]
        if not found:
            return None, []
        node = found[0]
    assert node is not None
    builder = _Builder(display, may_hide_problems(text))
    data: Any = builder.build(node, len(keys))
    for key in reversed(keys):
        data = {key: data}
    flagged = frozenset((d.line, d.column) for d in builder.problems)
    return YamlDocument(path, display, data, text, flagged, keys), builder.problems


def _compose(path: Path, display: str) -> tuple[str, yaml.Node | None]:
    """The file's text and its YAML nodes, before any value is made of them; raises YamlError when it cannot
    be read."""
    try:
        raw = read_limited(path, MAX_YAML_BYTES)
    except IntakeError as refused:
        raise YamlError([Diagnostic(display, 0, 0, refused.message, refused.hint)]) from None
    try:
        text = raw.decode("utf-8-sig")  # A byte-order mark, which some editors add, is harmless.
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise YamlError([Diagnostic(display, line, column, "the file is not valid UTF-8 text",
                                    "save the file with UTF-8 encoding")]) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = f"YAML syntax: {exc.problem or exc.context}"
        hint = "check the indentation and quoting on this line and the one before it"
        if "\t" in text and exc.problem and "tab" in exc.problem:
            hint = "YAML does not allow tabs for indentation: use spaces"
        raise YamlError([Diagnostic(display, line, column, message, hint)]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, written into the file as it is
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - before.rfind("\n")
        what = f"the control character U+{exc.character:04X}" if isinstance(exc.character, int) else \
            "a character YAML does not allow"
        raise YamlError([Diagnostic(display, line, column, f"the file holds {what}",
                                    "remove it: it is invisible, and pages, feeds and logs cannot show it")]) from None
    except yaml.YAMLError as exc:
        raise YamlError([Diagnostic(display, 0, 0, f"YAML: {visible(str(exc).splitlines()[0])}", "")]) from None
    return text, node

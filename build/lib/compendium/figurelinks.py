"""Figures in reader text linked to the findings they come from: [[figure|evidence-id#finding-id]].

A claim's rationale and conclusion, and an evidence item's summary, are full of numbers; each should be
one click from its source's words. The contributor writes the figure as the reader is to see it, then
the evidence item and the finding it comes from:

    ... and [[18,039|chen-cardinal-2021-off-sick-pay#off-sick-pay-end]] people were recorded as moving off
    sick pay ...

The reader sees "18,039", linked to that finding on the evidence page (web) or in the document (PDF);
search text and data files get "18,039" alone. Everything else in the text stays plain text, escaped as
before. "[[" is the notation's only opening (Markdown has no use for it, and prose none): wherever it
stands it must begin a well-formed link, so a typo is an error, never text shown by mistake. The fields
that may hold the notation are marked in the JSON Schemas ("x-figure-links": true).

The figure is short (at most FIGURE_CHARS characters), holds a digit, and only the characters figures
are written with (digits, letters, spaces and . , % £ $ € + - – − / : ~ ≈ × · =): it is a figure, not a
place for markup. It must match the finding: one of its numbers, read with its scale word (million,
billion) and to the precision written, is one of the finding's numbers (value, low, high, numerator,
denominator, n), so "1.09 million" matches 1,090,000 and "52%" matches 52.1.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING, Any

from compendium.intake import quote
from compendium.schemas import resolve_ref, schema

if TYPE_CHECKING:  # validation reads the notation without loading what the pages are written with
    from markupsafe import Markup

OPEN = "[["
FIGURE_CHARS = 40
EXAMPLE = "[[18,039|chen-cardinal-2021-off-sick-pay#off-sick-pay-end]]"
FORM_HINT = (f"a figure link is [[figure|evidence-id#finding-id]], for example {EXAMPLE}; "
             "'[[' opens one wherever it stands")
# The whole notation: no bracket or bar inside, no blank line (a paragraph break) either.
_LINK = re.compile(r"\[\[(?P<figure>[^\[\]|]*)\|(?P<target>[^\[\]|]*)\]\]")
_FIGURE = re.compile(r"[\w .,%£$€+\-–−/:~≈×·=]+")
_ID = schema("common")["$defs"]["id"]["pattern"].strip("^$")
_TARGET = re.compile(rf"(?P<evidence>{_ID})#(?P<finding>{_ID})")
# A number as prose writes it (18,039  1.09  52.1  0.3), with the scale word that may follow it.
_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s*(thousand|million|billion|bn|m|k)\b)?",
                     re.IGNORECASE)
_SCALES = {"thousand": 3, "k": 3, "million": 6, "m": 6, "billion": 9, "bn": 9}
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")  # no text holds NUL: the YAML reader refuses control characters
FINDING_NUMBERS = ("value", "low", "high", "numerator", "denominator", "n")


@dataclass(frozen=True)
class FigureLink:
    """A figure as the reader sees it, and the finding it comes from."""

    figure: str
    evidence: str
    finding: str

    @property
    def anchor(self) -> str:
        return finding_anchor(self.finding)


def finding_anchor(finding_id: str) -> str:
    """A finding's anchor on its evidence page; prefixed, so that no finding id can take a heading's."""
    return f"finding-{finding_id}"


@dataclass(frozen=True)
class LinkedText:
    """Reader text whose figures may link to findings: plain text and FigureLinks in order. As a string it is
    the plain text the reader reads, so a page, search text or data file that shows it as text is right."""

    parts: tuple[str | FigureLink, ...]

    @classmethod
    def parse(cls, text: str) -> LinkedText:
        """The text's parts. Call on validated text: a '[[' that opens no well-formed link stays text."""
        parts: list[str | FigureLink] = []
        at = 0
        for match, link in _links(text):
            if link is None:
                continue
            if at < match.start():
                parts.append(text[at:match.start()])
            parts.append(link)
            at = match.end()
        if at < len(text):
            parts.append(text[at:])
        return cls(tuple(parts))

    @property
    def plain(self) -> str:
        return "".join(p.figure if isinstance(p, FigureLink) else p for p in self.parts)

    @property
    def links(self) -> tuple[FigureLink, ...]:
        return tuple(p for p in self.parts if isinstance(p, FigureLink))

    def __str__(self) -> str:
        return self.plain

    def __bool__(self) -> bool:
        return bool(self.plain.strip())

    def markdown(self, link: Callable[[FigureLink], Markup],
                 explain: Callable[[Markup], Markup] | None = None) -> Markup:
        """Escaped Markdown paragraphs (as text.escape_block writes them), each figure written by link.
        explain (the glossary's linker) sees the text with each figure held out, so no term is linked inside
        a figure's link or its title."""
        from markupsafe import Markup

        from compendium.text import escape_block
        held: list[FigureLink] = []
        raw = []
        for part in self.parts:
            if isinstance(part, FigureLink):
                raw.append(f"\x00{len(held)}\x00")
                held.append(part)
            else:
                raw.append(part.replace("\x00", ""))
        escaped = escape_block("".join(raw))
        escaped = explain(escaped) if explain else escaped
        return Markup(_PLACEHOLDER.sub(lambda m: str(link(held[int(m.group(1))])), str(escaped)))

    def paragraphs(self) -> list[list[str | FigureLink]]:
        """The text's paragraphs (split at blank lines), whitespace collapsed, as parts: for the PDF."""
        found: list[list[str | FigureLink]] = [[]]
        for part in self.parts:
            if isinstance(part, FigureLink):
                found[-1].append(part)
                continue
            pieces = re.split(r"\n\s*\n", part)
            for i, piece in enumerate(pieces):
                if i:
                    found.append([])
                if piece:
                    found[-1].append(re.sub(r"\s+", " ", piece))
        result = []
        for paragraph in found:
            if paragraph and isinstance(paragraph[0], str):
                paragraph[0] = paragraph[0].lstrip()
            if paragraph and isinstance(paragraph[-1], str):
                paragraph[-1] = paragraph[-1].rstrip()
            paragraph = [p for p in paragraph if p != ""]
            if paragraph:
                result.append(paragraph)
        return result


def _links(text: str) -> Iterator[tuple[re.Match[str], FigureLink | None]]:
    """Each well-formed link in text, with its match; None for a match whose parts are not right. A match
    counts only where a '[[' opens (in '[[[5%|a#b]]' none does: the stray bracket makes it malformed)."""
    openings = set(_openings(text))
    for match in _LINK.finditer(text):
        if match.start() not in openings:
            continue
        figure = " ".join(match.group("figure").split())
        target = _TARGET.fullmatch(match.group("target").strip())
        if target is None or not _good_figure(figure) or re.search(r"\n\s*\n", match.group(0)):
            yield match, None
        else:
            yield match, FigureLink(figure, target.group("evidence"), target.group("finding"))


def _good_figure(figure: str) -> bool:
    return (0 < len(figure) <= FIGURE_CHARS and _FIGURE.fullmatch(figure) is not None and "_" not in figure
            and any(c.isdigit() for c in figure))


@dataclass(frozen=True)
class Problem:
    """Malformed notation: where in the text (the how-manieth '[['), what is wrong, and what to do."""

    opening: int
    message: str
    hint: str


def notation_problems(text: str) -> list[Problem]:
    """Every '[[' that does not open a well-formed figure link, and every link whose parts are wrong."""
    problems: list[Problem] = []
    well_formed: dict[int, tuple[re.Match[str], FigureLink | None]] = {m.start(): (m, link) for m, link in _links(text)}
    for opening, start in enumerate(_openings(text)):
        found = well_formed.get(start)
        if found is None:
            problems.append(Problem(opening, f"a figure link is not closed or not in its form: "
                                             f"{_shown(text[start:start + 60])}", FORM_HINT))
            continue
        match, link = found
        if link is not None:
            continue
        figure = " ".join(match.group("figure").split())
        if re.search(r"\n\s*\n", match.group(0)):
            problems.append(Problem(opening, "a figure link spans a blank line", FORM_HINT))
        elif not _good_figure(figure):
            problems.append(Problem(
                opening, f"{_shown(figure)} is not a figure a link can show",
                f"the text before '|' is the figure as the reader sees it: at most {FIGURE_CHARS} characters with a "
                "digit, written with digits, letters, spaces and . , % £ $ € + - – − / : ~ ≈ × · = only"))
        else:
            problems.append(Problem(
                opening, f"{_shown(match.group('target').strip())} is not an evidence id and a finding id",
                "after '|' comes the evidence item's id (its file name), '#' and the finding's id, as in "
                "chen-cardinal-2021-off-sick-pay#off-sick-pay-end"))
    return problems


def _openings(text: str) -> list[int]:
    """Where each '[[' opens ('[[[' opens once, at its first two, and so is not a well-formed link)."""
    found = []
    at = text.find(OPEN)
    while at >= 0:
        found.append(at)
        at = text.find(OPEN, at + 2)
    return found


def _shown(value: str) -> str:
    return quote(value)


def links_with_openings(text: str) -> Iterator[tuple[int, FigureLink]]:
    """Each well-formed link in text, with the how-manieth '[[' opens it (to find its line in the file)."""
    index = {start: i for i, start in enumerate(_openings(text))}
    for match, link in _links(text):
        if link is not None:
            yield index.get(match.start(), 0), link


def opening_at(lines: list[str], line: int, column: int, opening: int) -> tuple[int, int] | None:
    """The line and column (from 1) in a file's lines of the how-manieth '[[' from (line, column) on."""
    if not 0 < line <= len(lines):
        return None
    first = line - 1
    tail = "\n".join([lines[first][max(column - 1, 0):], *lines[first + 1:]])
    openings = _openings(tail)
    if opening >= len(openings):
        return None
    before = tail[:openings[opening]]
    row = before.count("\n")
    col = len(before) - before.rfind("\n") if row else len(before) + max(column, 1)
    return line + row, col


# --- Figures against their findings ---

def figure_numbers(figure: str) -> list[tuple[Decimal, int]]:
    """Each number in a figure as written, scaled by its scale word, with the decimal places written
    (after scaling: '1.09 million' is 1090000 to the nearest 10,000, i.e. -4; '900,000' to the nearest
    100,000, i.e. -5, as a rounded figure is written)."""
    numbers = []
    for match in _NUMBER.finditer(figure):
        whole, decimals, scale = match.group(1).replace(",", ""), match.group(2) or "", match.group(3)
        try:
            value = Decimal(f"{whole}.{decimals}" if decimals else whole)
        except InvalidOperation:
            continue
        shift = _SCALES[scale.lower()] if scale else 0
        # A whole number's trailing zeros are its rounding: "950,000" is to the nearest 10,000 or so.
        zeros = len(whole) - len(whole.rstrip("0")) if not decimals and whole.strip("0") else 0
        numbers.append((value.scaleb(shift), len(decimals) - shift - zeros))
    return numbers


def matches_finding(figure: str, finding: dict[str, Any]) -> bool:
    """Whether a number of the figure, to the precision written, is one of the finding's numbers. A finding
    with a number that is not one (its file's problem, reported there) is not held against the figure."""
    numbers = [finding[k] for k in FINDING_NUMBERS if k in finding]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in numbers):
        return True
    known = [Decimal(str(v)) for v in numbers]
    for value, places in figure_numbers(figure):
        step = Decimal(1).scaleb(-places)
        for number in known:
            if abs(number - value) <= step / 2:
                return True
    return False


# --- Which fields hold the notation: those the schemas mark ---

JsonPath = tuple[str | int, ...]


@cache  # read from the schema once, not once for each of thousands of documents
def linked_fields(kind: str) -> tuple[tuple[str, ...], ...]:
    """The paths (with "[]" for every item of a list) of the fields of kind that may link figures."""
    found: list[tuple[str, ...]] = []

    def walk(node: dict[str, Any], current: str, path: tuple[str, ...]) -> None:
        node, current = resolve_ref(node, current)
        if node.get("x-figure-links"):
            found.append(path)
        for name, sub in node.get("properties", {}).items():
            walk(sub, current, (*path, name))
        if isinstance(node.get("items"), dict):
            walk(node["items"], current, (*path, "[]"))

    walk(schema(kind), f"{kind}.schema.json", ())
    return tuple(found)


def linked_values(data: Any, kind: str) -> Iterator[tuple[JsonPath, str]]:
    """Every text in data (a document of kind) that may link figures, with its path."""
    for fields in linked_fields(kind):
        yield from _values_at(data, fields, ())


def _values_at(data: Any, fields: tuple[str, ...], path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    if not fields:
        if isinstance(data, str):
            yield path, data
        return
    head, rest = fields[0], fields[1:]
    if head == "[]" and isinstance(data, list):
        for i, item in enumerate(data):
            yield from _values_at(item, rest, (*path, i))
    elif isinstance(data, dict) and head in data:
        yield from _values_at(data[head], rest, (*path, head))


def plain_record(data: Any, kind: str) -> Any:
    """A copy of a validated document with each linked text as the reader reads it (for the data files)."""
    record = copy.deepcopy(data)
    for path, text in list(linked_values(record, kind)):
        target = record
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = LinkedText.parse(text).plain
    return record

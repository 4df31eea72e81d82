"""Placeholders: the example text that `compendium init` and `compendium new` write, which must be replaced.

Every such text starts with MARK. Left in place, each one is a warning (so that a new compendium builds
at once, showing where its text is still missing) and, under --strict, an error: an example claimant,
quote or source is not part of a record that is published.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from compendium.diagnostics import Diagnostic
from compendium.input.load import Sources
from compendium.intake import MAX_YAML_BYTES, IntakeError, quote, read_limited
from compendium.paths import DOCS_DIR, METHOD_PAGE
from compendium.yamlfile import JsonPath

MARK = "REPLACE:"
# The hand-written files `compendium init` writes with placeholders in them, besides the data files.
HAND_WRITTEN = ("mkdocs.yml", f"{DOCS_DIR}/index.md", f"{DOCS_DIR}/{METHOD_PAGE}")
_SHOWN = 60  # characters of a placeholder quoted in its warning


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and value.lstrip().startswith(MARK)


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return quote(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


def _holds_mark(data: Any) -> bool:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if MARK in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _strings(value: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, sub in value.items():
            yield from _strings(sub, (*path, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _strings(sub, (*path, index))


def placeholder_problems(sources: Sources) -> list[Diagnostic]:
    """A warning for each file that still holds placeholders (at the first, with how many there are), and for
    each reference of references.bib that does."""
    problems: list[Diagnostic] = []
    documents = [*(d for folder in sources.items.values() for d in folder.values()), *sources.singles.values()]
    for document in documents:
        if not _holds_mark(document.data):  # the usual case, found without making a path for every value
            continue
        found = [(path, text) for path, text in _strings(document.data, ()) if is_placeholder(text)]
        if found:
            first = document.position(found[0][0])
            problems.append(_diagnostic(document.display, first.line, first.column, [t for _, t in found],
                                        "the comment above each field says what belongs there"))
    for key, reference in sources.references.items():
        if not _holds_mark([reference.csl, reference.offline, reference.unverified]):
            continue
        fields = sorted({name for name, text in _csl_strings(reference.csl) if is_placeholder(text)})
        fields += [name for name in ("offline", "unverified") if is_placeholder(getattr(reference, name))]
        if fields:
            problems.append(Diagnostic(
                sources.bib_display(), reference.line, 1,
                f"reference {quote(key)}: placeholder text not replaced yet in {', '.join(fields)}",
                "write the source's real details in the entry (title, author, year, and a doi or url), or remove "
                "the entry; --strict refuses a placeholder", "warning"))
    for name in HAND_WRITTEN:
        problems.extend(_page_placeholders(sources, name))
    return problems


def _diagnostic(display: str, line: int, column: int, texts: list[str], where: str) -> Diagnostic:
    more = f" (and {len(texts) - 1} more in the file)" if len(texts) > 1 else ""
    return Diagnostic(display, line, column, f"placeholder text not replaced yet: {_shown(texts[0])}{more}",
                      f"write the real text in place of each one starting with {MARK} ({where}); --strict "
                      "refuses a placeholder", "warning")


def _csl_strings(csl: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name, value in csl.items():
        for _, text in _strings(value, ()):
            yield name, text


def _page_placeholders(sources: Sources, name: str) -> Iterator[Diagnostic]:
    try:
        text = read_limited(sources.root / name, MAX_YAML_BYTES).decode("utf-8", "replace")
    except IntakeError:  # absent or unreadable: the checks that need the file say so
        return
    found = [(number, line.find(MARK), line[line.find(MARK):].rstrip("\"' ")) for number, line
             in enumerate(text.splitlines(), start=1) if MARK in line]
    if found:
        yield _diagnostic(name, found[0][0], found[0][1] + 1, [text for _, _, text in found], "your own words")

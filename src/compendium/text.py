"""Contributor text made safe for Markdown pages: shown exactly as typed, never run or interpreted.

Data files are untrusted. Every character that Markdown or HTML would act on is written as a numeric
character reference, which the reader's browser shows as the character itself. Paragraphs (blank
lines) are kept; single line breaks become spaces, and leading spaces never make a code block.
Bidirectional overrides and zero-width characters are removed: invisible, they can only mislead.
"""

from __future__ import annotations

import re

from markupsafe import Markup

# HTML's own specials, and Markdown's: emphasis, links and images, attribute lists, tables,
# headings, code, and the characters that start a list or a quote at the beginning of a line.
_SPECIAL = {c: f"&#{ord(c)};" for c in "&<>\"'\\`*_[]{}|#~:=^$"}
_TRANSLATION = str.maketrans(_SPECIAL)
_LIST_START = re.compile(r"^(\d*)([-+.)])(?=\s|$)")
BIDI_AND_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def escape_inline(value: object) -> Markup:
    """One line of text: whitespace collapsed, every special character escaped."""
    text = " ".join(str(value).split())
    text = BIDI_AND_INVISIBLE.sub("", text)
    text = text.translate(_TRANSLATION)
    # A list marker ("-", "+", "1.") at the start would make a list of the text.
    text = _LIST_START.sub(lambda m: m.group(1) + f"&#{ord(m.group(2))};", text)
    return Markup(text)


def paragraphs(value: object) -> list[Markup]:
    """The text's paragraphs, each escaped as one line."""
    return [escape_inline(p) for p in re.split(r"\n\s*\n", str(value)) if p.strip()]


def escape_block(value: object, prefix: str = "") -> Markup:
    """Paragraphs separated by blank lines; prefix (such as '> ') starts every line."""
    blank = prefix.rstrip()
    return Markup(f"\n{blank}\n".join(f"{prefix}{p}" for p in paragraphs(value)))


def finalize(value: object) -> object:
    """jinja2 finalize hook: anything not already marked safe is escaped, so a template cannot forget."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return escape_inline(value)

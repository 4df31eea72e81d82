"""Contributor text made safe for pages and data files: shown exactly as typed, never run or interpreted.

Data files are untrusted. Every character that Markdown or HTML would act on is written as a numeric
character reference, which the reader's browser shows as the character itself. Paragraphs (blank
lines) are kept; single line breaks become spaces, and leading spaces never make a code block.
Bidirectional overrides and zero-width characters are removed: invisible, they can only mislead.

Block-level Markdown (rules, setext underlines, lists, quotes, headings, fences, admonitions `!!!`,
details `???`, blocks `///` and `:::`, snippets `--8<--`, definitions) is recognised only at the start
of a line, and each escaped paragraph is one line: so its first character, when it is ASCII
punctuation, is always written as a reference, and nothing can start a block. Characters that are
rare in prose and start an inline construct anywhere are always escaped; common ones (`-`, `.`, `!`,
`(`, `/`, `?`) only at the start, where they could begin a block.

CSV cells that a spreadsheet would evaluate as a formula are neutralised by spreadsheet_cell.
"""

from __future__ import annotations

import csv
import io
import re
import string
from collections.abc import Iterable, Sequence

from markupsafe import Markup

# HTML's own specials, and Markdown's: emphasis, links and images, attribute lists, tables,
# headings, code, and the characters that start a list or a quote at the beginning of a line; `+` for
# the keys and critic-markup extensions (++ctrl++, {++ ++}), should they ever be enabled.
_SPECIAL = {c: f"&#{ord(c)};" for c in "&<>\"'\\`*_[]{}|#~:=^$+"}
_TRANSLATION = str.maketrans(_SPECIAL)
# At the start of a paragraph, any ASCII punctuation: every block construct begins with one.
_FIRST = {c: f"&#{ord(c)};" for c in string.punctuation}
# A number followed by "." or ")" would start an ordered list ("1. not a list").
_LIST_START = re.compile(r"^(\d+)([.)])(?=\s|$)")
BIDI_AND_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def escape_inline(value: object) -> Markup:
    """One line of text: whitespace collapsed, every special character escaped."""
    # Invisible characters go first, so that none can hide a leading space or split a run of spaces.
    text = " ".join(BIDI_AND_INVISIBLE.sub("", str(value)).split())
    if text[:1] in _FIRST:
        # "---", "!!! danger", "- item", "> quote", "--8<--" and the like: the first character starts blocks.
        return Markup(_FIRST[text[0]] + text[1:].translate(_TRANSLATION))
    text = _LIST_START.sub(lambda m: m.group(1) + f"&#{ord(m.group(2))};", text.translate(_TRANSLATION))
    return Markup(text)


def plain_paragraphs(value: str | None) -> list[str]:
    """The text's paragraphs (split at blank lines), whitespace collapsed: for pages and the PDF alike."""
    if not value:
        return []
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", value) if p.strip()]


def paragraphs(value: object) -> list[Markup]:
    """The text's paragraphs, each escaped as one line."""
    return [line for p in plain_paragraphs(str(value)) if (line := escape_inline(p))]


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


# A cell beginning with one of these is a formula to Excel, LibreOffice and Google Sheets (OWASP's list);
# some also skip leading spaces before looking.
_FORMULA_START = frozenset("=+-@\t\r")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as typed. Text that would start a formula gets a leading "'"
    (OWASP's advice), which spreadsheets read as "this is text"; an int or a float stays a number, so -5
    from a figure is still -5, while the text "-5" becomes "'-5"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    if text[:1] in _FORMULA_START or text.lstrip()[:1] in _FORMULA_START:
        return "'" + text
    return text


def csv_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV file, every cell through spreadsheet_cell: the one way the build writes CSV.

    Every text cell is quoted, numbers are not (as OWASP advises, and as csv.QUOTE_NONNUMERIC reads them
    back): unquoted, a carriage return inside a cell would end the row for a reader, and the text after it
    would start a cell of its own, unneutralised; so would a ";" for a spreadsheet that splits on it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([spreadsheet_cell(cell) for cell in header])
    writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def cut_at_word(text: str, limit: int) -> str:
    """text on one line, cut at the last word that fits within limit characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]  # one more than fits with the ellipsis: a space there means a whole word before it
    cut = cut[:cut.rindex(" ")] if " " in cut else cut[:limit - 1]
    return cut.rstrip(" ,;:.-–—") + "…"

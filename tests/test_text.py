"""Contributor text reaches pages as text: Markdown and HTML in it are shown, never interpreted, at block
level as inline; and no CSV cell the build writes is a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from typing import Any

import markdown
import pytest

from compendium.settings import read_mkdocs_config
from compendium.text import csv_table, escape_block, escape_inline, spreadsheet_cell

from conftest import REPO

EXTENSIONS = ["attr_list", "md_in_html", "tables", "admonition", "toc"]


def _html(source: str) -> str:
    return markdown.markdown(source, extensions=EXTENSIONS)


def _site_markdown(wider: bool = False) -> markdown.Markdown:
    """Python-Markdown configured as mkdocs.yml configures the site, snippets reading from the repository's
    top level (where README.md is); wider adds extensions the site could enable later."""
    extensions: list[Any] = []
    configs: dict[str, dict[str, Any]] = {}
    for entry in read_mkdocs_config(REPO / "mkdocs.yml")["markdown_extensions"]:
        name, config = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        extensions.append(name)
        configs[name] = dict(config or {})
    assert "pymdownx.snippets" in configs
    configs["pymdownx.snippets"]["base_path"] = [str(REPO)]
    if wider:
        extensions += ["pymdownx.details", "pymdownx.blocks.admonition", "pymdownx.blocks.details",
                       "pymdownx.blocks.html", "pymdownx.superfences", "pymdownx.keys", "pymdownx.critic",
                       "pymdownx.mark", "pymdownx.caret", "pymdownx.tilde", "pymdownx.smartsymbols",
                       "pymdownx.tasklist", "def_list", "footnotes", "abbr", "md_in_html"]
    return markdown.Markdown(extensions=list(dict.fromkeys(extensions)), extension_configs=configs)


# Every construct Python-Markdown and the extensions recognise at the start of a block or a line.
BLOCK_PAYLOADS = [
    "---", "***", "___", "- - -", "* * *", "_ _ _", "-----------", "  ---  ",
    "Setext heading\n===", "Setext heading\n---", "===",
    '!!! danger "Pwned"\n    You have been hacked.', "!!! note", '???+ note "Open me"\n    hidden', "??? x",
    "/// admonition | Blocks\n    type: danger\n///", "/// details | x\n///", "/// note", "///", "::: block", ":::",
    '--8<-- "README.md"', "--8<--\nREADME.md\n--8<--", ';--8<-- "README.md"', "-8<- 'README.md'",
    "    indented code", "\tcode", "```\nfenced\n```", "~~~python\nfenced\n~~~",
    "- item", "* item", "+ item", "1. item", "2023. A year", "1) item", "-item", "- [ ] task",
    "> quote", ">quote", "# heading", "###### heading", "#heading",
    "| a | b |\n|---|---|\n| 1 | 2 |", "a | b\n--- | ---\n1 | 2", "a\n:-:",
    "<div>html</div>", "<!-- comment -->", "<details><summary>x</summary>y</details>", "<?php x ?>",
    "[^1]: footnote", "*[HTML]: HyperText", "[ref]: http://x.example", "[TOC]", "{: .cls }",
    "Term\n: definition", "++ctrl+alt+del++", "{++added++}", "{~~a~>b~~}", "==mark==", "^^sup^^", "~~del~~",
    "-->", "<--", "=/=", "+/-", "\\---", "&#45;--", "&amp;",
    "a\n\n---\n\nb", "one\n\n!!! danger\n\n    two", "first\n    ---",
]
FORBIDDEN = re.compile(r"<(hr|h[1-6]|pre|code|ul|ol|li|blockquote|table|div|details|dl|kbd|ins|del|mark|sup|sub"
                       r"|script|summary|abbr|input|a|img)\b|class=\"admonition", re.I)


def _visible(html: str) -> str:
    parser = HTMLParser(convert_charrefs=True)
    parts: list[str] = []
    parser.handle_data = parts.append  # type: ignore[method-assign]
    parser.feed(html)
    return " ".join("".join(parts).split())


def _plain(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("wider", [False, True], ids=["mkdocs.yml", "more-extensions"])
@pytest.mark.parametrize("text", BLOCK_PAYLOADS)
def test_block_markdown_stays_plain_text(text: str, wider: bool) -> None:
    md = _site_markdown(wider)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = md.convert(str(escape_block(text)))
    assert html.count("<p>") == len(paragraphs), html
    assert not FORBIDDEN.search(html), html
    assert _visible(html) == _plain(text), html
    assert "IAPT Evidence Compendium" not in html  # nothing from README.md was included


@pytest.mark.parametrize("text", BLOCK_PAYLOADS)
def test_block_markdown_stays_plain_wherever_a_template_puts_it(text: str) -> None:
    """After a line (a setext underline), in a quote, a list item and a table cell, as the templates do."""
    md = _site_markdown()
    inline = escape_inline(text)
    after_a_line = md.reset().convert(f"**Claimed by** someone\n{inline}")
    assert after_a_line.count("<p>") == 1 and not re.search(r"<(h\d|hr|ul|ol|pre)\b", after_a_line), after_a_line
    quoted = md.reset().convert(f"{escape_block(text, '> ')}\n>\n> — source")
    assert quoted.count("<blockquote>") == 1 and not re.search(r"<(h\d|hr|ul|ol|pre|div)\b", quoted), quoted
    assert _visible(quoted) == _plain(f"{text} — source")
    item = md.reset().convert(f"- [A title](x.md): {inline}\n- {inline}")
    assert item.count("<li>") == 2 and not re.search(r"<(h\d|hr|ol|pre|div|blockquote)\b", item), item
    assert item.count("<ul>") == 1, item
    table = md.reset().convert(f"| Date | Why |\n|---|---|\n| 2020 | {inline} |")
    assert table.count("<td>") == 2 and _visible(table) == _plain(f"Date Why 2020 {text}"), table


def test_a_snippet_line_includes_nothing() -> None:
    md = _site_markdown()
    # The configuration works: an unescaped snippet line does include README.md ...
    assert "IAPT Evidence Compendium" in md.reset().convert('--8<-- "README.md"')
    # ... and an escaped one is shown as typed.
    for text in ('--8<-- "README.md"', "--8<--\nREADME.md\n--8<--"):
        html = md.reset().convert(str(escape_block(text)))
        assert _visible(html) == _plain(text) and "IAPT" not in html


def test_ordinary_prose_is_not_weighed_down() -> None:
    prose = "Recovery fell - from 50.8% to 9.2% (n = 90). Why? See p. 12, or www.example.org/a-b."
    assert str(escape_inline(prose)) == prose.replace("=", "&#61;")
    assert str(escape_inline("(Scott, 2018)")) == "&#40;Scott, 2018)"


def test_html_and_markdown_are_shown_not_run() -> None:
    text = '<script>alert(1)</script> [x](javascript:alert(2)) ![i](data:x) *em* `code` {: onclick="y" } | a |'
    html = _html(str(escape_inline(text)))
    assert "<script" not in html and "<a " not in html and "<img" not in html and "<em>" not in html
    assert "<code>" not in html and "onclick=" not in html.replace("onclick=&quot;", "")
    assert html.startswith("<p>&#60;script&#62;alert(1)&#60;/script&#62;")


def test_list_and_heading_markers_stay_text() -> None:
    for text in ("- not a list", "1. not a list", "# not a heading", "> not a quote", "    not code"):
        html = _html(str(escape_block(text)))
        assert html.startswith("<p>"), (text, html)


def test_paragraphs_are_kept_and_prefixed() -> None:
    assert str(escape_block("one\ntwo\n\nthree", "> ")) == "> one two\n>\n> three"


def test_bidi_overrides_and_zero_width_characters_are_removed() -> None:
    assert str(escape_inline("a\u202eb\u200bc\u2066d")) == "abcd"
    # Removed before spaces are collapsed, so none can hide a leading space before a list marker.
    assert str(escape_inline("\u200b - x")) == "&#45; x"
    assert escape_block("\u200b\n\nkept") == "kept"


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)*cmd|' /C calc'!A0", "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "  =1+1", "\n@x", "-5", "-", "="]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_starts_a_formula_is_neutralised(text: str) -> None:
    assert spreadsheet_cell(text) == "'" + text
    rows = list(csv.reader(io.StringIO(csv_table(["a", "b"], [[text, 1], [f"x{text}", 2]]), newline="")))
    # A carriage return or a newline inside a cell does not end the row: text cells are quoted.
    assert rows == [["a", "b"], ["'" + text, "1"], [f"x{text}", "2"]]


def test_numbers_stay_numbers_and_other_text_is_untouched() -> None:
    assert [spreadsheet_cell(v) for v in (-5, -0.3, 0, 12.5, True)] == [-5, -0.3, 0, 12.5, "True"]
    assert [spreadsheet_cell(v) for v in ("Recovery 50%", "'quoted", "a=b", "", None, "2023-01-01")] == \
        ["Recovery 50%", "'quoted", "a=b", "", "", "2023-01-01"]
    assert csv_table(["value"], [[-5], [-0.3], ["-5"]]) == '"value"\n-5\n-0.3\n"\'-5"\n'


def assert_no_formula_cells(table: str, where: str) -> None:
    """Every cell of a CSV read back by the csv module: none that a spreadsheet would evaluate, except a
    number (which the build writes only from numeric values)."""
    for row in csv.reader(io.StringIO(table, newline="")):
        for cell in row:
            if cell[:1] in "=+-@\t\r" or cell.lstrip()[:1] in "=+-@\t\r":
                assert re.fullmatch(r"-\d+(\.\d+)?(e-?\d+)?", cell), f"{where}: {cell!r}"

"""Contributor text reaches pages as text: Markdown and HTML in it are shown, never interpreted."""

from __future__ import annotations

import markdown

from compendium.text import escape_block, escape_inline

EXTENSIONS = ["attr_list", "md_in_html", "tables", "admonition", "toc"]


def _html(source: str) -> str:
    return markdown.markdown(source, extensions=EXTENSIONS)


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

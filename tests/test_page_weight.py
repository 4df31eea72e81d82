"""Claim pages are read on phones, often on slow connections: each built claim page, chrome included, is at
most CLAIM_PAGE_LIMIT bytes of HTML. And the white space taken out of the built pages (compact.py) changes
nothing a reader, a parser or a screen reader gets."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from compendium.web.compact import compact_html

from conftest import REPO

CLAIM_PAGE_LIMIT = 40 * 1024


def test_every_claim_page_is_at_most_40_kb(real_site: Path) -> None:
    claims = sorted(p.stem for p in (REPO / "claims").glob("*.yml"))
    sizes = {c: (real_site / "claims" / c / "index.html").stat().st_size for c in claims}
    over = {c: size for c, size in sizes.items() if size > CLAIM_PAGE_LIMIT}
    assert claims and not over, f"claim pages over {CLAIM_PAGE_LIMIT} bytes: {over}"


def _text(html: str) -> tuple[str, list[str]]:
    """What a reader gets: the words (white space collapsed, as a browser collapses it), and the <pre> text."""
    tree = lxml.html.fromstring(html)
    return " ".join(tree.text_content().split()), [p.text_content() for p in tree.iter("pre")]


def test_compacting_keeps_what_a_reader_gets(real_site: Path) -> None:
    page = (real_site / "claims" / "recovery-rate-50-percent" / "index.html").read_text("utf-8")
    assert "\n\n" not in page and "\n  <" not in page  # the built page is compact
    sample = ('<div>\n    <p>Two\n      words</p>\n\n</div><pre>keep\n    this</pre>'
              '<code>a\n   b</code><script>var s = "x\n   y";</script>')
    compact = compact_html(sample)
    assert compact == ('<div>\n<p>Two\nwords</p>\n</div><pre>keep\n    this</pre>'
                       '<code>a\n   b</code><script>var s = "x\n   y";</script>')
    assert _text(compact) == _text(sample)
    assert compact_html(compact) == compact

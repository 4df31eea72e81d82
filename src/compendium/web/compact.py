"""The built pages without the blank lines and indentation Material's templates leave between tags.

About a tenth of a claim page's bytes was white space that no browser shows: HTML collapses a run of spaces
and line breaks into one space (outside <pre> and the like), so every run that holds a line break is written
as one line break. The text of <pre>, <code>, <textarea>, <script> and <style>, where white space can matter,
is kept as it is. A page read by a browser, a parser or a screen reader is the same before and after.
"""

from __future__ import annotations

import re
from pathlib import Path

_KEPT_OR_BLANK = re.compile(r"(<(pre|code|textarea|script|style)\b.*?</\2\s*>)|[ \t\r\n\f]*\n[ \t\r\n\f]*",
                            re.S | re.I)


def compact_html(html: str) -> str:
    """html with every run of white space that holds a line break, outside the elements above, one line break."""
    return _KEPT_OR_BLANK.sub(lambda m: m.group(1) or "\n", html)


def compact_site(site: Path) -> None:
    """Every .html page under site, compacted in place (a page that is already compact is not rewritten)."""
    for page in sorted(site.rglob("*.html")):
        text = page.read_text("utf-8")
        compacted = compact_html(text)
        if compacted != text:
            page.write_text(compacted, "utf-8")

"""'Cite this page': a formatted citation and BibTeX for each page, naming the edition.

The citation is formatted by the same CSL processor and style as the references. One item with
placeholder title and address is formatted once and filled in per page: citeproc-py takes several
milliseconds an item, too slow for thousands of pages, and a webpage's title and address pass through
the style unchanged. That one item is cached as the references are (.cache/page-citation.json), so that
a build whose site name and edition did not change never loads citeproc-py.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from compendium.bibliography import format_references
from compendium.edition import Edition
from compendium.model import Reference
from compendium.paths import CACHE_DIR
from compendium.settings import SiteSettings
from compendium.text import BIDI_AND_INVISIBLE

CACHE = f"{CACHE_DIR}/page-citation.json"  # under the compendium's root: the last formatted placeholder citation
_TITLE, _URL = "\ue010title\ue011", "https://placeholder.invalid/\ue012"


@dataclass(frozen=True)
class PageCitation:
    text_html: str  # formatted citation, HTML-escaped, with the address as a link
    bibtex: str


def _bibtex_text(value: str) -> str:
    # Characters BibTeX gives meaning to, escaped so a title cannot end the field or the entry.
    return re.sub(r"([{}%&#_$\\])", lambda m: "\\" + m.group(1) if m.group(1) != "\\" else r"\textbackslash{}",
                  " ".join(value.split()))


class PageCiter:
    def __init__(self, settings: SiteSettings, edition: Edition, cache_file: Path | None = None):
        self.settings, self.edition = settings, edition
        year, month, day = (int(p) for p in edition.date.split("-"))
        item = {"id": "page", "type": "webpage", "title": _TITLE, "URL": _URL,
                "author": [{"literal": settings.site_name}], "container-title": settings.site_name,
                "issued": {"date-parts": [[year, month, day]]}}
        if edition.commit:
            item["version"] = f"edition {edition.commit}"
        self._template = format_references({"page": Reference("page", 0, item, "", "")}, cache_file)["page"]

    def cite(self, page: str, title: str) -> PageCitation:
        # One line: the citation sits in an HTML block, which a blank line in a title would end, and the
        # rest of the title would be read as Markdown.
        title = " ".join(BIDI_AND_INVISIBLE.sub("", title).split())
        # With no site_url in mkdocs.yml the site has no public address yet: the page's path is given as text,
        # not as a link, which from the page itself would lead nowhere.
        public = self.settings.page_url(page) if self.settings.site_url else ""
        url = public or f"{page}/"
        shown = f'<a href="{html.escape(url)}">{html.escape(url)}</a>' if public else html.escape(url)
        text = self._template.replace(_TITLE, html.escape(title)).replace(_URL, shown)
        key = re.sub(r"[^a-z0-9]+", "", self.settings.site_name.lower())[:20] + "-" + page.replace("/", "-")
        fields = [("author", "{" + _bibtex_text(self.settings.site_name) + "}"), ("title", _bibtex_text(title)),
                  ("year", self.edition.date[:4]), ("url", url), ("urldate", self.edition.date),
                  ("note", f"Edition {self.edition.label}")]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return PageCitation(f"{text} Edition {html.escape(self.edition.label)}.", f"@misc{{{key},\n{body}\n}}")

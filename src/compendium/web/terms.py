"""Glossary terms explained where they appear: the first use of each term on a page links to its definition
on the glossary page, with the definition as the link's title (a tooltip)."""

from __future__ import annotations

import re

from markupsafe import Markup

from compendium.model import GlossaryTerm
from compendium.text import escape_inline


class TermLinker:
    """Links the first use of each term on a page. Call start_page() before each page is rendered."""

    def __init__(self, terms: dict[str, GlossaryTerm]):
        # Matched in text already escaped for Markdown, so each form is escaped the same way; the longest
        # first, so that "reliable recovery" wins over "recovery".
        self._terms = {str(escape_inline(form)): term for term in terms.values() for form in term.forms}
        forms = sorted(self._terms, key=len, reverse=True)
        # Whole words only, and never inside a character reference (&#58;) that the escaping wrote.
        self._pattern = re.compile(r"(?<![\w&#-])(" + "|".join(map(re.escape, forms)) + r")(?![\w-])") \
            if forms else None
        self._seen: set[str] = set()

    def start_page(self) -> None:
        self._seen.clear()

    def __call__(self, text: Markup, base: str) -> Markup:
        """text (escaped Markdown, as the block and finalize filters give it) with first uses linked."""
        if self._pattern is None:
            return Markup(text)

        def link(match: re.Match[str]) -> str:
            term = self._terms[match.group(1)]
            if term.id in self._seen:
                return match.group(0)
            self._seen.add(term.id)
            title = escape_inline(f"{term.expansion}: {term.definition}" if term.expansion else term.definition)
            return f'[{match.group(1)}]({base}glossary.md#{term.id} "{title}"){{ .cx-term }}'
        return Markup(self._pattern.sub(link, str(text)))

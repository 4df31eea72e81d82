"""What a generated page tells search engines and the places a link to it is shared, in its front matter:

- `description`: a claim's title with its verdict, certainty and conclusion; an evidence item's title with
  its certainty and summary; a topic's description; a chart's title and caption; any other page's first
  paragraph (the sentence that says what the page lists). Plain text, on one line, cut at a word to
  DESCRIPTION_LIMIT characters. The theme (theme/main.html) writes it as the meta description and as
  Open Graph's and X's, escaped as attribute text; a page without one gets the site's description.
- `share`: the picture shown with a shared link (og:image): the claim's own card on a claim page, the
  site's card on every other generated page (sharecard.py draws them), with its size and its text as
  alternative text. Its address must be absolute, so without a site_url in mkdocs.yml there is none.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import markdown

from compendium.model import Claim, Compendium
from compendium.settings import SiteSettings
from compendium.text import cut_at_word
from compendium.web.searchmeta import with_front_matter
from compendium.web.sharecard import claim_card, share_image, site_card
from compendium.wording import CERTAINTY

# X shows at most 200 characters of a card's description, and search engines cut theirs shorter on their
# own. A claim's title is at most 120 characters (claim.schema.json), so its verdict always fits.
DESCRIPTION_LIMIT = 200


def trimmed(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """text on one line, cut at the last word that fits within limit characters, with an ellipsis."""
    return cut_at_word(text, limit)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_HEADING = re.compile(r"^#{1,6} ")


def _sentence(text: str) -> str:
    """text ending as a sentence does."""
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def claim_description(claim: Claim, verdict_label: str) -> str:
    """A claim page's description; verdict_label is its verdict in the compendium's words."""
    verdict = f"Verdict: {verdict_label}"
    if claim.certainty:
        verdict += f" (certainty: {CERTAINTY[claim.certainty]})"
    return trimmed(" ".join(part for part in (_sentence(claim.title), f"{verdict}.",
                                            claim.conclusion.plain if claim.conclusion else "") if part))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def first_paragraph(page: str) -> str:
    """The text of the page's first paragraph after its heading, when that is what comes first ('' when
    a list, a table or another heading comes first): the page's Markdown rendered, its tags left out."""
    body = _FRONT_MATTER.sub("", page, count=1)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body) if b.strip()]
    while blocks and _HEADING.match(blocks[0]) and "\n" not in blocks[0]:
        blocks.pop(0)
    if not blocks or _HEADING.match(blocks[0]):
        return ""
    rendered = markdown.markdown(blocks[0], extensions=["attr_list"])
    if not (rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1):
        return ""
    parser = _Text()
    parser.feed(rendered)
    return " ".join("".join(parser.parts).split())


def page_description(path: str, page: str, compendium: Compendium) -> str:
    """The description of the generated page at path (under docs/), or '' for the site's."""
    kind, _, name = path.removesuffix(".md").partition("/")
    if kind == "claims" and name in compendium.claims:
        claim = compendium.claims[name]
        return claim_description(claim, compendium.verdicts[claim.rating].label)
    if kind == "evidence" and name in compendium.evidence:
        item = compendium.evidence[name]
        certainty = CERTAINTY[item.quality.certainty]
        return trimmed(f"{_sentence(item.title)} Evidence of {certainty} certainty: {item.summary}")
    if kind == "topics" and name in compendium.topics:
        return trimmed(compendium.topics[name].description)
    if kind == "charts" and name in compendium.charts:
        chart = compendium.charts[name]
        return trimmed(f"{_sentence(chart.title)} {chart.caption}")
    return trimmed(first_paragraph(page))


def add_sharing(pages: dict[str, str | bytes], compendium: Compendium, settings: SiteSettings) -> None:
    """Give every generated Markdown page its description and picture (see the module's doc). Parts of
    pages (under a folder starting with a dot, such as docs/.includes/) are left as they are."""
    site = site_card(settings)
    for path, page in pages.items():
        if not path.endswith(".md") or not isinstance(page, str) or any(p.startswith(".") for p in path.split("/")):
            continue
        kind, _, name = path.removesuffix(".md").partition("/")
        claim = compendium.claims.get(name) if kind == "claims" else None
        card = claim_card(claim, settings, compendium.verdicts[claim.rating].label) if claim else site
        meta: dict[str, Any] = {}
        description = page_description(path, page, compendium)
        if description:
            meta["description"] = description
        image = share_image(card, settings)
        if image:
            meta["share"] = image
        if meta:
            pages[path] = with_front_matter(page, meta)

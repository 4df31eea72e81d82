"""Sharing a link: every page's description and Open Graph tags, read back with an HTML parser; the share
cards, read back with Pillow; cards the same bytes from build to build, and drawn only when they change."""

from __future__ import annotations

import dataclasses
import io
import re
import sys
from pathlib import Path

import lxml.html
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data
from PIL import Image

from compendium.edition import Edition
from compendium.figurelinks import LinkedText
from compendium.paths import CACHE_DIR
from compendium.pipeline import build, check
from compendium.settings import read_settings
from compendium.web.render import render_pages
from compendium.web.sharecard import (
    CARDS,
    HEIGHT,
    SITE_CARD,
    WIDTH,
    Card,
    CardStats,
    Fonts,
    card_file,
    claim_card,
    draw_card,
    layout,
    render_cards,
    wrap,
)
from compendium.web.sharemeta import DESCRIPTION_LIMIT, claim_description, trimmed
from compendium.wording import rating_label

from conftest import SAMPLE, TESTS, copy_sample

sys.path.insert(0, str(TESTS / "hostile"))
from make_hostile import PAYLOADS, make_hostile

SITE_URL = "https://example.org/sample/"
# The pages written by hand (docs/*.md) and MkDocs' 404 page: no share card of their own.
HAND_WRITTEN = {"index.html", "method/index.html", "404.html"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("sharing"))
    result = build(root, pdf=False)
    assert result.site_ok, result.site_output
    assert result.cards == CardStats(drawn=3, cached=0)  # the site's card and one per claim
    return root


def _head(page: Path) -> dict[str, list[str]]:
    """Each meta tag's content and the canonical link, by its name or property, as a browser reads them."""
    tree = lxml.html.fromstring(page.read_bytes())
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name")
        if key:
            found.setdefault(key, []).append(meta.get("content", ""))
    for link in tree.xpath("//link[@rel='canonical']"):
        found.setdefault("canonical", []).append(link.get("href"))
    return found


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).as_posix().startswith("assets/"))


def _address(page: str) -> str:
    """The public address of a built page."""
    return SITE_URL + page.removesuffix("index.html")


def test_every_page_has_one_description_and_the_open_graph_tags(built: Path) -> None:
    site = built / "site"
    description = yaml.safe_load((built / "mkdocs.yml").read_text("utf-8"))["site_description"]
    pages = _pages(site)
    assert len(pages) > 15
    for page in pages:
        head = _head(site / page)
        for key in ("description", "og:description", "og:title", "og:type", "og:site_name", "twitter:card"):
            assert len(head.get(key, [])) == 1 and head[key][0].strip(), (page, key, head.get(key))
        assert head["og:description"] == head["description"]
        assert len(head["description"][0]) <= DESCRIPTION_LIMIT, page
        assert head["og:site_name"] == ["Sample Compendium"]
        if page == "404.html":  # no address of its own
            assert "og:url" not in head
            continue
        assert head["og:url"] == [_address(page)] == head["canonical"], page
        assert head["og:type"] == ["website" if page == "index.html" else "article"]
        image = head["og:image"]
        if page in HAND_WRITTEN:  # the site's description and the site's card (the engine's, through extra)
            assert head["description"] == [description], page
            assert image == [SITE_URL + card_file(SITE_CARD)], (page, image)
        else:
            assert head["description"] != [description], f"{page} has the site's description, not its own"
        assert len(image) == 1 and image[0].startswith(SITE_URL + CARDS + "/"), (page, image)
        assert (site / image[0].removeprefix(SITE_URL)).is_file(), image  # the address is the file's
        assert (head["og:image:width"], head["og:image:height"]) == ([str(WIDTH)], [str(HEIGHT)])
        assert head["og:image:alt"][0].strip() and head["twitter:card"] == ["summary_large_image"]


def test_a_claim_page_is_shared_with_its_verdict_and_its_own_card(built: Path) -> None:
    _, compendium = check(built)
    assert compendium is not None
    for claim in compendium.claims.values():
        head = _head(built / "site" / "claims" / claim.id / "index.html")
        assert head["og:title"] == [claim.title]
        text = head["description"][0]
        assert text.startswith(claim.title) and f"Verdict: {rating_label(claim.rating)}" in text
        assert claim.certainty and f"certainty: {claim.certainty.replace('-', ' ')}" in text
        assert head["og:image"] == [SITE_URL + card_file(claim.id)]
        assert claim.title in head["og:image:alt"][0] and rating_label(claim.rating) in head["og:image:alt"][0]
    evidence = next(iter(compendium.evidence.values()))
    assert _head(built / "site" / "evidence" / evidence.id / "index.html")["description"][0].startswith(evidence.title)
    topic = next(iter(compendium.topics.values()))
    assert _head(built / "site" / "topics" / topic.id / "index.html")["description"] == [topic.description]
    for page in ("claims/index.html", "evidence/index.html"):
        assert _head(built / "site" / page)["og:image"] == [SITE_URL + card_file(SITE_CARD)]


def test_the_cards_are_pngs_of_1200_by_630(built: Path) -> None:
    _, compendium = check(built)
    assert compendium is not None
    names = [SITE_CARD, *compendium.claims]
    for name in names:
        data = (built / "site" / card_file(name)).read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            assert (image.format, image.size, image.mode) == ("PNG", (WIDTH, HEIGHT), "P")
            assert len(image.getcolors(1 << 16) or []) > 20  # text was drawn, anti-aliased, on the ground
            assert not image.info, image.info  # no metadata: no software version, no date
    assert sorted(p.stem for p in (built / "site" / CARDS).glob("*.png")) == sorted(names)


def test_two_builds_draw_the_same_bytes_and_a_build_with_no_change_draws_none(built: Path, tmp_path: Path) -> None:
    again = copy_sample(tmp_path)
    result = build(again, make_site=False)
    assert result.cards == CardStats(drawn=3, cached=0)
    first = {p.name: p.read_bytes() for p in (built / "docs" / CARDS).glob("*.png")}
    second = {p.name: p.read_bytes() for p in (again / "docs" / CARDS).glob("*.png")}
    assert first == second and len(first) == 3

    stamps = {p: p.stat().st_mtime_ns for p in (again / "docs" / CARDS).glob("*.png")}
    unchanged = build(again, make_site=False)  # nothing changed: the cards are not even looked at
    assert unchanged.checks_reused and unchanged.cards is None
    topics = again / "topics.yml"  # a change that no card shows: each is found in the cache
    topics.write_text(topics.read_text("utf-8") + "\n", "utf-8")
    assert build(again, make_site=False).cards == CardStats(drawn=0, cached=3)
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps

    # A changed title redraws its claim's card alone; a card changed on disk is drawn again.
    claim = again / "claims" / "programme-pays-for-itself.yml"
    claim.write_text(claim.read_text("utf-8").replace("title: The programme pays for itself",
                                                      "title: The programme more than pays for itself"), "utf-8")
    (again / "docs" / card_file(SITE_CARD)).write_bytes(b"not a png")
    assert build(again, make_site=False).cards == CardStats(drawn=2, cached=1)
    assert (again / "docs" / card_file(SITE_CARD)).read_bytes() == first[f"{SITE_CARD}.png"]
    assert (again / "docs" / card_file("programme-pays-for-itself")).read_bytes() != \
        first["programme-pays-for-itself.png"]
    assert (again / CACHE_DIR / "cards.json").is_file()


def test_without_a_site_url_no_absolute_address_is_written(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_url: .*\n", "", config.read_text("utf-8")), "utf-8")
    result = build(root, pdf=False)
    assert result.site_ok, result.site_output
    for page in _pages(root / "site"):
        head = _head(root / "site" / page)
        assert len(head["description"]) == 1 and len(head["og:title"]) == 1, page
        assert not {"og:url", "og:image", "og:image:alt", "canonical"} & head.keys(), (page, head)
        assert head["twitter:card"] == ["summary"]
    assert (root / "site" / card_file("programme-pays-for-itself")).is_file()  # drawn all the same


def test_a_description_is_cut_at_a_word() -> None:
    text = "word " * 100
    cut = trimmed(text)
    assert len(cut) <= DESCRIPTION_LIMIT and cut.endswith("word…") and "  " not in cut
    assert trimmed("a" * 300) == "a" * (DESCRIPTION_LIMIT - 1) + "…"
    assert trimmed("  Short,\n\nand on one line.  ") == "Short, and on one line."
    _, compendium = check(SAMPLE)
    assert compendium is not None
    claim = dataclasses.replace(compendium.claims["programme-pays-for-itself"], title="T" * 120,
                                conclusion=LinkedText.parse("Long words " * 40))
    text = claim_description(claim, compendium.verdicts[claim.rating].label)
    assert len(text) <= DESCRIPTION_LIMIT and "Verdict: Unproven (certainty: very low)." in text  # always kept


def test_a_title_is_wrapped_at_words_and_cut_with_an_ellipsis() -> None:
    def width(text: str) -> float:
        return float(len(text))

    assert wrap("one two three four", width, 9, 3) == ["one two", "three", "four"]
    assert wrap("one two three four five six", width, 9, 2) == ["one two", "three…"]
    assert wrap("abcdefghijklmnop", width, 5, 4) == ["abcde", "fghij", "klmno", "p"]  # a word wider than a line
    assert all(len(line) <= 9 for line in wrap("x " * 50, width, 9, 3))


def _card_text(card: Card) -> list[str]:
    """The lines of text drawn on the card, as they are given to Pillow to draw."""
    return [line.text for line in layout(card, Fonts().measure)]


@pytest.mark.parametrize("title", [p for p in PAYLOADS if len(p) <= 60])
def test_a_hostile_title_is_drawn_as_typed(title: str) -> None:
    card = Card("x", "Site", title, "Verdict: Misleading", "Certainty of the evidence: low", "example.org", "")
    lines = _card_text(card)
    visible = " ".join(re.sub("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]", "", title).split())
    # Between the band and the verdict, certainty and address; a word too long for a line is broken in two.
    assert "".join(lines[1:-3]).replace(" ", "") == visible.replace(" ", "")
    png = draw_card(card)  # drawn as typed: no markup or mathematics to refuse it
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (WIDTH, HEIGHT)


def test_hostile_titles_are_literal_in_the_tags_and_on_the_cards(tmp_path: Path) -> None:
    root = copy_sample(tmp_path)
    make_hostile(root)
    result = build(root, pdf=False)
    assert result.site_ok, result.site_output
    _, compendium = check(root)
    assert compendium is not None
    for claim in compendium.claims.values():
        assert claim.title in PAYLOADS
        head = _head(root / "site" / "claims" / claim.id / "index.html")
        assert head["og:title"] == [" ".join(claim.title.split())]
        assert head["description"][0].startswith(" ".join(claim.title.split()))
        assert head["og:image:alt"][0].startswith(" ".join(claim.title.split()))
        raw = (root / "site" / "claims" / claim.id / "index.html").read_text("utf-8")
        head_html = raw[:raw.index("</head>")]
        assert claim.title not in head_html or "<" not in claim.title  # as text, never as markup
        # The card published is the one drawn from the title as typed (whose text is checked above).
        card = claim_card(claim, read_settings(root), compendium.verdicts[claim.rating].label)
        assert card.title == claim.title and _card_text(card)[1:-3]
        assert (root / "site" / card_file(claim.id)).read_bytes() == draw_card(card)


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=3, max_size=120).filter(
    lambda s: s.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT)
def test_any_title_keeps_the_front_matter_readable(sample_copy: Path, title: str) -> None:
    """MkDocs reads each page's front matter with YAML; a value it cannot read drops the whole of it
    (a character beyond U+FFFF written as a JSON surrogate pair did)."""
    _, compendium = check(sample_copy)
    assert compendium is not None
    claim = dataclasses.replace(compendium.claims["programme-pays-for-itself"], title=title, statement=title)
    compendium = dataclasses.replace(compendium, claims={**compendium.claims, claim.id: claim})
    page = str(render_pages(compendium, read_settings(sample_copy), Edition("2026-01-01", ""))[
        "claims/programme-pays-for-itself.md"])
    _, meta = get_data(page)
    assert meta["description"] == claim_description(claim, compendium.verdicts[claim.rating].label)
    assert meta["jsonld"]["claimReviewed"] == title
    assert meta["share"]["image"] == SITE_URL + card_file(claim.id)


def test_cards_drawn_by_one_or_two_processes_are_the_same_bytes(tmp_path: Path) -> None:
    _, compendium = check(SAMPLE)
    assert compendium is not None
    drawn = {}
    for workers in (1, 2):
        docs = tmp_path / f"docs-{workers}"
        files, stats = render_cards(compendium, read_settings(SAMPLE), docs, tmp_path / f"cards-{workers}.json",
                                    workers=workers)
        assert stats == CardStats(drawn=3, cached=0)
        drawn[workers] = {name: (docs / name).read_bytes() for name in files}
    assert drawn[1] == drawn[2] and len(drawn[1]) == 3


def test_the_record_shares_every_claim_with_its_card(real_record: Path, real_site: Path) -> None:
    """This compendium as built: every page one description; every claim its own card; the hand-written
    pages their own descriptions (docs/method.md, docs/contributing.md) or the site's (the home page)."""
    site_settings = read_settings(real_record)
    _, compendium = check(real_record)
    assert compendium is not None and site_settings.site_url
    descriptions = {}
    for page in _pages(real_site):
        head = _head(real_site / page)
        assert len(head.get("description", [])) == 1 and len(head["og:title"]) == 1, page
        descriptions[page] = head["description"][0]
    assert descriptions["index.html"] == site_settings.site_description
    for page in ("method/index.html", "contributing/index.html"):
        _, meta = get_data((real_record / "docs" / page.replace("/index.html", ".md")).read_text("utf-8"))
        assert descriptions[page] == " ".join(meta["description"].split())
    for claim in compendium.claims.values():
        head = _head(real_site / "claims" / claim.id / "index.html")
        assert head["description"] == [claim_description(claim, compendium.verdicts[claim.rating].label)]
        assert head["og:image"] == [site_settings.site_url + card_file(claim.id)]
        with Image.open(real_site / card_file(claim.id)) as image:
            assert image.size == (WIDTH, HEIGHT)

"""Finding things, in Chromium: search ranks claims first and labels every result; the claims and evidence
indexes sort and filter (and are whole without a script); the home page leads to the claims."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .search import search
from .support import PHONE, Site, browser_context, watch

RECOVERY = "/claims/recovery-rate-50-percent/"
ZERO_NET_COST = "/claims/zero-net-cost/"
# What a reader types, and the claim that must come first (or among the first three) on the real record.
FIRST = {
    "51% recovery": RECOVERY, "recovery": RECOVERY, "half recover": RECOVERY,
    "NICE recommended": "/claims/nice-recommended-treatments/",
    "independently evaluated": "/claims/never-independently-evaluated/",
    "one million people": "/claims/nice-recommended-treatments/",
    "cost": ZERO_NET_COST,
}
TOP_THREE = {"zero net cost": ZERO_NET_COST, "pays for itself": ZERO_NET_COST,
             "drop out": "/claims/drop-out-before-treatment-31-percent/"}
# A result's label: what kind of page it is, and for a claim its verdict.
KINDS = re.compile(r"^(Claim · (Accurate|Mostly accurate|Misleading|Inaccurate|Unproven)"
                   r"|Evidence · (High|Moderate|Low|Very low) certainty|Chart|Charts|Topic|List of [\w ]+|References"
                   r"|Timeline|Changes|Open data|For contributors.*|Glossary|Method|About|Home|Series of releases)$")


@pytest.mark.parametrize("query", sorted(FIRST))
def test_search_gives_the_claim_first(chromium: Browser, real_site: Site, page: Page, query: str) -> None:
    page.goto(real_site.url)
    results = search(page, query)
    assert results[:1] == [FIRST[query]], f"{query!r}: {results[:5]}"


@pytest.mark.parametrize("query", sorted(TOP_THREE))
def test_search_gives_the_claim_among_the_first_three(chromium: Browser, real_site: Site, page: Page,
                                                      query: str) -> None:
    page.goto(real_site.url)
    results = search(page, query)
    assert TOP_THREE[query] in results[:3], f"{query!r}: {results[:5]}"


@pytest.mark.parametrize("query", ["recovery", "pays for itself", "Scott", "method"])
def test_every_search_result_names_its_kind(chromium: Browser, real_site: Site, page: Page, query: str) -> None:
    page.goto(real_site.url)
    search(page, query)
    items = page.locator("li.md-search-result__item > a.md-search-result__link > article")
    labels = items.evaluate_all("""articles => articles.map(a => {
        const tag = a.querySelector('.md-tag');
        return [a.closest('a').getAttribute('href'), tag ? tag.innerText.replace('\\u2060', '').trim() : null];
    })""")
    assert labels, query
    unlabelled = [(href, label) for href, label in labels if label is None or not KINDS.match(label)]
    assert not unlabelled, f"{query!r}: results without a kind: {unlabelled[:5]}"
    # A claim's label is its kind and verdict only: the words it is found by are not shown.
    for tag in page.locator("li.md-search-result__item .md-tag", has_text="Claim ·").all()[:3]:
        expect(tag.locator("span[hidden]")).to_be_hidden()
        assert len(tag.inner_text()) < 40, tag.inner_text()


def test_claims_index_sorts_and_filters_and_keeps_the_choice_in_the_address(chromium: Browser,
                                                                             real_site: Site) -> None:
    with browser_context(chromium) as context:
        page = context.new_page()
        log = watch(page)
        page.goto(real_site.url + "claims/?verdict=mostly-accurate&side=critic")
        rows = page.locator(".cx-index tbody tr:not([hidden])")
        expect(page.locator(".cx-filters")).to_be_visible()
        assert rows.count() >= 1
        for row in rows.all():
            assert row.get_attribute("data-verdict") == "mostly-accurate" and row.get_attribute("data-side") == "critic"
        expect(page.locator(".cx-filters output")).to_have_text(re.compile(rf"^{rows.count()} of \d+ claims$"))
        page.locator(".cx-filters button[type=reset]").click()
        total = page.locator(".cx-index tbody tr").count()
        expect(rows).to_have_count(total)
        assert "verdict=" not in page.url
        # Sorting by the header: newest first, then oldest first.
        header = page.locator("th[data-sort=date] button")
        header.click()
        dates = page.locator(".cx-index tbody tr").evaluate_all("rows => rows.map(r => r.dataset.sortDate)")
        assert dates == sorted(dates, reverse=True)
        expect(page.locator("th[data-sort=date]")).to_have_attribute("aria-sort", "descending")
        header.click()
        dates = page.locator(".cx-index tbody tr").evaluate_all("rows => rows.map(r => r.dataset.sortDate)")
        assert dates == sorted(dates)
        assert "order=date-asc" in page.url
        # The topic filter, from the select.
        page.select_option("select[name=topics]", "cost")
        for row in rows.all():
            assert "cost" in (row.get_attribute("data-topics") or "").split()
        assert not log.console_errors, log.console_errors


def test_claims_index_default_order_is_by_prominence(chromium: Browser, real_site: Site, page: Page) -> None:
    page.goto(real_site.url + "claims/")
    first = page.locator(".cx-index tbody tr td:first-child a").first
    expect(first).to_have_attribute("href", re.compile(r"(recovery-rate-50-percent|zero-net-cost|nice-recommended)"))


def test_indexes_are_whole_without_a_script(chromium: Browser, sample_site: Site, real_site: Site) -> None:
    with browser_context(chromium, java_script_enabled=False) as context:
        page = context.new_page()
        for site, path, count in ((real_site, "claims/", len(list((real_site.root / "claims").glob("*.yml")))),
                                  (real_site, "evidence/", len(list((real_site.root / "evidence").glob("*.yml")))),
                                  (sample_site, "claims/", 2)):
            page.goto(site.url + path)
            expect(page.locator(".cx-index tbody tr")).to_have_count(count)
            expect(page.locator(".cx-index tbody tr:not([hidden])")).to_have_count(count)
            expect(page.locator(".cx-filters")).to_be_hidden()  # it would do nothing without the script


def test_evidence_index_filters_by_year_and_sorts_by_certainty(chromium: Browser, real_site: Site,
                                                                page: Page) -> None:
    page.goto(real_site.url + "evidence/")
    year = page.locator("select[name=year] option").nth(1).inner_text()
    page.select_option("select[name=year]", year)
    shown = page.locator(".cx-index tbody tr:not([hidden])")
    assert shown.count() >= 1
    assert set(shown.evaluate_all("rows => rows.map(r => r.dataset.year)")) == {year}
    page.select_option("select[name=order]", "certainty-desc")
    values = shown.evaluate_all("rows => rows.map(r => Number(r.dataset.sortCertainty))")
    assert values == sorted(values, reverse=True)


def test_phone_sees_every_field_of_the_claims_index(chromium: Browser, real_site: Site) -> None:
    with browser_context(chromium, viewport=PHONE, is_mobile=True) as context:
        page = context.new_page()
        page.goto(real_site.url + "claims/", wait_until="networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # Each row is a card: its verdict is in sight, not in a column scrolled off to the right.
        verdict = page.locator(".cx-index tbody tr").first.locator("td[data-label=Verdict] .cx-verdict")
        box = verdict.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"], box
        page.select_option("select[name=side]", "critic")
        assert page.locator(".cx-index tbody tr:not([hidden])").count() >= 1


def test_home_page_leads_to_the_claims(chromium: Browser, real_site: Site, page: Page) -> None:
    page.goto(real_site.url)
    cards = page.locator(".cx-headlines > ul > li")
    assert cards.count() >= 3
    for card in cards.all():
        expect(card.locator("a[href^='claims/']").first).to_be_visible()
        expect(card.locator(".cx-verdict")).to_have_count(1)
    questions = page.locator(".cx-questions > ul > li")
    for question, claim in (("Does it pay for itself?", "zero-net-cost"), ("How many recover?", "recovery-rate-50")):
        expect(questions.filter(has_text=question).locator(f"a[href*='{claim}']")).to_have_count(1)
    # A count of the verdicts leads to the claims index showing just those claims.
    link = page.locator(".cx-verdicts a[href*='side=critic']").first
    count = int(link.inner_text())
    link.click()
    page.wait_for_url(re.compile(r"claims/\?verdict=.*&side=critic"))
    expect(page.locator(".cx-index tbody tr:not([hidden])")).to_have_count(count)


def test_home_page_search_box_opens_the_search(chromium: Browser, real_site: Site, page: Page) -> None:
    page.goto(real_site.url)
    box = page.locator(".cx-search-prompt input")
    expect(box).to_be_visible()
    box.fill("zero net cost")
    box.press("Enter")
    expect(page.locator("input.md-search__input")).to_have_value("zero net cost")
    expect(page.locator(".md-search-result__item").first).to_contain_text("IAPT has zero net cost")


@pytest.mark.parametrize("size", [{"width": 390, "height": 844}, {"width": 1366, "height": 900}],
                         ids=["phone", "desktop"])
def test_screenshots_of_the_home_page_and_claims_index(chromium: Browser, real_site: Site, artifacts: Path,
                                                       size: dict[str, int]) -> None:
    phone = size["width"] < 500
    with browser_context(chromium, viewport=size, is_mobile=phone) as context:
        page = context.new_page()
        for name, path in (("home", ""), ("claims-index", "claims/"), ("evidence-index", "evidence/")):
            page.goto(real_site.url + path, wait_until="networkidle")
            assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], (name, size)
            page.screenshot(path=artifacts / f"{name}-{size['width']}x{size['height']}.png", full_page=True)

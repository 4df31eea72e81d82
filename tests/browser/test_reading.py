"""The site as readers use it, in Chromium: loading, privacy, search, following links, charts, phones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from .search import search
from .support import MISSING, PAGE_KINDS, PALETTES, PHONE, Site, browser_context, watch

CLAIM = "claims/most-participants-keep-walking/"
EVIDENCE = "evidence/smith-2021-retention/"
REFERENCE = "ref-smith2021uptake"


def origin(site: Site) -> str:
    return site.url.rstrip("/")


def test_home_page_loads_with_no_console_error_and_no_failed_request(chromium: Browser, sample_site: Site,
                                                                     page: Page) -> None:
    log = watch(page)
    page.goto(sample_site.url, wait_until="networkidle")
    expect(page.locator("h1")).to_contain_text("Sample Compendium")
    assert log.console_errors == [] and log.failed == []
    assert any(url.endswith("search/search_index.json") for url in log.requests), "search did not start"


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_no_page_requests_another_origin(chromium: Browser, sample_site: Site, page: Page, kind: str) -> None:
    log = watch(page)
    page.goto(sample_site.url + PAGE_KINDS[kind], wait_until="networkidle")
    # The search box loads the index and the worker: include them in what is watched.
    search(page, "walking")
    assert log.other_origins(origin(sample_site)) == []
    assert log.console_errors == [] and log.failed == []


def test_real_record_pages_request_no_other_origin(chromium: Browser, real_site: Site, page: Page) -> None:
    """The repository's own settings (its GitHub link) and record: Material asks the GitHub API for a
    repository's stars unless the theme's source partial is overridden."""
    log = watch(page)
    for path in ("", "claims/recovery-rate-50-percent/", "references/"):
        page.goto(real_site.url + path, wait_until="networkidle")
    assert log.other_origins(origin(real_site)) == []
    assert log.console_errors == [] and log.failed == []


def test_search_finds_a_claim_by_a_word_of_its_title(chromium: Browser, sample_site: Site, page: Page) -> None:
    page.goto(sample_site.url)
    assert "/" + CLAIM in search(page, "participants")
    page.goto(sample_site.url)
    assert search(page, "zebra") == []


def test_search_finds_a_reference_by_an_author(chromium: Browser, sample_site: Site, page: Page) -> None:
    # Jones, second of smith2021uptake's three authors, is named in the full reference only ("Smith et al.").
    page.goto(sample_site.url)
    results = search(page, "Jones")
    assert "/references/" in results
    page.locator("li.md-search-result__item > a.md-search-result__link[href*='/references/']").first.click()
    expect(page.locator(f"#{REFERENCE}")).to_contain_text("Jones, A.")


def test_search_recovery_lists_the_recovery_rate_claim(chromium: Browser, real_site: Site, page: Page) -> None:
    page.goto(real_site.url)
    assert "/claims/recovery-rate-50-percent/" in search(page, "recovery")


def test_claim_to_evidence_to_reference_and_back_by_backlinks(chromium: Browser, sample_site: Site,
                                                             page: Page) -> None:
    page.goto(sample_site.url + CLAIM)
    content = page.locator("article.md-content__inner")
    content.locator(f"a[href$='{EVIDENCE.split('/')[1]}/']").first.click()
    expect(page).to_have_url(sample_site.url + EVIDENCE)
    expect(page.locator("h1")).to_contain_text("Smith et al. 2021")

    page.locator(f"article a[href$='references/#{REFERENCE}']").first.click()
    expect(page).to_have_url(f"{sample_site.url}references/#{REFERENCE}")
    reference = page.locator(f"#{REFERENCE}")
    expect(reference).to_be_in_viewport()

    # "Cited by" under the reference leads back to the evidence, and its "Used by" to the claim.
    cited_by = reference.locator("xpath=following-sibling::p[contains(@class, 'cx-cited-by')][1]")
    cited_by.get_by_role("link", name=re.compile("Smith et al. 2021")).click()
    expect(page).to_have_url(sample_site.url + EVIDENCE)
    used_by = page.locator("h2#used-by + ul")
    used_by.get_by_role("link", name="Most participants keep walking").click()
    expect(page).to_have_url(sample_site.url + CLAIM)


# An image's natural width once it has loaded (0 if it failed), waiting for one that is loading lazily.
LOADED = """img => img.complete ? img.naturalWidth : new Promise(done => {
  img.addEventListener('load', () => done(img.naturalWidth)); img.addEventListener('error', () => done(0)); })"""


def _chart_alts(root: Path) -> dict[str, str]:
    alts = {}
    for spec in (root / "charts").glob("*.yml"):
        alts[spec.stem] = " ".join(yaml.safe_load(spec.read_text("utf-8"))["alt"].split())
    return alts


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("which", ["sample_site", "real_site"])
def test_every_chart_loads_with_its_alt_text(chromium: Browser, request: pytest.FixtureRequest, which: str,
                                             palette: str) -> None:
    site: Site = request.getfixturevalue(which)
    alts = _chart_alts(site.root)
    # Each chart on one page at least: the first that shows a chart not yet seen.
    pages, covered = [], set()
    for path in site.html_pages():
        html = (site.path / path / "index.html").read_text("utf-8")
        shown = set(re.findall(r'<img [^>]*src="[^"]*charts/([\w-]+)\.svg"', html))
        if shown - covered:
            pages.append(path)
            covered |= shown
    assert pages and alts, "no chart is shown"
    seen = set()
    with browser_context(chromium, palette) as context:
        page = context.new_page()
        for path in pages:
            page.goto(site.url + path, wait_until="load")
            expect(page.locator("body")).to_have_attribute("data-md-color-scheme", PALETTES[palette])
            for image in page.locator("picture > img.cx-chart").all():  # the page's width; test_phone: a phone's
                src = image.get_attribute("src") or ""
                chart = src.rsplit("/", 1)[-1].removesuffix(".svg")
                seen.add(chart)
                image.scroll_into_view_if_needed()  # charts load lazily
                assert image.evaluate(LOADED) > 0, f"{path}: {src} did not load"
                assert " ".join((image.get_attribute("alt") or "").split()) == alts[chart], f"{path}: {src} alt"
                # One image, its alt text once: the phone's drawing is a source of the same <picture>.
                narrow = image.locator("xpath=preceding-sibling::source[1]")
                assert narrow.get_attribute("srcset") == src.replace("/charts/", "/charts/narrow/"), \
                    f"{path}: {src} has no narrow one"
                assert narrow.get_attribute("media") == "(max-width: 44.9375em)", f"{path}: {src} narrow media"
                # No card: the chart is drawn on the page's ground, its ink turned to the palette's by the SVG.
                background = image.evaluate("img => getComputedStyle(img).backgroundColor")
                assert background == "rgba(0, 0, 0, 0)", f"{path}: {src} on {background}"
    assert seen == set(alts), "a chart is shown on no page"


def _horizontal_overflow(page: Page) -> list[str]:
    """The elements that stick out to the right of the viewport, when the page scrolls sideways."""
    return page.evaluate("""() => {
      const root = document.documentElement;
      if (root.scrollWidth <= root.clientWidth) return [];
      const wide = [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1);
      return [`scrollWidth ${root.scrollWidth} > ${root.clientWidth}`].concat(
        wide.slice(-5).map(e => [e.tagName.toLowerCase(), ...e.classList].join('.')));
    }""")


def _phone_has_no_sideways_scroll(chromium: Browser, site: Site, paths: list[str]) -> None:
    assert paths
    with browser_context(chromium, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True) as context:
        page = context.new_page()
        for path in paths:
            page.goto(site.url + path, wait_until="load")
            assert _horizontal_overflow(page) == [], path


def test_sideways_scroll_check_names_what_sticks_out(chromium: Browser) -> None:
    with browser_context(chromium, viewport=PHONE, is_mobile=True) as context:
        page = context.new_page()
        page.set_content('<!doctype html><meta name="viewport" content="width=device-width">'
                         '<p>fits</p><table class="too-wide" style="width:600px"><tr><td>x</td></tr></table>')
        overflow = _horizontal_overflow(page)
    assert overflow[0] == "scrollWidth 608 > 375" and "table.too-wide" in overflow, overflow  # 8px: body's margin


def test_phone_shows_no_sideways_scroll_on_claim_pages(chromium: Browser, sample_site: Site) -> None:
    claims = [p for p in sample_site.html_pages() if p.startswith("claims/")]
    _phone_has_no_sideways_scroll(chromium, sample_site, claims)


def test_phone_shows_no_sideways_scroll_on_the_real_claim_pages(chromium: Browser, real_site: Site) -> None:
    _phone_has_no_sideways_scroll(chromium, real_site, [p for p in real_site.html_pages() if p.startswith("claims/")])


# Every chart on the page loaded (they load lazily, as they come into view), and the page back at its top.
LOAD_CHARTS = """async () => {
  for (const img of document.querySelectorAll('img.cx-chart')) {
    if (getComputedStyle(img).display === 'none') continue;
    img.scrollIntoView();
    if (!img.complete) await new Promise(done => { img.onload = done; img.onerror = done; });
  }
  window.scrollTo(0, 0);
}"""
SCREENS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("size", SCREENS)
def test_screenshots_of_home_claim_and_chart_pages(chromium: Browser, sample_site: Site, real_site: Site,
                                                  sample_host: Site, artifacts: Path, size: str, palette: str) -> None:
    """<artifacts>/<page>-<phone|laptop>-<light|dark>.png: the home page, a claim page, the chart gallery, a
    chart's own page, a topic and the About page of the record, the sample's claim page with its chart, and the
    page a missing address gets, to be looked at."""
    shots = {"home": (real_site, ""), "claim": (real_site, "claims/recovery-rate-50-percent/"),
             "gallery": (real_site, "charts/"), "chart-page": (real_site, "charts/recovery-claimed-vs-found/"),
             "topic": (real_site, "topics/recovery/"), "about": (real_site, "about/"), "chart": (sample_site, CLAIM),
             "not-found": (sample_host, MISSING)}
    phone = size == "phone"
    with browser_context(chromium, palette, viewport=SCREENS[size], is_mobile=phone, has_touch=phone) as context:
        page = context.new_page()
        for name, (site, path) in shots.items():
            page.goto(site.url + path, wait_until="networkidle")
            page.evaluate(LOAD_CHARTS)
            file = artifacts / f"{name}-{size}-{palette}.png"
            page.screenshot(path=file, full_page=True)
            with Image.open(file) as image:
                assert image.format == "PNG" and image.width == SCREENS[size]["width"] and image.height >= 600, file


def test_404_page_at_depth_is_styled_and_leads_home_to_the_claims_and_to_search(chromium: Browser,
                                                                               sample_host: Site, page: Page) -> None:
    """A host answers a missing address, at any depth, with 404.html: its stylesheets, scripts and links work
    there, and its search box searches."""
    log = watch(page)
    response = page.goto(sample_host.url + MISSING, wait_until="networkidle")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page).to_have_title("Page not found - Sample Compendium")
    # Material's stylesheet is loaded (its header stays at the top), and our script ran (the search box shows).
    assert page.locator("header.md-header").evaluate("h => getComputedStyle(h).position") == "sticky"
    expect(page.locator(".cx-search-prompt input")).to_be_visible()
    assert [f for f in log.failed if not f.startswith(sample_host.url + MISSING)] == []
    page.get_by_role("link", name="Every claim, to sort and filter").click()
    expect(page).to_have_url(sample_host.url + "claims/")
    expect(page.locator("h1")).to_contain_text("Claims")
    page.goto(sample_host.url + MISSING)
    page.get_by_role("link", name="The home page").click()
    expect(page).to_have_url(sample_host.url)
    expect(page.locator("h1")).to_contain_text("Sample Compendium")
    page.goto(sample_host.url + MISSING)
    box = page.locator(".cx-search-prompt input")
    box.fill("walking")
    box.press("Enter")
    expect(page.locator("input.md-search__input")).to_have_value("walking")
    expect(page.locator(".md-search-result__item").first).to_contain_text("Most participants keep walking")

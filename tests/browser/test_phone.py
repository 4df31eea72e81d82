"""Phones and the dark palette, in Chromium at 390x844 (a phone) and 1366x900 (a laptop), in the light and
the dark palette: the answer ("In short") on the first screen of every claim page; no page wider than the
screen; chart text of at least 11 CSS px, measured on the drawing the reader is shown; charts drawn in the
palette's ink on its own ground; and every table too wide for the screen scrolling inside itself, with a
shadow at the side where more of it is hidden.

For the width of pages and their tables, the sample's pages are visited in every combination, and the real
record's (134 pages) on a phone in the light palette and on the laptop in the dark one: the palettes change
colours, not widths, and the cue's colours are checked in both on the sample.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from compendium.charts.style import INK, INK_DARK

from .support import MISSING, PALETTES, Site, browser_context
from .test_reading import CLAIM, LOADED, _horizontal_overflow

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}
SMALLEST_CHART_TEXT_PX = 11
WALKS = [("sample_site", size, palette) for size in VIEWPORTS for palette in PALETTES] + \
    [("real_site", "phone", "light"), ("real_site", "laptop", "dark")]


@contextmanager
def reader(chromium: Browser, size: str, palette: str) -> Iterator[Page]:
    """A page at a phone's or a laptop's size, in a palette. Search's index (900 KB for the record) is not
    loaded: nothing here searches, and the page's layout does not depend on it."""
    phone = size == "phone"
    with browser_context(chromium, palette, viewport=VIEWPORTS[size], is_mobile=phone, has_touch=phone) as context:
        page = context.new_page()
        page.route("**/search/search_index.json", lambda route: route.abort())
        yield page


def _visit(page: Page, site: Site, path: str, palette: str) -> None:
    page.goto(site.url + path, wait_until="domcontentloaded")  # after the stylesheets: Material's scripts wait
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", PALETTES[palette])


def _claim_pages(site: Site) -> list[str]:
    """The page of every claim recorded (not the index, nor the list of claims not assessed)."""
    claims = sorted(f"claims/{path.stem}/" for path in (site.root / "claims").glob("*.yml"))
    assert set(claims) <= set(site.html_pages())
    return claims


# --- The answer first --------------------------------------------------------------------------------------


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("which", ["sample_site", "real_site"])
def test_in_short_is_on_the_first_screen_of_every_claim_page(chromium: Browser, request: pytest.FixtureRequest,
                                                             which: str, size: str, palette: str) -> None:
    """The box begins on the first screen and its verdict is on it whole; on a phone a long conclusion may
    run on below."""
    site: Site = request.getfixturevalue(which)
    claims = _claim_pages(site)
    assert claims
    height = VIEWPORTS[size]["height"]
    with reader(chromium, size, palette) as page:
        for path in claims:
            _visit(page, site, path, palette)
            box = page.locator(".cx-inshort").bounding_box()
            verdict = page.locator(".cx-inshort .cx-verdict").bounding_box()
            assert box is not None and verdict is not None, path
            assert 0 <= box["y"] < height, f"{path}: 'In short' begins at {box['y']:.0f} px"
            assert verdict["y"] + verdict["height"] <= height, f"{path}: the verdict ends at {verdict['y']:.0f} px"


def test_the_lead_chart_comes_directly_after_in_short(chromium: Browser, sample_site: Site, real_site: Site) -> None:
    """On a claim page with charts, the first is the next thing after the box; the others follow later."""
    with reader(chromium, "laptop", "light") as page:
        for site in (sample_site, real_site):
            for path in _claim_pages(site):
                html = (site.path / path / "index.html").read_text("utf-8")
                if "cx-chart-link" not in html:
                    continue
                _visit(page, site, path, "light")
                after = page.locator(".cx-inshort").evaluate(
                    "box => box.nextElementSibling.querySelector(':scope > a.cx-chart-link') !== null")
                assert after, f"{path}: the lead chart is not directly under 'In short'"


# --- Nothing wider than the screen; wide tables scroll, with a cue -------------------------------------------

# Every table wider than the space it is shown in: where it scrolls, its edges, and the page's ground.
_WIDE_TABLES = """() => [...document.querySelectorAll('article table')].map((table, index) => {
  let scroller = table;
  while (scroller && !(scroller.scrollWidth > scroller.clientWidth + 1 &&
                       ['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX))) {
    scroller = scroller.parentElement === document.body ? null : scroller.parentElement;
  }
  const wide = table.scrollWidth > table.clientWidth + 1 || table.offsetWidth > table.parentElement.clientWidth + 1;
  return {index, wide, hidden: table.scrollWidth - table.clientWidth,
          scrolls: scroller !== null, own: scroller === table,
          background: getComputedStyle(table).backgroundImage};
}).filter(t => t.wide)"""


def _ground(page: Page) -> tuple[int, int, int]:
    """The page's background colour."""
    red, green, blue = (int(v) for v in page.evaluate(
        "() => getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3)"))
    return red, green, blue


def _mean_distance(png: bytes, ground: tuple[int, int, int]) -> float:
    """How far, on average, a strip of screen is from the page's ground colour (0-255)."""
    pixels = _pixels(png)
    return float(sum(max(abs(p[i] - ground[i]) for i in range(3)) for p in pixels) / len(pixels))


def _pixels(png: bytes) -> list[tuple[int, ...]]:
    """The RGB pixels of a screenshot, row by row."""
    with Image.open(io.BytesIO(png)) as image:
        data = image.convert("RGB").tobytes()
    return [tuple(data[i:i + 3]) for i in range(0, len(data), 3)]


def _edge_shadows(page: Page, table: Any, ground: tuple[int, int, int]) -> tuple[float, float]:
    """How far from the ground the strips just inside the table's left and right edges are."""
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    top = max(box["y"], 0) + 2
    height = min(box["y"] + box["height"], viewport["height"]) - top - 2
    strips = []
    for x in (box["x"] + 2, box["x"] + box["width"] - 10):
        strips.append(_mean_distance(page.screenshot(clip={"x": x, "y": top, "width": 8, "height": min(height, 400)}),
                                     ground))
    return strips[0], strips[1]


def _check_wide_tables(page: Page, path: str) -> list[str]:
    problems = []
    ground = _ground(page)
    for found in page.evaluate(_WIDE_TABLES):
        where = f"{path}: table {found['index'] + 1}"
        if not found["scrolls"]:
            problems.append(f"{where} is wider than its place and does not scroll")
            continue
        if not found["own"] or found["hidden"] < 16:
            # A scroller other than the table (not a layout this site makes), or one that hides less than the
            # table's cell padding: the covers that hide the shadows at the ends hide them there too.
            continue
        table = page.locator("article table").nth(found["index"])
        # At the start: a shadow at the right edge, none at the left; at the end, the other way round.
        left, right = _edge_shadows(page, table, ground)
        table.evaluate("t => { t.scrollLeft = t.scrollWidth; }")
        left_end, right_end = _edge_shadows(page, table, ground)
        table.evaluate("t => { t.scrollLeft = 0; }")
        if not (right - right_end >= 12 and left_end - left >= 12):
            problems.append(f"{where}: no scroll cue (edge shadows left/right {left:.0f}/{right:.0f} at the start, "
                            f"{left_end:.0f}/{right_end:.0f} at the end; background {found['background'][:80]})")
    return problems


@pytest.mark.parametrize(("which", "size", "palette"), WALKS)
def test_no_page_scrolls_sideways_and_wide_tables_scroll_with_a_cue(chromium: Browser, request: pytest.FixtureRequest,
                                                                     which: str, size: str, palette: str) -> None:
    site: Site = request.getfixturevalue(which)
    problems = []
    with reader(chromium, size, palette) as page:
        for path in site.html_pages():
            _visit(page, site, path, palette)
            overflow = _horizontal_overflow(page)
            if overflow:
                problems.append(f"{path} scrolls sideways: {overflow}")
            problems += _check_wide_tables(page, path)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("size", VIEWPORTS)
def test_404_page_at_depth_fits_the_screen(chromium: Browser, sample_host: Site, size: str, palette: str) -> None:
    with reader(chromium, size, palette) as page:
        page.goto(sample_host.url + MISSING, wait_until="domcontentloaded")
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", PALETTES[palette])
        expect(page.locator("h1")).to_have_text("Page not found")
        assert _horizontal_overflow(page) == []


def _widen_first_table(page: Page) -> None:
    page.locator("article table:not([class]) td").first.evaluate("cell => { cell.style.minWidth = '900px'; }")


@pytest.mark.parametrize("palette", PALETTES)
def test_a_wide_table_shows_its_cue_and_the_check_sees_a_missing_one(chromium: Browser, sample_site: Site,
                                                                     palette: str) -> None:
    """Whatever tables the record has, a table made wider than a phone shows the cue in either palette; with
    the cue taken away (Material's plain background) the same check reports it."""
    with reader(chromium, "phone", palette) as page:
        _visit(page, sample_site, CLAIM, palette)
        _widen_first_table(page)
        assert page.evaluate(_WIDE_TABLES), "the table is not wide"
        assert _check_wide_tables(page, CLAIM) == []
        page.add_style_tag(content=".md-typeset table:not([class]) { background: var(--md-default-bg-color) }")
        problems = _check_wide_tables(page, CLAIM)
    assert len(problems) == 1 and "no scroll cue" in problems[0], problems


# --- Charts ----------------------------------------------------------------------------------------------------

# For each chart shown: the SVG the reader sees (a phone's or the page's), drawn inline at the size of the image
# on screen, and the size on screen of every glyph of its text. Matplotlib draws text as glyph outlines defined
# 100 units to the em (svg.fonttype "path"), each a <use> in a group per text, so a glyph's font size on screen
# is 100 times the vertical scale of its screen transform. The ink height of each text's box is measured too.
_CHART_TEXT = """async () => {
  const results = [];
  for (const img of document.querySelectorAll('img.cx-chart')) {
    if (getComputedStyle(img).display === 'none') continue;
    img.scrollIntoView();
    if (!img.complete) await new Promise(done => { img.onload = done; img.onerror = done; });
    const box = img.getBoundingClientRect(), style = getComputedStyle(img);
    const inner = side => parseFloat(style['padding' + side]) + parseFloat(style['border' + side + 'Width']);
    const width = box.width - inner('Left') - inner('Right'), height = box.height - inner('Top') - inner('Bottom');
    const text = await (await fetch(img.currentSrc)).text();
    const svg = document.importNode(new DOMParser().parseFromString(text, 'image/svg+xml').documentElement, true);
    svg.setAttribute('width', width); svg.setAttribute('height', height);
    const holder = document.createElement('div');
    holder.style.cssText = 'position: absolute; left: 0; top: 0; visibility: hidden';
    holder.appendChild(svg);
    document.body.appendChild(holder);
    let smallest = Infinity, lowest = Infinity, texts = 0;
    for (const group of svg.querySelectorAll('g[id^="text_"]')) {
      const glyphs = group.querySelectorAll('use');
      if (!glyphs.length) continue;
      texts++;
      for (const glyph of glyphs) {
        const m = glyph.getScreenCTM();
        smallest = Math.min(smallest, 100 * Math.hypot(m.c, m.d));
      }
      lowest = Math.min(lowest, group.getBoundingClientRect().height);
    }
    holder.remove();
    results.push({src: img.currentSrc, shown: width, natural: img.naturalWidth, texts, smallest, lowest});
  }
  return results;
}"""


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("which", ["sample_site", "real_site"])
def test_chart_text_is_at_least_11_css_px(chromium: Browser, request: pytest.FixtureRequest, which: str, size: str,
                                           palette: str) -> None:
    """On every chart's own page and on a claim page with charts: on a phone the narrow drawing is shown, at its
    own size, and no glyph of any chart is under 11 CSS px. (The gallery shows thumbnails, not charts to read.)"""
    site: Site = request.getfixturevalue(which)
    claim = next(p for p in _claim_pages(site) if "cx-chart-link" in (site.path / p / "index.html").read_text("utf-8"))
    chart_pages = [f"charts/{spec.stem}/" for spec in sorted((site.root / "charts").glob("*.yml"))]
    assert chart_pages
    with reader(chromium, size, palette) as page:
        for path in (*chart_pages, claim):
            _visit(page, site, path, palette)
            charts = page.evaluate(_CHART_TEXT)
            assert charts, f"{path}: no chart shown"
            for chart in charts:
                name = chart["src"].split("/assets/compendium/charts/")[-1]
                assert chart["texts"] >= 3, f"{path}: {name}: no text measured ({chart})"
                assert name.startswith("narrow/") == (size == "phone"), f"{path}: {name} shown on a {size}"
                assert chart["smallest"] >= SMALLEST_CHART_TEXT_PX, \
                    f"{path}: {name}: text of {chart['smallest']:.1f} px, {VIEWPORTS[size]['width']} px wide ({chart})"
                if size == "phone":  # shown at its own size: neither shrunk nor blown up
                    assert abs(chart["shown"] - chart["natural"]) <= 2, f"{path}: {name} resized ({chart})"


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@pytest.mark.parametrize("palette", PALETTES)
def test_charts_are_drawn_in_the_palettes_ink_on_its_ground(chromium: Browser, sample_site: Site, palette: str) -> None:
    """The chart's text is the palette's ink (dark on white, light on slate), on the page's own ground: the
    corner of the image, where nothing is drawn, is the colour of the page."""
    ink = INK if palette == "light" else INK_DARK
    for size in VIEWPORTS:
        with reader(chromium, size, palette) as page:
            _visit(page, sample_site, "charts/retention-compared/", palette)
            image = page.locator("img.cx-chart:visible").first
            image.scroll_into_view_if_needed()
            assert image.evaluate(LOADED) > 0
            shot = image.screenshot()
            pixels = _pixels(shot)
            with Image.open(io.BytesIO(shot)) as opened:
                corner = pixels[-2 * opened.width - 2]  # two pixels in from the bottom right corner
            ground = _ground(page)

            def near(colour: tuple[int, ...], pixel: tuple[int, ...], within: int = 12) -> bool:
                return max(abs(a - b) for a, b in zip(colour, pixel, strict=True)) <= within

            assert near(corner, ground, 2), f"{size}, {palette}: the chart's ground is {corner}, the page's {ground}"
            inked = sum(near(_hex(ink), p) for p in pixels)
            assert inked > 200, f"{size}, {palette}: only {inked} pixels in the ink {ink}"

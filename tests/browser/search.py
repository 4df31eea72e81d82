"""Material's search, used as a reader uses it: type into the search box, read the result list."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

# Material shows ten results, then four more each time the list is scrolled to its end. The list
# loads more only when it reaches its end again, so scroll up and down, a frame apart, until all are
# shown (bounded by a number of tries, not by time).
_SHOW_ALL = """async (total) => {
  const wrap = document.querySelector('.md-search__scrollwrap');
  const shown = () => document.querySelectorAll('.md-search-result__item').length;
  const frame = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  for (let tries = 0; shown() < total && tries < 500; tries++) {
    wrap.scrollTop = 0; await frame();
    wrap.scrollTop = wrap.scrollHeight; await frame();
  }
  return shown();
}"""


def search(page: Page, query: str) -> list[str]:
    """The paths of the pages the search lists for query, best first (every result, not just the first ten).

    The page must be freshly loaded, its search box empty."""
    box = page.locator("input.md-search__input")
    assert box.input_value() == "", "search a freshly loaded page: earlier results would be read as this query's"
    box.click()  # From file://, the index loads only when the search box is first used.
    # Typing before the index has loaded is lost: the box says "Initializing search" until then.
    meta = page.locator(".md-search-result__meta")
    expect(meta).not_to_contain_text("Initializing")
    # Material reads the query on keyup. The whole query at once, then a key: no result list for a
    # part of it ("rec" of "recovery") is ever shown, so the first count shown is this query's.
    box.fill(query)
    box.press("End")
    expect(meta).to_contain_text(re.compile(r"\d+ matching|No matching"))
    count = re.search(r"\d+", meta.inner_text())
    total = int(count.group(0)) if count else 0
    shown = page.evaluate(_SHOW_ALL, total)
    assert shown == total, f"search for {query!r}: {total} matching, but only {shown} could be shown"
    hrefs = page.locator("li.md-search-result__item > a.md-search-result__link").evaluate_all(
        "links => links.map(a => a.href)")
    return [urlsplit(href).path for href in hrefs]


def zensical_search(page: Page, query: str) -> list[str]:
    """The paths of the first pages Zensical's search lists for query, best first.

    Zensical's search is a dialog of its own (in a shadow root, which Playwright's locators enter), opened by the
    header's search button; it says how many results there are once it has searched."""
    page.locator(".md-search__button").first.click()
    box = page.locator("dialog[aria-label='Search'] input[role='combobox']")
    expect(box).to_be_visible()
    box.fill(query)
    expect(page.locator("dialog[aria-label='Search'] [role='status']")).to_contain_text(re.compile(r"\d+ results?|No"))
    hrefs = page.locator("dialog[aria-label='Search'] ol[role='listbox'] a[role='option']").evaluate_all(
        "links => links.map(a => a.href)")
    return [urlsplit(href).path for href in hrefs]

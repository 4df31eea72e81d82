"""The payload corpus in a real browser: every page of a compendium whose every text field is hostile
loads with no dialog opened and no payload element in the document, and neither does searching it."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from compendium.pipeline import build

from .search import search
from .support import Site, adopt_repo_theme, browser_context, serve
from conftest import TESTS, copy_sample

sys.path.insert(0, str(TESTS / "hostile"))
from make_hostile import make_hostile

# Elements or attributes that a payload would have created had it been taken as markup.
_PAYLOAD_ELEMENTS = """() => {
  const found = [];
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      if (a.name.startsWith('on')) found.push(`${e.tagName}[${a.name}]`);
      if (['href', 'src', 'action'].includes(a.name) && /^\\s*(javascript|data|vbscript):/i.test(a.value))
        found.push(`${e.tagName}[${a.name}=${a.value.slice(0, 20)}]`);
    }
  }
  for (const e of document.querySelectorAll('iframe, object, embed, img[src="x"], style'))
    if (e.tagName !== 'STYLE' || e.textContent.includes('display:none')) found.push(e.tagName);
  for (const s of document.querySelectorAll('script:not([src])'))
    if (s.type !== 'application/ld+json' && s.textContent.includes("alert(")) found.push('SCRIPT with payload');
  return found;
}"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = copy_sample(tmp_path_factory.mktemp("hostile-browser"))
    adopt_repo_theme(root / "mkdocs.yml")
    make_hostile(root)
    result = build(root, pdf=False)
    assert result.site_ok, result.site_output
    with serve(root / "site") as url:
        yield Site(root, root / "site", url)


def _open(page: Page, url: str, dialogs: list[str]) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    found = page.evaluate(_PAYLOAD_ELEMENTS)
    assert found == [], f"{url}: {found}"
    assert dialogs == [], f"{url}: a dialog opened: {dialogs}"


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_no_page_runs_a_payload(chromium: Browser, hostile_site: Site, palette: str) -> None:
    with browser_context(chromium, palette) as context:
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in hostile_site.html_pages():
            _open(page, hostile_site.url + path, dialogs)


def test_searching_the_payloads_runs_nothing(chromium: Browser, hostile_site: Site) -> None:
    with browser_context(chromium) as context:
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        found = 0
        for query in ("alert", "script", "javascript", "onerror", "iframe"):
            page.goto(hostile_site.url)
            found += len(search(page, query))  # the result list shows the payloads' text, highlighted
            assert page.evaluate(_PAYLOAD_ELEMENTS) == [], query
            assert dialogs == [], query
        assert found, "no payload was found by search: the search did not exercise them"


def test_a_hostile_title_is_text_in_the_tags_a_shared_link_shows(chromium: Browser, hostile_site: Site) -> None:
    """The description and the Open Graph tags, as the browser reads them: the title as typed, each in
    its one attribute (that no payload made an element or attribute is checked on every page above)."""
    from compendium.pipeline import check
    from compendium.settings import read_settings
    from compendium.web.sharecard import card_file

    _, compendium = check(hostile_site.root)
    assert compendium is not None
    with browser_context(chromium) as context:
        page = context.new_page()
        for claim in compendium.claims.values():
            page.goto(f"{hostile_site.url}claims/{claim.id}/")
            tags = page.evaluate("""() => Object.fromEntries([...document.head.querySelectorAll('meta')]
                .filter(m => m.name || m.getAttribute('property'))
                .map(m => [m.getAttribute('property') || m.name, m.content]))""")
            title = " ".join(claim.title.split())
            assert tags["og:title"] == title
            assert tags["description"].startswith(title) and tags["og:description"] == tags["description"]
            assert tags["og:image:alt"].startswith(title)
            assert tags["og:image"] == read_settings(hostile_site.root).site_url + card_file(claim.id)

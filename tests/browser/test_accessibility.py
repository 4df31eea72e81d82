"""Accessibility, checked by axe-core (Deque's engine, vendored from the npm registry in tests/vendor/)
in Chromium: no serious or critical violation on any page kind, in the light and the dark palette.

Some rules the issue names (headings in order, alternative text for every image, colour contrast)
must pass whatever impact axe gives them: heading-order, for one, is only "moderate" to axe.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from .support import MISSING, PAGE_KINDS, PALETTES, Site, browser_context
from conftest import TESTS

AXE = TESTS / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"  # As in tests/vendor/axe-core/README.md.
ALWAYS_REQUIRED = {"heading-order", "image-alt", "svg-img-alt", "role-img-alt", "color-contrast", "empty-heading"}

_RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  const brief = rule => ({id: rule.id, impact: rule.impact, help: rule.help,
    nodes: rule.nodes.slice(0, 5).map(n => `${n.target.join(' ')}: ${n.failureSummary}`)});
  return {version: axe.version, violations: results.violations.map(brief),
          ran: [...results.passes, ...results.violations, ...results.incomplete].map(rule => rule.id)};
}"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The violations that fail this check: serious or critical ones, and any of ALWAYS_REQUIRED."""
    page.add_script_tag(path=AXE)
    results = page.evaluate(_RUN_AXE)
    assert results["version"] == AXE_VERSION
    # A check that ran no contrast or heading rule would pass whatever the page.
    assert {"color-contrast", "heading-order"} <= set(results["ran"]), results["ran"]
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical") or v["id"] in ALWAYS_REQUIRED]


def _describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_page_kind_has_no_serious_accessibility_violation(chromium: Browser, sample_site: Site, kind: str,
                                                          palette: str) -> None:
    with browser_context(chromium, palette) as context:
        page = context.new_page()
        page.goto(sample_site.url + PAGE_KINDS[kind], wait_until="networkidle")
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", PALETTES[palette])
        violations = axe_violations(page)
    assert violations == [], f"{kind} page, {palette} palette:\n{_describe(violations)}"


@pytest.mark.parametrize("palette", PALETTES)
def test_series_page_has_no_serious_accessibility_violation(chromium: Browser, real_site: Site, palette: str) -> None:
    """The sample has no series of releases: the record's first series' page stands for the kind."""
    series_id = next(iter(yaml.safe_load((real_site.root / "series.yml").read_text("utf-8"))))
    with browser_context(chromium, palette) as context:
        page = context.new_page()
        page.goto(f"{real_site.url}series/{series_id}/", wait_until="networkidle")
        violations = axe_violations(page)
    assert violations == [], f"series page, {palette} palette:\n{_describe(violations)}"


@pytest.mark.parametrize("palette", PALETTES)
def test_404_page_at_depth_has_no_serious_accessibility_violation(chromium: Browser, sample_host: Site,
                                                                  palette: str) -> None:
    """The page a host answers a missing address with, three folders deep, styled as every page."""
    with browser_context(chromium, palette) as context:
        page = context.new_page()
        response = page.goto(sample_host.url + MISSING, wait_until="networkidle")
        assert response is not None and response.status == 404
        expect(page.locator("h1")).to_have_text("Page not found")
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", PALETTES[palette])
        violations = axe_violations(page)
    assert violations == [], f"404 page, {palette} palette:\n{_describe(violations)}"


def test_axe_check_finds_what_it_looks_for(page: Page) -> None:
    """The check itself fails a page with faint text, an image without alt text and a skipped heading level."""
    page.set_content("""<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>
      <h1>Title</h1><h4>Skipped two levels</h4>
      <p style="color:#bbb;background:#fff">Faint text</p>
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10">
      </main></body></html>""")
    found = {v["id"] for v in axe_violations(page)}
    assert {"color-contrast", "image-alt", "heading-order"} <= found, found

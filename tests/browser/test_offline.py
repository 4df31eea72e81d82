"""The offline edition: built by `make offline` into a zip, unpacked, and read from disk (file://) in
Chromium, where navigation, search and charts work and nothing is fetched from anywhere else."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser, expect

from compendium.offline import CONFIG, build_offline, check_config

from .search import search
from .support import browser_context, watch
from .test_reading import LOADED
from conftest import REPO, copy_sample


@pytest.fixture(scope="module")
def offline_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample compendium's offline edition, built with the repository's own mkdocs-offline.yml."""
    root = copy_sample(tmp_path_factory.mktemp("offline"))
    shutil.copy(REPO / CONFIG, root / CONFIG)
    output = root / "dist" / "sample-offline.zip"
    result = build_offline(root, output)
    assert result.zip_file == output, "\n".join(d.format_text() for d in result.report.sorted()) + result.problem
    return output


def test_zip_holds_the_site_under_one_folder_with_its_own_search_shim(offline_zip: Path) -> None:
    with zipfile.ZipFile(offline_zip) as archive:
        names = archive.namelist()
        assert {name.split("/")[0] for name in names} == {"sample-offline"}
        assert "sample-offline/index.html" in names
        assert "sample-offline/claims/most-participants-keep-walking.html" in names  # no directory URLs
        assert "sample-offline/search/search_index.js" in names
        assert "sample-offline/assets/vendor/iframe-worker/shim.js" in names
        assert archive.read("sample-offline/compendium.pdf").startswith(b"%PDF-")  # The footer links to it.
        home = archive.read("sample-offline/index.html").decode()
    assert '<script src="assets/vendor/iframe-worker/shim.js">' in home
    assert "unpkg.com" not in home  # The shim's CDN, which the offline plugin would otherwise use.


def test_unpacked_zip_read_from_disk_finds_a_claim_by_search(chromium: Browser, offline_zip: Path,
                                                            tmp_path: Path) -> None:
    with zipfile.ZipFile(offline_zip) as archive:
        archive.extractall(tmp_path)
    home = (tmp_path / "sample-offline" / "index.html").as_uri()
    with browser_context(chromium) as context:
        page = context.new_page()
        log = watch(page)
        page.goto(home, wait_until="load")
        results = search(page, "participants")
        claim = tmp_path / "sample-offline" / "claims" / "most-participants-keep-walking.html"
        assert str(claim) in results, results
        page.locator("li.md-search-result__item > a.md-search-result__link").first.click()
        expect(page.locator("h1")).to_contain_text("Most participants keep walking")
        chart = page.locator("picture > img.cx-chart")  # the page-wide drawing at this width
        expect(chart).to_have_count(1)
        chart.scroll_into_view_if_needed()  # charts load lazily
        assert chart.evaluate(LOADED) > 0, "the chart did not load from disk"
        # Every link on the page to a file leads to one that is there (the PDF in the footer too).
        local = page.locator("a[href]").evaluate_all(
            "links => links.map(a => a.href).filter(h => h.startsWith('file:'))")
        missing = {h for h in local if not Path(unquote(urlsplit(h).path)).is_file()}
        assert local and not missing, missing

        # The navigation leads from page to page on disk, to index.html files rather than folders.
        page.locator(".md-nav--primary").get_by_role("link", name="References", exact=True).first.click()
        expect(page).to_have_url((tmp_path / "sample-offline" / "references.html").as_uri())
        expect(page.locator("#ref-smith2021uptake")).to_contain_text("Smith, J.")
    assert [url for url in log.requests if not url.startswith(("file://", "data:", "blob:"))] == []
    assert log.console_errors == [] and log.failed == []


def test_offline_config_must_inherit_mkdocs_yml_and_keep_its_plugins(sample: Path) -> None:
    assert [d.message for d in check_config(sample)] == ["no offline configuration"]
    (sample / CONFIG).write_text("INHERIT: mkdocs.yml\nplugins:\n  - offline\n", "utf-8")
    problems = check_config(sample)
    assert [d.message for d in problems] == ["mkdocs.yml's plugin(s) search missing"]
    assert problems[0].format_text().startswith(f"{CONFIG}:1:1: error:")
    shutil.copy(REPO / CONFIG, sample / CONFIG)
    assert check_config(sample) == []


def test_offline_build_stops_on_bad_data_and_writes_no_zip(sample: Path) -> None:
    shutil.copy(REPO / CONFIG, sample / CONFIG)
    (sample / "claims" / "programme-pays-for-itself.yml").write_text("title: [unclosed\n", "utf-8")
    output = sample / "dist" / "offline.zip"
    result = build_offline(sample, output)
    assert result.zip_file is None and result.report.errors
    assert not output.exists()


def test_unpacked_zip_404_page_links_to_pages_that_are_there(chromium: Browser, offline_zip: Path,
                                                             tmp_path: Path) -> None:
    """Read from disk, 404.html (at the edition's top) is styled and its links lead home and to the claims."""
    with zipfile.ZipFile(offline_zip) as archive:
        archive.extractall(tmp_path)
    edition = tmp_path / "sample-offline"
    with browser_context(chromium) as context:
        page = context.new_page()
        log = watch(page)
        page.goto((edition / "404.html").as_uri(), wait_until="load")
        expect(page.locator("h1")).to_have_text("Page not found")
        assert page.locator("header.md-header").evaluate("h => getComputedStyle(h).position") == "sticky"
        local = page.locator("a[href]").evaluate_all(
            "links => links.map(a => a.href).filter(h => h.startsWith('file:'))")
        missing = {h for h in local if not Path(unquote(urlsplit(h).path)).is_file()}
        assert local and not missing, missing
        page.get_by_role("link", name="Every claim, to sort and filter").click()
        expect(page).to_have_url((edition / "claims" / "index.html").as_uri())
    assert log.console_errors == [] and log.failed == []

"""Browser fixtures: Debian's Chromium driven by Playwright, against sites served on 127.0.0.1.

One build of the sample compendium per session (with the repository's theme settings, so both
palettes and the repository link are those readers get), and one of the real record for the tests
that name its claims. Chromium is the system's (/usr/bin/chromium): Playwright downloads no browser.
Where it is missing the tests skip and say how to install it, except in CI, where they must run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from compendium.pipeline import build
from compendium.settings import read_settings

from .support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    Site,
    adopt_repo_theme,
    browser_context,
    in_ci,
    serve,
    serve_as_host,
)
from conftest import copy_sample


# Package scope, not session: while Playwright's sync driver is open, its event loop counts as
# running, and tests elsewhere that call asyncio.run() would fail.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        message = (f"Chromium not found at {CHROMIUM}, so the browser tests cannot run. Install it with "
                   "`sudo apt-get install chromium` (or set COMPENDIUM_CHROMIUM to a Chromium binary).")
        if in_ci():
            pytest.fail(f"{message} CI is set: in CI the browser tests must run.", pytrace=False)
        pytest.skip(message)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = copy_sample(tmp_path_factory.mktemp("browser"))
    adopt_repo_theme(root / "mkdocs.yml")
    result = build(root, pdf=False)  # The PDF edition has tests of its own.
    assert result.site_ok, result.site_output
    with serve(root / "site") as url:
        yield Site(root, root / "site", url)


@pytest.fixture(scope="session")
def sample_host(sample_site: Site) -> Iterator[Site]:
    """The sample's site as its host serves it: under its site_url's path, with 404.html for missing addresses."""
    with serve_as_host(sample_site.path, urlsplit(read_settings(sample_site.root).site_url).path) as url:
        yield Site(sample_site.root, sample_site.path, url)


@pytest.fixture(scope="session")
def real_site(real_record: Path, real_site: Path) -> Iterator[Site]:
    """The record in this repository (copied and built once for the whole run by tests/conftest.py), served."""
    with serve(real_site) as url:
        yield Site(real_record, real_site, url)


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    with browser_context(chromium) as context:
        yield context.new_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

"""The real record built by each builder (MkDocs with Material, the default, and Zensical), read in Chromium: the
search finds a claim, the claim page opens with its "In short" box, and no page logs a console error, fails a
request or asks another site for anything.

The MkDocs site is the one every browser test reads (tests/conftest.py builds it once); the Zensical one is built
once here, in a copy of that record (Zensical writes its workspace into the compendium's .cache/), without the PDF
edition, which has tests of its own."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from compendium.pipeline import build
from compendium.web import zensical_build

from .search import search, zensical_search
from .support import Site, browser_context, in_ci, serve, watch
from conftest import SITE_DIR

CLAIM = "/claims/zero-net-cost/"
QUERY = "zero net cost"


@pytest.fixture(scope="session")
def zensical_real_site(tmp_path_factory: pytest.TempPathFactory, real_record: Path) -> Iterator[Site]:
    if not zensical_build.installed():
        message = "Zensical is not installed (pip install -r requirements-dev.txt)"
        if in_ci():
            pytest.fail(f"{message}; in CI both builders' sites must be read.", pytrace=False)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("zensical") / "record"
    # The record as tests/conftest.py built it, its caches included (no chart or page is made again), less its site.
    shutil.copytree(real_record, root, symlinks=True, ignore=lambda folder, names: [
        n for n in names if Path(folder) == real_record and n == SITE_DIR])
    result = build(root, pdf=False, builder="zensical")
    assert result.site_ok, result.site_output
    with serve(root / "site") as url:
        yield Site(root, root / "site", url)


@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_smoke(chromium: Browser, request: pytest.FixtureRequest, builder: str) -> None:
    site: Site = request.getfixturevalue("real_site" if builder == "mkdocs" else "zensical_real_site")
    with browser_context(chromium) as context:
        page = context.new_page()
        log = watch(page)
        page.goto(site.url)
        expect(page.locator(".cx-pdf-edition").first).to_be_visible()  # the home page is whole
        results = (search if builder == "mkdocs" else zensical_search)(page, QUERY)
        assert CLAIM in results[:10], f"{builder}: {QUERY!r} gave {results[:10]}"
        page.goto(site.url + CLAIM.lstrip("/"))
        in_short = page.locator(".cx-inshort")
        expect(in_short).to_be_visible()
        expect(in_short.locator(".cx-inshort__head")).to_have_text("In short")
        page.wait_for_load_state("networkidle")
        assert log.console_errors == [], f"{builder}: {log.console_errors}"
        assert log.failed == [], f"{builder}: {log.failed}"
        origin = site.url.rstrip("/")
        assert log.other_origins(origin) == [], f"{builder}: other sites asked: {log.other_origins(origin)}"

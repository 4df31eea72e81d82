"""Browser fixtures: Debian's Chromium driven by Playwright, against sites served on 127.0.0.1.

One build of the sample compendium per session (with the repository's theme settings, so both
palettes and the repository link are those readers get), and one of the real record for the tests
that name its claims. Chromium is the system's (/usr/bin/chromium): Playwright downloads no browser.
Where it is missing the tests skip and say how to install it, except in CI, where they must run.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, TESTS, copy_sample
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from compendium.pipeline import build

CHROMIUM = Path(os.environ.get("COMPENDIUM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = TESTS / "artifacts"  # Screenshots, git-ignored.
PHONE = {"width": 375, "height": 812}

# One page of each kind, in the sample compendium.
PAGE_KINDS = {
    "home": "", "claims index": "claims/", "claim": "claims/most-participants-keep-walking/",
    "evidence index": "evidence/", "evidence": "evidence/smith-2021-retention/", "topics index": "topics/",
    "topic": "topics/uptake/", "timeline": "timeline/", "references": "references/", "method": "method/",
}
PALETTES = {"light": "default", "dark": "slate"}  # Reader's colour scheme -> Material's palette scheme.


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@dataclass(frozen=True)
class Site:
    root: Path  # the compendium it was built from
    path: Path  # the built site
    url: str  # where it is served, ending in /

    def html_pages(self) -> list[str]:
        """Every page's address relative to the site ('claims/x/'), 404.html left out."""
        return sorted(p.parent.relative_to(self.path).as_posix().removeprefix(".") + "/"
                      for p in self.path.rglob("index.html"))


@dataclass
class PageLog:
    """What a page did while loading: console errors, failed requests, every address requested."""

    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def other_origins(self, origin: str) -> list[str]:
        return [url for url in self.requests if not url.startswith((origin, "data:", "blob:"))]


def watch(page: Page) -> PageLog:
    log = PageLog()
    page.on("console", lambda message: log.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: log.console_errors.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda request: log.failed.append(f"{request.url}: {request.failure}"))
    page.on("response", lambda response: log.failed.append(f"{response.url}: HTTP {response.status}")
            if response.status >= 400 else None)
    page.on("request", lambda request: log.requests.append(request.url))
    return log


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A real HTTP server for folder on 127.0.0.1, on a free port, for as long as the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def adopt_repo_theme(mkdocs_yml: Path) -> None:
    """Give the sample the repository's theme (palettes, features, fonts) and repository link."""
    sample = yaml.safe_load(mkdocs_yml.read_text("utf-8"))
    repo = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    sample["theme"] = {**repo["theme"], "custom_dir": sample["theme"]["custom_dir"]}
    for key in ("repo_url", "repo_name"):
        if key in repo:
            sample[key] = repo[key]
    mkdocs_yml.write_text(yaml.safe_dump(sample, sort_keys=False, allow_unicode=True), "utf-8")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        message = (f"Chromium not found at {CHROMIUM}, so the browser tests cannot run. Install it with "
                   "`sudo apt-get install chromium` (or set COMPENDIUM_CHROMIUM to a Chromium binary).")
        if in_ci():
            pytest.fail(f"{message} CI is set: in CI the browser tests must run.", pytrace=False)
        pytest.skip(message)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = copy_sample(tmp_path_factory.mktemp("browser"))
    adopt_repo_theme(root / "mkdocs.yml")
    result = build(root)
    assert result.site_ok, result.site_output
    with serve(root / "site") as url:
        yield Site(root, root / "site", url)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The record in this repository, built from the repository's root into a temporary folder."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = build(REPO, site_dir=site)
    problems = "\n".join(d.format_text() for d in result.report.sorted())
    assert result.site_ok, f"the real record did not build:\n{problems}\n{result.site_output[-3000:]}"
    with serve(site) as url:
        yield Site(REPO, site, url)


@contextmanager
def browser_context(chromium: Browser, palette: str = "light", **options: Any) -> Iterator[BrowserContext]:
    """A fresh context (no stored palette choice) whose reader prefers the light or the dark scheme."""
    context = chromium.new_context(color_scheme="dark" if palette == "dark" else "light", **options)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    with browser_context(chromium) as context:
        yield context.new_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

"""What the browser tests share: the pages to visit, the served site, and a log of what a page did."""

from __future__ import annotations

import functools
import io
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml
from playwright.sync_api import Browser, BrowserContext, Page

from conftest import REPO

CHROMIUM = Path(os.environ.get("COMPENDIUM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Screenshots, to look at: outside the repository, which the tests leave as they found it (COMPENDIUM_ARTIFACTS
# names another folder).
ARTIFACTS = Path(os.environ.get("COMPENDIUM_ARTIFACTS") or Path(tempfile.gettempdir()) / "compendium-screenshots")
PHONE = {"width": 375, "height": 812}

# One page of each kind, in the sample compendium.
PAGE_KINDS = {
    "home": "", "claims index": "claims/", "claim": "claims/most-participants-keep-walking/",
    "evidence index": "evidence/", "evidence": "evidence/smith-2021-retention/", "topics index": "topics/",
    "topic": "topics/uptake/", "timeline": "timeline/", "references": "references/", "method": "method/",
    "chart gallery": "charts/", "chart": "charts/retention-compared/", "about": "about/",
}
# An address with no page, three folders deep: what a host answers with 404.html.
MISSING = "claims/no-such-claim/nor-this/"
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
        folders = (p.parent.relative_to(self.path).as_posix() for p in self.path.rglob("index.html"))
        return sorted("" if folder == "." else folder + "/" for folder in folders)


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
    # A request the browser itself cancels (net::ERR_ABORTED: the test moved to the next page while the
    # search worker was still loading, on a slow machine) is not a missing file; those answer HTTP 404.
    page.on("requestfailed", lambda request: log.failed.append(f"{request.url}: {request.failure}")
            if request.failure != "net::ERR_ABORTED" else None)
    page.on("response", lambda response: log.failed.append(f"{response.url}: HTTP {response.status}")
            if response.status >= 400 else None)
    page.on("request", lambda request: log.requests.append(request.url))
    return log


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
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


class _HostHandler(_QuietHandler):
    """A static host such as GitHub Pages: the site under the path of its site_url, and 404.html, with status 404,
    for any address with no file (a folder without index.html included)."""

    prefix = "/"

    def send_head(self) -> Any:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith(self.prefix):
            found = Path(self.translate_path(self.path))
            if found.is_file() or (found / "index.html").is_file():
                return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path.removeprefix(self.prefix))


@contextmanager
def serve_as_host(folder: Path, prefix: str) -> Iterator[str]:
    """folder served as a host serves a site whose site_url's path is prefix ('/sample/'); yields its address."""
    handler = type("Handler", (_HostHandler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def adopt_repo_theme(mkdocs_yml: Path) -> None:
    """Give the sample the repository's theme (palettes, features, fonts) and repository link."""
    sample = yaml.safe_load(mkdocs_yml.read_text("utf-8"))
    repo = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    sample["theme"] = dict(repo["theme"])  # the engine adds its own theme folder, whatever mkdocs.yml says
    for key in ("repo_url", "repo_name"):
        if key in repo:
            sample[key] = repo[key]
    mkdocs_yml.write_text(yaml.safe_dump(sample, sort_keys=False, allow_unicode=True), "utf-8")


@contextmanager
def browser_context(chromium: Browser, palette: str = "light", **options: Any) -> Iterator[BrowserContext]:
    """A fresh context (no stored palette choice) whose reader prefers the light or the dark scheme."""
    context = chromium.new_context(color_scheme="dark" if palette == "dark" else "light", **options)
    try:
        yield context
    finally:
        context.close()

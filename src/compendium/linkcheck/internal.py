"""Internal links: every link between pages of the built site, and every #anchor, must resolve.

MkDocs' strict build already fails on a broken Markdown link or anchor (mkdocs.yml raises its link
validation to `warn`). This checks what MkDocs cannot see: the built HTML as a reader gets it, with
the theme's links and raw HTML included. The checking is LinkChecker's, a well-kept link checker,
not one written here. Two of its habits decide how it is run:

- Run as root (as CI is), it drops to the user `nobody`, who may not read the site's folder (a
  temporary folder is private to root). So the site is served over HTTP on 127.0.0.1 by this
  process, which keeps its own rights, rather than handed to LinkChecker as files.
- It throttles requests to a server that does not identify itself to it (0.1 to 0.6 s a request).
  The server here answers with a `LinkChecker` header, which lets it go at `maxrequestspersecond`.

External links are left to external_links.py: LinkChecker is told to check only the local site.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from compendium.diagnostics import Diagnostic
from compendium.settings import read_settings

# The LinkChecker configuration: the site only (no external URL), anchors checked, each start page and its
# links (every page is a start page).
_CONFIG = """\
[checking]
threads=4
maxrequestspersecond=1000
timeout=60
recursionlevel=1
[filtering]
checkextern=0
internlinks={intern}
[AnchorCheck]
"""
_ANCHOR_WARNING = "Anchor `"  # LinkChecker's warning for a missing anchor starts so (messages kept in English).


class LinkCheckError(Exception):
    """The check itself could not run (as opposed to finding broken links)."""


@dataclass(frozen=True)
class BrokenLink:
    """A link in the built site that does not resolve: its page, where on it, and what is wrong."""

    page: str  # the page holding the link, relative to the site, e.g. method/index.html
    line: int
    column: int
    link: str  # the link as written in the page
    kind: str  # "page" (the target is missing), "anchor" (the target has no such id), "other"
    detail: str  # LinkChecker's own words
    source: str = ""  # the Markdown file the page is built from, where there is one

    def diagnostic(self, site_label: str) -> Diagnostic:
        what = {"page": "broken link", "anchor": "broken anchor"}.get(self.kind, "link problem")
        hint = f"the page is built from {self.source}" if self.source else "the page is written by the theme"
        hint += "; fix the link there, or the template or data that writes it"
        return Diagnostic(f"{site_label}/{self.page}", self.line, self.column,
                          f"{what} '{self.link}': {self.detail}", hint)


@dataclass(frozen=True)
class InternalReport:
    pages: int  # HTML pages in the site, each given to LinkChecker as a starting point
    broken: tuple[BrokenLink, ...]


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves the site as a static host does, under the path of its site_url (e.g. /compendium/ on
    GitHub Pages): no folder listings, and it says who it is to LinkChecker."""

    prefix = "/"

    def send_head(self) -> Any:
        if not self.path.startswith(self.prefix):
            self.send_error(404, "Outside the site")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path.removeprefix(self.prefix))

    def end_headers(self) -> None:
        self.send_header("LinkChecker", "compendium")  # lifts LinkChecker's throttling (see above)
        super().end_headers()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        # A static host answers 404 for a folder without index.html; a listing would hide a broken link.
        self.send_error(404, "No index.html in this folder")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # LinkChecker may hang up before a page is sent whole; that is no error of the site's.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve_site(site_dir: Path, prefix: str = "/") -> Iterator[str]:
    """The site served on 127.0.0.1 (a free port) under prefix, for the duration: yields its base URL."""
    handler_class = type("SiteHandler", (_SiteHandler,), {"prefix": prefix})
    server = _QuietServer(("127.0.0.1", 0), functools.partial(handler_class, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def linkchecker_available() -> bool:
    return importlib.util.find_spec("linkcheck") is not None


def _source_of(page: str, docs_dir: Path | None) -> str:
    """The Markdown file under docs/ that MkDocs built this page from, if it can be told."""
    if docs_dir is None or not page.endswith("index.html"):
        return ""
    stem = page.removesuffix("index.html").rstrip("/")
    candidates = [f"{stem}.md", f"{stem}/index.md", f"{stem}/README.md"] if stem else ["index.md", "README.md"]
    for candidate in candidates:
        if (docs_dir / candidate).is_file():
            return f"{docs_dir.name}/{candidate}"
    return ""


def _page_of(url: str, base_url: str) -> str:
    """A served URL as the page's path in the site folder."""
    if not url.startswith(base_url):
        return url
    path = unquote(urlsplit(url).path).removeprefix(unquote(urlsplit(base_url).path))
    return path + "index.html" if path.endswith("/") or not path else path


def parse_linkchecker_xml(output: bytes, base_url: str, docs_dir: Path | None) -> list[BrokenLink]:
    """The problems in LinkChecker's XML output (which lists only invalid links and warnings)."""
    try:
        root = ElementTree.fromstring(output)
    except ElementTree.ParseError as exc:
        raise LinkCheckError(f"LinkChecker's report could not be read: {exc}") from exc
    broken = []
    for item in root.iter("urldata"):
        link = item.findtext("url", "")
        parent = item.find("parent")
        page_url = (parent.text or "") if parent is not None else item.findtext("realurl", link)
        line = int(parent.get("line", "0")) if parent is not None else 0
        column = int(parent.get("column", "0")) if parent is not None else 0
        page = _page_of(page_url, base_url)
        valid = item.find("valid")
        if valid is not None and valid.text != "1":
            kind, detail = "page", valid.get("result", "invalid")
        else:
            warnings = [w.text or "" for w in item.iter("warning")]
            anchors = [w for w in warnings if w.startswith(_ANCHOR_WARNING)]
            if anchors:
                anchor = unquote(link.partition("#")[2])
                kind, detail = "anchor", f"the page it points to has no element with id '{anchor}'"
            else:
                kind, detail = "other", "; ".join(warnings)
        broken.append(BrokenLink(page, line, column, link, kind, detail, _source_of(page, docs_dir)))
    return sorted(broken, key=lambda b: (b.page, b.line, b.column, b.link))


def site_layout(root: Path) -> tuple[str, Path]:
    """The path the site is served under (from mkdocs.yml's site_url, e.g. /compendium/), and docs/."""
    if not (root / "mkdocs.yml").is_file():
        return "/", root / "docs"
    path = urlsplit(read_settings(root).site_url).path.strip("/")
    return (f"/{path}/" if path else "/"), root / "docs"


def check_site(site_dir: Path, docs_dir: Path | None = None, prefix: str = "/") -> InternalReport:
    """Every internal link and anchor of the built site, served under prefix, checked by LinkChecker."""
    if not (site_dir / "index.html").is_file():
        raise LinkCheckError(f"no built site in {site_dir}: build it first with `compendium build` "
                             "(or `make site` in the engine's repository)")
    if not linkchecker_available():
        raise LinkCheckError("LinkChecker is not installed here: `make` installs it from requirements-dev.txt "
                             "(or: python -m pip install -r requirements-dev.txt)")
    pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
    # Every page is a starting point, checked with the links on it and no deeper: so a page no other
    # page links to is checked too, and the pages can be shared out between processes, one a core
    # (LinkChecker's own threads share one core: checking an anchor means parsing the page again).
    workers = max(1, min(os.cpu_count() or 1, 4, len(pages)))
    # English messages (the anchor warning is recognised by its words) and UTF-8 output.
    env = {**os.environ, "LANGUAGE": "C", "PYTHONUTF8": "1"}
    with tempfile.TemporaryDirectory(prefix="linkcheck-") as name, serve_site(site_dir, prefix) as base_url, \
            ExitStack() as files:
        folder = Path(name)
        # LinkChecker reads its configuration before it drops to `nobody`, so a private folder is fine;
        # its input and outputs are files this process opens for it.
        # Every URL of the local server is the site's: left to itself, LinkChecker would count as internal
        # only what lies under each start page's own folder.
        intern = "^" + re.escape(base_url.removesuffix(prefix) + "/")
        (folder / "linkcheckerrc").write_text(_CONFIG.format(intern=intern), "utf-8")
        runs = []
        for i in range(workers):
            (folder / f"start-{i}").write_text("\n".join(base_url + page.removesuffix("index.html")
                                                         for page in pages[i::workers]), "utf-8")
            streams = [files.enter_context((folder / f"{part}-{i}").open(mode))
                       for part, mode in (("start", "rb"), ("out", "wb"), ("err", "wb"))]
            runs.append(subprocess.Popen(
                [sys.executable, "-m", "linkcheck", "--config", str(folder / "linkcheckerrc"), "--output", "xml",
                 "--no-status", "--stdin"], stdin=streams[0], stdout=streams[1], stderr=streams[2], env=env))
        codes = [run.wait() for run in runs]
        files.close()
        broken: list[BrokenLink] = []
        for i, code in enumerate(codes):
            # Exit status: 0 nothing found, 1 broken links or warnings found, 2 LinkChecker itself failed.
            if code not in (0, 1):
                stderr = (folder / f"err-{i}").read_text("utf-8", errors="replace")
                raise LinkCheckError("LinkChecker failed:\n" + stderr[-3000:])
            broken.extend(parse_linkchecker_xml((folder / f"out-{i}").read_bytes(), base_url, docs_dir))
    return InternalReport(len(pages), tuple(sorted(set(broken), key=lambda b: (b.page, b.line, b.column, b.link))))

"""Link checks: the built site's internal links and anchors (LinkChecker, on a server on 127.0.0.1), and
external links (httpx) against an HTTP server this test starts on 127.0.0.1, with the cache and reports."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from compendium.linkcheck import cache as link_cache
from compendium.linkcheck.check import check_external, check_internal
from compendium.linkcheck.external import (
    BLOCKED,
    BROKEN,
    OK,
    REDIRECTED,
    UNREACHABLE,
    CheckSettings,
    check_urls,
    retry_after,
)
from compendium.linkcheck.sources import collect_links, page_links
from compendium.paths import LINK_CACHE
from compendium.pipeline import build

from conftest import REPO

# --------------------------------------------------------------------------------------------------
# Internal links


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compendium", *map(str, args)], capture_output=True, text=True,
                          check=False)


def test_sample_site_has_no_broken_internal_link(sample: Path) -> None:
    # On GitHub Pages a project's site lives under /name/, and its 404 page links from there: the site is
    # served under the path of its site_url. As root (as in CI) LinkChecker runs as `nobody`, who cannot
    # read this private temporary folder: the site reaches it over HTTP from this process instead.
    config = sample / "mkdocs.yml"
    lines = [line for line in config.read_text("utf-8").splitlines() if not line.startswith("site_url:")]
    config.write_text("\n".join(["site_url: https://example.org/walking/", *lines]) + "\n", "utf-8")
    assert build(sample).site_ok
    assert 'href="/walking/assets/' in (sample / "site/404.html").read_text("utf-8")
    run = _run("check-links", "--root", sample, "--json", sample / "internal.json")
    assert run.returncode == 0, run.stderr
    assert "0 broken link(s), 0 broken anchor(s)" in run.stdout
    report = json.loads((sample / "internal.json").read_text("utf-8"))
    assert report["broken"] == []
    assert report["pages"] == len(list((sample / "site").rglob("*.html")))


def test_broken_link_and_anchor_are_reported_with_their_page(sample: Path) -> None:
    # Raw HTML, which MkDocs' own validation does not see: the built site is what readers get. Both links
    # lead out of the page's folder, as most links do.
    method = sample / "docs" / "method.md"
    method.write_text(method.read_text("utf-8") + '\n<p><a href="../claims/no-such-claim/">gone</a> and '
                      '<a href="../references/#ref-no-such-key">missing anchor</a></p>\n', "utf-8")
    assert build(sample).site_ok
    run = _run("check-links", "--root", sample, "--json", sample / "internal.json")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    problems = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert len(problems) == 2, run.stderr
    assert re.fullmatch(r"site/method/index\.html:\d+:\d+: error: broken link '\.\./claims/no-such-claim/': "
                        r"404 File not found", problems[0])
    assert re.fullmatch(r"site/method/index\.html:\d+:\d+: error: broken anchor '\.\./references/#ref-no-such-key': "
                        r"the page it points to has no element with id 'ref-no-such-key'", problems[1])
    assert "hint: the page is built from docs/method.md" in run.stderr
    assert "1 broken link(s), 1 broken anchor(s)" in run.stdout
    report = json.loads((sample / "internal.json").read_text("utf-8"))
    assert [(b["page"], b["kind"], b["source"]) for b in report["broken"]] == [
        ("site/method/index.html", "page", "docs/method.md"), ("site/method/index.html", "anchor", "docs/method.md")]


def test_check_links_without_a_site_says_what_to_do(sample: Path) -> None:
    run = _run("check-links", "--root", sample)
    assert run.returncode == 1
    assert "no built site" in run.stderr and "make site" in run.stderr
    assert "Traceback" not in run.stderr


def test_real_record_site_has_no_broken_internal_link(real_record: Path, real_site: Path) -> None:
    outcome = check_internal(real_record, real_site)
    assert [d.format_text() for d in outcome.report.diagnostics] == []


# --------------------------------------------------------------------------------------------------
# Durable sources: archived copies and access dates on the references page


def test_references_page_shows_archive_and_says_when_unchecked(sample: Path) -> None:
    bib = sample / "references.bib"
    bib.write_text(bib.read_text("utf-8").replace(
        "  urldate     = {2026-11-01}",
        "  archiveurl  = {https://web.archive.org/web/2021/https://example.org/reports/2019-20.pdf}"), "utf-8")
    result = build(sample, make_site=False)
    # An archived copy is enough to keep the source reachable: no warning.
    assert not [d for d in result.report.diagnostics if "walkco2020annual" in d.message]
    page = (sample / "docs" / "references.md").read_text("utf-8")
    entry = page[page.index('id="ref-walkco2020annual"'):].split("Cited by")[0]
    assert ('<span class="cx-archived">Archived copy: <a href="https&#58;//web.archive.org/web/2021/https&#58;'
            '//example.org/reports/2019-20.pdf">') in entry
    assert "Not yet checked against the live source" in entry
    # Only the web page gets the note: not the journal article (found by its DOI) nor the printed book.
    assert page.count("Not yet checked against the live source") == 1


def test_web_reference_without_date_or_archive_fails_only_with_strict(sample: Path) -> None:
    bib = sample / "references.bib"
    bib.write_text(bib.read_text("utf-8").replace("  urldate     = {2026-11-01}\n", ""), "utf-8")
    assert _run("validate", "--root", sample).returncode == 0
    strict = _run("validate", "--root", sample, "--strict")
    assert strict.returncode == 1
    assert ("references.bib:2:1: warning: web reference 'walkco2020annual' has neither an access date nor an "
            "archived copy") in strict.stderr


# --------------------------------------------------------------------------------------------------
# External links: a local server with every kind of answer


@dataclass
class _Server:
    base: str
    requests: Counter[str]
    most_at_once: int = 0
    release: threading.Event = field(default_factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    """Answers by path: /ok, /missing (404), /gone (410), /moved (301 -> 301 -> /ok), /temporary (302 -> /ok),
    /busy (429 then 200), /down (503 always), /forbidden (403), /loop (301 to itself), /slow (no answer for 10 s),
    /hold-N (an answer after 0.5 s, counting how many are held at once)."""

    server_state: _Server
    lock = threading.Lock()
    in_flight = 0

    def do_GET(self) -> None:
        state = self.server_state
        with self.lock:
            state.requests[self.path] += 1
            count = state.requests[self.path]
        self._answer(self.path, count)

    def _answer(self, path: str, count: int) -> None:
        redirects = {"/moved": (301, "/moved-again"), "/moved-again": (301, "/ok"), "/temporary": (302, "/ok"),
                     "/loop": (301, "/loop")}
        if path in redirects:
            status, location = redirects[path]
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/busy" and count == 1:
            self._plain(429, {"Retry-After": "0"})
        elif path == "/slow":
            self.server_state.release.wait(10)
            self._plain(200)
        elif path.startswith("/hold-"):
            # Counted while held, before the answer: the client holds its slot until the answer comes.
            with self.lock:
                type(self).in_flight += 1
                self.server_state.most_at_once = max(self.server_state.most_at_once, type(self).in_flight)
            self.server_state.release.wait(0.5)
            with self.lock:
                type(self).in_flight -= 1
            self._plain(200)
        else:
            self._plain({"/missing": 404, "/gone": 410, "/down": 503, "/forbidden": 403}.get(path, 200))

    def _plain(self, status: int, headers: dict[str, str] | None = None) -> None:
        body = b"a page of the test server\n"
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Server]:
    state = _Server("", Counter())
    handler = type("Handler", (_Handler,), {"server_state": state, "in_flight": 0})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    state.release.set()
    httpd.shutdown()
    httpd.server_close()


FAST = CheckSettings(timeout=3, retries=1, backoff=0.01, per_host=2)


def test_every_kind_of_answer_is_classified(server: _Server) -> None:
    paths = ["/ok", "/missing", "/moved", "/temporary", "/busy", "/down", "/forbidden", "/loop", "/slow"]
    results = check_urls([server.base + p for p in paths], FAST)
    got = {p: results[server.base + p] for p in paths}
    assert {p: r.outcome for p, r in got.items()} == {
        "/ok": OK, "/missing": BROKEN, "/moved": REDIRECTED, "/temporary": OK, "/busy": OK, "/down": UNREACHABLE,
        "/forbidden": BLOCKED, "/loop": BROKEN, "/slow": UNREACHABLE}
    assert got["/missing"].status == 404
    moved = got["/moved"]
    assert moved.moved_to == server.base + "/ok" and moved.final_url == server.base + "/ok"
    assert [(h.url.removeprefix(server.base), h.status) for h in moved.redirects] == [("/moved", 301),
                                                                                     ("/moved-again", 301)]
    assert got["/temporary"].moved_to == "" and got["/temporary"].redirects[0].status == 302
    assert (got["/busy"].attempts, server.requests["/busy"]) == (2, 2)  # 429, then 200 on the retry
    assert (got["/down"].status, got["/down"].attempts, server.requests["/down"]) == (503, 2, 2)
    assert server.requests["/missing"] == 1  # a 404 is not tried again
    assert got["/loop"].error == "redirect loop"
    assert got["/slow"].error == "no answer within 3 s" and got["/slow"].attempts == 2


def test_requests_to_one_host_stay_within_the_limit(server: _Server) -> None:
    results = check_urls([f"{server.base}/hold-{i}" for i in range(8)], FAST)
    assert all(r.outcome == OK for r in results.values())
    assert server.most_at_once == 2  # concurrent, and never more than per_host at once


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after("7", now=0) == 7
    assert retry_after("Thu, 01 Jan 1970 00:01:40 GMT", now=40) == 60
    assert retry_after("soon", now=0) is None and retry_after(None, now=0) is None


def _compendium_with_links(sample: Path, base: str) -> Path:
    """The sample, its web reference pointing at the test server (dead, with a live archived copy), plus a
    reference that moved, one that is gone, and links in a hand-written page. Every link is on the test
    server: the journal article's DOI (a doi.org link) becomes a local URL."""
    bib = sample / "references.bib"
    text = bib.read_text("utf-8").replace("https://example.org/reports/2019-20.pdf", f"{base}/missing")
    text = text.replace("  doi     = {10.5555/example.2021.045}", f"  url     = {{{base}/temporary}}")
    text = text.replace("  urldate     = {2026-11-01}",
                        f"  urldate     = {{2026-11-01}},\n  archiveurl  = {{{base}/ok}}")
    text += (f"\n@misc{{moved2020,\n  title = {{Moved}},\n  year = {{2020}},\n  url = {{{base}/moved}},\n"
             f"  urldate = {{2026-11-01}}\n}}\n"
             f"\n@misc{{gone2020,\n  title = {{Gone}},\n  year = {{2020}},\n  url = {{{base}/gone}},\n"
             f"  urldate = {{2026-11-01}}\n}}\n")
    bib.write_text(text, "utf-8")
    for page in (sample / "docs").glob("*.md"):  # the sample's hand-written pages link to example.org
        page.write_text(page.read_text("utf-8").replace("https://example.org", f"{base}/example"), "utf-8")
    method = sample / "docs" / "method.md"
    added = f"\nSee [the busy page]({base}/busy).\n\n```sh\ncurl {base}/code\n```\n"
    method.write_text(method.read_text("utf-8") + added, "utf-8")
    return sample


def test_sources_are_collected_with_file_line_and_reference(sample: Path, server: _Server) -> None:
    root = _compendium_with_links(sample, server.base)
    links, problems = collect_links(root)
    assert problems == []
    by_url = {link.url: link for link in links}
    dead = by_url[server.base + "/missing"]
    assert [(s.file, s.line, s.reference, s.field) for s in dead.sources] == [
        ("references.bib", 2, "walkco2020annual", "url")]
    assert dead.archive == server.base + "/ok"
    assert [s.field for s in by_url[server.base + "/ok"].sources] == ["archiveurl"]
    busy = by_url[server.base + "/busy"]
    assert busy.sources[0].file == "docs/method.md" and busy.sources[0].field == "page"
    assert server.base + "/code" not in by_url  # an example in a code block is not a link


def test_a_doi_is_checked_as_its_doi_org_link(sample: Path) -> None:
    links, _ = collect_links(sample)
    doi = next(link for link in links if "doi.org" in link.url)
    assert doi.url == "https://doi.org/10.5555/example.2021.045"
    assert [(s.reference, s.field) for s in doi.sources] == [("smith2021uptake", "doi")]


def _only_local(root: Path, base: str) -> None:
    """Tests send no request beyond 127.0.0.1."""
    links, _ = collect_links(root)
    assert links and all(link.url.startswith(base + "/") for link in links), [link.url for link in links]


def test_page_links_skip_code_and_trailing_punctuation() -> None:
    text = ("See <https://a.example/x>, and [b](https://b.example/y_(z)).\n"
            "`https://code.example` and https://c.example/p.\n~~~\nhttps://fenced.example\n~~~\n")
    assert list(page_links(text)) == [(1, "https://a.example/x"), (1, "https://b.example/y_(z)"),
                                      (2, "https://c.example/p")]


def test_external_check_reports_cache_and_json(sample: Path, server: _Server) -> None:
    root = _compendium_with_links(sample, server.base)
    _only_local(root, server.base)
    command = ["check-links", "--external", "--root", root, "--json", root / "links.json", "--timeout", "5",
               "--retries", "1"]
    run = _run(*command)
    assert run.returncode == 1, run.stderr  # gone2020 is dead and has no archived copy
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    missing = f"{server.base}/missing"
    assert (f"references.bib:2:1: warning: broken link {missing}: HTTP 404; its archived copy still answers "
            f"(reference 'walkco2020annual', field url)") in lines
    assert any(re.fullmatch(rf"references\.bib:\d+:1: error: broken link {re.escape(server.base)}/gone: HTTP 410 "
                            r"\(reference 'gone2020', field url\)", line) for line in lines), run.stderr
    assert any(re.fullmatch(rf"references\.bib:\d+:1: warning: link {re.escape(server.base)}/moved has moved "
                            rf"permanently to {re.escape(server.base)}/ok \(reference 'moved2020', field url\)", line)
               for line in lines), run.stderr
    report = json.loads((root / "links.json").read_text("utf-8"))
    by_url = {entry["url"]: entry for entry in report["links"]}
    assert by_url[missing]["archive"] == {"url": f"{server.base}/ok", "outcome": "ok"}
    assert by_url[missing]["severity"] == "warning"
    assert by_url[f"{server.base}/busy"]["sources"] == [
        {"file": "docs/method.md", "line": by_url[f"{server.base}/busy"]["sources"][0]["line"], "reference": "",
         "field": "page"}]
    assert by_url[f"{server.base}/busy"]["attempts"] == 2
    assert report["summary"]["errors"] == 1 and report["summary"]["from_cache"] == 0
    sent = sum(server.requests.values())
    assert sent > 0 and (root / LINK_CACHE).is_file()

    again = _run(*command)
    assert sum(server.requests.values()) == sent  # within the cache's lifetime: not one request
    assert again.returncode == 1 and again.stderr == run.stderr
    assert "from the cache" in again.stdout
    report = json.loads((root / "links.json").read_text("utf-8"))
    assert report["summary"]["from_cache"] == report["summary"]["links"]

    _run(*command, "--cache-hours", "0")
    assert sum(server.requests.values()) > sent  # no cache: every link is asked again


def test_cache_entries_expire_after_their_lifetime(sample: Path, server: _Server) -> None:
    root = _compendium_with_links(sample, server.base)
    _only_local(root, server.base)
    cache = root / LINK_CACHE
    first = check_external(root, FAST, cache, cache_hours=1)
    assert first.data["summary"]["from_cache"] == 0
    results = link_cache.load_fresh(cache, 3600, now=_checked_at(cache))
    assert results and all(r.from_cache for r in results.values())
    assert link_cache.load_fresh(cache, 3600, now=_checked_at(cache) + 3601) == {}


def _checked_at(cache: Path) -> float:
    return max(entry["checked_at"] for entry in json.loads(cache.read_text("utf-8"))["results"].values())


def test_unreadable_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    cache.write_text("{not json", "utf-8")
    assert link_cache.load_fresh(cache, 3600, now=0) == {}


def test_links_workflow_runs_weekly_and_on_demand_and_keeps_its_report() -> None:
    workflow = REPO / ".github" / "workflows" / "links.yml"
    run = subprocess.run([str(Path(sys.executable).with_name("check-jsonschema")), "--builtin-schema",
                          "vendor.github-workflows", str(workflow)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    data = yaml.safe_load(workflow.read_text("utf-8"))
    triggers = data[True]  # YAML 1.1 reads the key `on` as true
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    steps = data["jobs"]["external"]["steps"]
    check = next(step["run"] for step in steps if "check-links" in step.get("run", ""))
    assert "--external" in check and "--json link-report/links.json" in check
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "link-report/links.json"

"""Whole builds: the sample compendium and the real record, through `mkdocs build --strict`."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from compendium.pipeline import build


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text("utf-8"))
    return parser


def test_sample_builds_a_page_for_every_item(sample: Path) -> None:
    result = build(sample)
    assert result.site_ok, result.site_output
    site = sample / "site"
    for folder in ("claims", "evidence"):
        for data in (sample / folder).glob("*.yml"):
            assert (site / folder / data.stem / "index.html").is_file()
    for page in ("references", "timeline", "topics/uptake", "topics/cost", "claims", "evidence", "method"):
        assert (site / page / "index.html").is_file(), page
    assert (site / "assets/compendium/charts/retention-compared.svg").is_file()
    assert "WARNING -" not in result.site_output and "Material" not in result.site_output


def test_sample_internal_links_and_anchors_resolve(sample: Path) -> None:
    assert build(sample).site_ok
    site = sample / "site"
    # 404.html is served at any depth, so MkDocs writes its links from the root: not checkable here.
    pages = {p: _parse(p) for p in site.rglob("*.html") if p.name != "404.html"}
    for page, links in pages.items():
        for href in links.hrefs:
            if href.startswith(("http://", "https://", "mailto:")) or (href.startswith("#") and len(href) == 1):
                continue
            path, _, anchor = href.partition("#")
            path = path.partition("?")[0]  # a query (?verdict=... on the claims index) is the page's to read
            target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"{page.relative_to(site)} links to missing {href}"
            if anchor and target.suffix == ".html":
                assert anchor in pages[target].ids, f"{page.relative_to(site)}: no #{anchor} in {href}"


def test_claim_page_html_has_verdict_quote_and_edit_link(sample: Path) -> None:
    assert build(sample).site_ok
    html = (sample / "site/claims/most-participants-keep-walking/index.html").read_text("utf-8")
    assert 'class="cx-verdict cx-verdict--misleading"' in html
    assert "<blockquote>\n<p>Two in three walkers are still with us after a year." in html
    assert 'href="https://example.org/sample/compendium/edit/main/claims/most-participants-keep-walking.yml"' in html


def test_second_build_rewrites_no_page_and_draws_no_chart(sample: Path) -> None:
    assert build(sample, make_site=False).pages is not None
    again = build(sample, make_site=False)
    # No input changed: the last build's checks and pages stand, and no chart is even looked at.
    assert again.checks_reused and again.charts is None
    assert again.pages is not None and again.pages.written == 0
    (sample / "docs" / "claims" / "most-participants-keep-walking.md").unlink()  # a page gone: all is checked
    third = build(sample, make_site=False)
    assert not third.checks_reused and third.charts is not None and third.pages is not None
    assert (third.pages.written, third.charts.rendered) == (1, 0)


def test_failed_mkdocs_build_keeps_previous_site(sample: Path) -> None:
    assert build(sample).site_ok
    marker = sample / "site" / "marker.txt"
    marker.write_text("previous build")
    (sample / "docs" / "index.md").write_text("# Home\n\n[broken](missing-page.md)\n")
    result = build(sample)
    assert result.site_ok is False
    assert "missing-page.md" in result.site_output
    assert marker.read_text() == "previous build"

"""The supporting pages, read as a browser gets them (parsed HTML of the built site): the chart gallery and each
chart's own page, each series' page, a topic's "What we know", the About page with and without mkdocs.yml's
extra.about, the 404 page in the site and in the offline edition's build, and the navigation's "For contributors"."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from compendium.input.load import load_sources
from compendium.input.resolve import link
from compendium.model import Compendium
from compendium.offline import CONFIG as OFFLINE_CONFIG
from compendium.pipeline import build, check
from compendium.web.site import build_site

from conftest import REPO, copy_sample

SITE_URL = "https://iapt-evidence.github.io/compendium/"
def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def article(page: BeautifulSoup) -> Tag:
    found = page.select_one("article.md-content__inner")
    assert found is not None
    return found


def target(site: Path, page: str, href: str) -> Path:
    """The file a relative link on page (e.g. 'charts/x/index.html') leads to in the built site."""
    path = urlsplit(urljoin(f"http://site/{page}", href)).path.lstrip("/")
    file = site / path
    return file / "index.html" if path.endswith("/") or file.is_dir() else file


@pytest.fixture(scope="module")
def record() -> Compendium:
    sources, _ = load_sources(REPO)
    return link(sources)


# --- The gallery ------------------------------------------------------------------------------------------------


def _gallery_groups(site: Path) -> dict[str, list[Tag]]:
    """Each topic heading of the gallery, with the cards under it."""
    body = article(soup(site / "charts" / "index.html"))
    groups: dict[str, list[Tag]] = {}
    for heading in body.find_all("h2"):
        gallery = heading.find_next_sibling("div", class_="cx-gallery")
        assert gallery is not None, heading
        groups[heading.get_text(strip=True).rstrip("¶")] = gallery.find_all("div", class_="cx-gallery__card")
    return groups


def test_gallery_shows_every_chart_once_under_its_topic_with_a_thumbnail_and_a_link_to_its_page(
        real_site: Path, record: Compendium) -> None:
    compendium = record
    groups = _gallery_groups(real_site)
    topics = {t.title: t.id for t in compendium.topics.values()}
    assert set(groups) <= set(topics) | {"Other charts"}
    seen: dict[str, str] = {}
    for title, cards in groups.items():
        assert cards, f"{title}: an empty group"
        for card in cards:
            heading = card.find("h3")
            assert heading is not None and heading.a is not None
            href = heading.a["href"]
            chart_id = str(href).strip("/")
            assert chart_id in compendium.charts, href
            assert chart_id not in seen, f"{chart_id} is under {seen.get(chart_id)} and {title}"
            seen[chart_id] = title
            assert target(real_site, "charts/", str(href)).is_file(), href
            thumb = card.find("img", class_="cx-thumb")
            assert thumb is not None and thumb["alt"] == "" and thumb["loading"] == "lazy"
            assert target(real_site, "charts/", str(thumb["src"])).is_file(), thumb["src"]
            assert re.search(r"\d+ values? from \d+ sources?", card.get_text()), card.get_text()
    assert set(seen) == set(compendium.charts)
    # A chart's own topic (charts/*.yml) decides its group; without one, the claims that show it do.
    assert seen["attrition-funnel-2016-17"] == "Drop-out and completion"
    assert seen["cost-per-person-claimed-vs-found"] == "Cost and value for money"
    # Groups follow topics.yml's order.
    order = list(topics)
    assert [order.index(t) for t in groups] == sorted(order.index(t) for t in groups)


def test_gallery_anchors_of_each_chart_still_land_on_it(real_site: Path, record: Compendium) -> None:
    """Before it was a gallery, the charts page had a section per chart with the chart's id as anchor
    (charts/#<id>), which claim pages linked to: each such address still lands on its chart's card."""
    body = article(soup(real_site / "charts" / "index.html"))
    for chart_id in record.charts:
        heading = body.find(id=chart_id)
        assert heading is not None and heading.name == "h3", f"charts/#{chart_id} is gone"
        assert heading.a is not None and str(heading.a["href"]).strip("/") == chart_id, chart_id


def test_sample_gallery_and_chart_page(sample_build: Path) -> None:
    """The engine, not the record: another compendium's single chart gets a group, a card and a page."""
    site = sample_build / "site"
    groups = _gallery_groups(site)
    assert list(groups) == ["Uptake"]
    [card] = groups["Uptake"]
    assert card.h3 is not None and card.h3.a is not None and card.h3.a["href"] == "retention-compared/"
    assert card.h3["id"] == "retention-compared"
    assert "2 values from 2 sources, shown on 2 pages" in card.get_text()


# --- A series' page -----------------------------------------------------------------------------------------------

def test_each_series_page_lists_its_releases_and_what_each_says_on_each_claim(real_site: Path,
                                                                                record: Compendium) -> None:
    """A claim page shows a series' releases as one row whose link lands on the claim's part of the series'
    page; there each release the claim cites is listed with what it says on the claim, linked to its page."""
    assert record.series
    for series_id, series in record.series.items():
        page_path = f"series/{series_id}/"
        body = article(soup(real_site / page_path / "index.html"))
        heading = body.find("h1")
        assert heading is not None and heading.get_text(strip=True).rstrip("¶") == series.title
        releases = {e.id for e in record.evidence.values() if e.series and e.series.id == series_id}
        table = body.find("table")
        assert table is not None
        listed = {str(a["href"]).split("/")[-2] for a in table.select("tbody a[href]")}
        assert listed == releases, f"{series_id}: the table lists {listed}, not its releases {releases}"
        for claim in record.claims.values():
            cited = [c for c in claim.evidence if c.id in releases]
            part = body.find(id=f"claim-{claim.id}")
            assert (part is not None) == bool(cited), f"{series_id}: {claim.id} cited {len(cited)} releases"
            if not cited:
                continue
            # Two releases or more taking one stance are one row on the claim's page, linked to this part.
            grouped = any(sum(c.stance == stance for c in cited) > 1 for stance in {c.stance for c in cited})
            row_link = soup(real_site / "claims" / claim.id / "index.html").find(
                "a", href=f"../../series/{series_id}/#claim-{claim.id}")
            assert (row_link is not None) == grouped, f"{claim.id}: row linked to {page_path}: {row_link}"
            items = []
            for sibling in part.find_next_siblings():
                if sibling.name in ("h2", "h3"):
                    break
                items += sibling.select("li") if sibling.name == "ul" else []
            assert len(items) == len(cited), f"{series_id}: {claim.id}: {len(items)} listed, {len(cited)} cited"
            texts = [" ".join(item.get_text().split()) for item in items]
            for item in items:
                anchor = item.find("a")
                assert anchor is not None and target(real_site, page_path, str(anchor["href"])).is_file()
            for cite in cited:
                note = " ".join((cite.note or "").split())
                assert any(note in text for text in texts), f"{series_id}: {claim.id}: {cite.id}'s note not shown"


def _chart_page_problems(site: Path, chart_id: str, site_url: str) -> list[str]:
    page_path = f"charts/{chart_id}/"
    page = soup(site / "charts" / chart_id / "index.html")
    body = article(page)
    problems = []
    # One image with its alt text, and the phone's drawing a source of the same <picture> (chart_picture.py).
    images = body.select("a.cx-chart-link > picture > img.cx-chart")
    narrow = body.select("a.cx-chart-link > picture > source[media][srcset]")
    if len(images) != 1 or len(narrow) != 1:
        problems.append(f"{chart_id}: charts shown {images} {narrow}")
    for address in [str(i["src"]) for i in images if i.get("alt")] + [str(s["srcset"]) for s in narrow]:
        if not target(site, page_path, address).is_file():
            problems.append(f"{chart_id}: image {address} without its file")
    if any(not i.get("alt") for i in images):
        problems.append(f"{chart_id}: an image without alt text")
    with target(site, page_path, f"../../assets/compendium/charts/{chart_id}.csv").open(encoding="utf-8") as data:
        rows = list(csv.DictReader(data))
    table = body.select_one(".cx-chart-data table")
    shown = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")] if table else []
    if [r[1] for r in shown] != [r["label"] for r in rows]:
        problems.append(f"{chart_id}: the table's points {[r[1] for r in shown]} are not the CSV's")
    downloads = {a.get_text(strip=True): str(a["href"]) for a in body.select("a.cx-download")}
    for name, suffix in (("Download the data (CSV)", ".csv"), ("the chart (SVG)", ".svg")):
        href = downloads.get(name, "")
        if not href.endswith(f"{chart_id}{suffix}") or not target(site, page_path, href).is_file():
            problems.append(f"{chart_id}: no working link '{name}' ({downloads})")
    permalink = body.select_one("a.cx-permalink")
    if permalink is None or permalink["href"] != f"{site_url}charts/{chart_id}/":
        problems.append(f"{chart_id}: permalink {permalink}")
    if page.select_one('a[rel="edit"]') is None or \
            not str(page.select_one('a[rel="edit"]')["href"]).endswith(f"charts/{chart_id}.yml"):  # type: ignore[index]
        problems.append(f"{chart_id}: the edit button does not open charts/{chart_id}.yml")
    return problems


def test_every_chart_page_has_its_chart_data_downloads_and_permalink(real_site: Path, record: Compendium) -> None:
    problems = []
    for chart_id in record.charts:
        problems += _chart_page_problems(real_site, chart_id, SITE_URL)
        body = article(soup(real_site / "charts" / chart_id / "index.html"))
        shown_on = {target(real_site, f"charts/{chart_id}/", str(a["href"])).parent.relative_to(real_site).as_posix()
                    for a in body.select("h2#where-it-is-shown + ul a")}
        expected = set(record.backlinks.pages_by_chart.get(chart_id, ()))
        if shown_on != expected:
            problems.append(f"{chart_id}: shown on {sorted(shown_on)}, expected {sorted(expected)}")
    assert problems == [], "\n".join(problems)


def test_claim_and_evidence_pages_link_each_chart_they_show_to_its_page(real_site: Path, record: Compendium) -> None:
    problems = []
    for kind, items in (("claims", record.claims), ("evidence", record.evidence)):
        for item in items.values():
            if not item.charts:
                continue
            body = article(soup(real_site / kind / item.id / "index.html"))
            linked = {str(a["href"]) for a in body.find_all("a", href=True)}
            problems += [f"{kind}/{item.id}: no link to charts/{c}/" for c in item.charts
                         if f"../../charts/{c}/" not in linked]
    assert problems == [], "\n".join(problems)


def test_a_renamed_chart_keeps_its_address(sample: Path) -> None:
    (sample / "redirects.yml").write_text("charts:\n  walking-compared: retention-compared\n", "utf-8")
    result = build(sample, pdf=False)
    assert result.site_ok, result.site_output
    moved = soup(sample / "site" / "charts" / "walking-compared" / "index.html")
    refresh = moved.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None and refresh["content"] == "0; url=../retention-compared/"
    (sample / "redirects.yml").write_text("charts:\n  walking-compared: retention-compraed\n", "utf-8")
    report, _ = check(sample)
    assert any("redirects.yml:2:" in d.format_text() and "retention-compraed" in d.message for d in report.errors), \
        [d.format_text() for d in report.diagnostics]


# --- What we know --------------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def test_every_topic_of_the_record_says_what_we_know_from_its_claims_only(real_site: Path, record: Compendium) -> None:
    """Each IAPT topic has its summary at the top of its page, and every number in it is one that a claim of the
    topic states in its title, statement or conclusion: the summary adds no figure of its own."""
    problems = []
    for topic in record.topics.values():
        body = article(soup(real_site / "topics" / topic.id / "index.html"))
        box = body.select_one("div.cx-what-we-know")
        if box is None or box.h2 is None or box.h2.get_text(strip=True).rstrip("¶") != "What we know":
            problems.append(f"{topic.id}: no 'What we know'")
            continue
        if box.find_previous_sibling("h2") is not None:
            problems.append(f"{topic.id}: 'What we know' is not the page's first section")
        shown = " ".join(p.get_text(" ", strip=True) for p in box.find_all("p")[:-1])
        if " ".join((topic.summary or "").split()) != " ".join(shown.split()):
            problems.append(f"{topic.id}: the page shows {shown!r}")
        claims = [record.claims[c] for c in record.backlinks.claims_by_topic.get(topic.id, ())]
        stated = " ".join(f"{c.title} {c.statement} {c.conclusion}" for c in claims)
        stated_numbers = set(_NUMBER.findall(stated))
        extra = [n for n in _NUMBER.findall(topic.summary or "") if n not in stated_numbers]
        if extra:
            problems.append(f"{topic.id}: numbers stated by none of its claims: {extra}")
    assert problems == [], "\n".join(problems)


def test_a_topic_without_a_summary_has_no_what_we_know(sample_build: Path) -> None:
    site = sample_build / "site"
    assert article(soup(site / "topics" / "uptake" / "index.html")).select_one("div.cx-what-we-know") is not None
    assert article(soup(site / "topics" / "cost" / "index.html")).select_one("div.cx-what-we-know") is None


# --- About ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("pages"))
    result = build(root, pdf=False)
    assert result.site_ok, result.site_output
    return root


def _about_text(site: Path) -> str:
    return " ".join(article(soup(site / "about" / "index.html")).get_text(" ", strip=True).split())


def test_about_page_without_configuration_names_nobody_and_points_to_the_repository(sample_build: Path) -> None:
    text = _about_text(sample_build / "site")
    for said in ("This edition does not name its editors.",
                 "This edition does not state who, if anyone, pays for the work.",
                 "This edition records no declaration of its editors' interests.",
                 "open an issue in the project's repository, https://example.org/sample/compendium"):
        assert said in text, text
    links = {a["href"] for a in article(soup(sample_build / "site" / "about" / "index.html")).find_all("a", href=True)}
    assert "https://example.org/sample/compendium" in links
    assert not any(str(h).startswith("mailto:") for h in links)


def test_the_record_names_no_editors_or_funder(real_site: Path) -> None:
    """Nobody is named in the record's sources as its editor or funder, so its configuration names nobody."""
    assert "about" not in (yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8")).get("extra") or {})
    text = _about_text(real_site)
    assert "This edition does not name its editors." in text
    assert "https://github.com/iapt-evidence/compendium" in text


HOSTILE_NAME = "<script>alert(1)</script> *Jane* [x](javascript:alert(1))"


def _configure_about(root: Path, about: object) -> None:
    config = yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))
    config["extra"] = {**config.get("extra", {}), "about": about}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")


def test_about_page_from_configuration_shows_it_as_plain_text(sample: Path) -> None:
    _configure_about(sample, {
        "editors": [{"name": HOSTILE_NAME, "role": "Editor", "affiliation": "University of Example"},
                    {"name": "Ann Other"}],
        "funding": "No funding: the editors work unpaid.\n\nA second paragraph.",
        "interests": "None declared.",
        "contact": {"email": "editors@example.org", "url": "https://example.org/contact"}})
    result = build(sample, pdf=False)
    assert result.site_ok, result.site_output
    page = soup(sample / "site" / "about" / "index.html")
    body = article(page)
    editors = [li.get_text(" ", strip=True) for li in body.select("h2#who-makes-it + ul > li")]
    assert editors == [f"{HOSTILE_NAME} , Editor (University of Example)", "Ann Other"], editors
    assert body.find("script") is None and body.find("em") is None
    assert not any(str(a["href"]).startswith("javascript:") for a in body.find_all("a", href=True))
    funding = body.select_one("h2#funding").find_next_siblings("p")  # type: ignore[union-attr]
    assert [p.get_text() for p in funding[:2]] == ["No funding: the editors work unpaid.", "A second paragraph."]
    links = {str(a["href"]) for a in body.find_all("a", href=True)}
    assert {"mailto:editors@example.org", "https://example.org/contact"} <= links
    text = _about_text(sample / "site")
    assert "None declared." in text and "does not name" not in text and "does not state" not in text


def test_bad_about_configuration_is_reported_at_its_line_in_mkdocs_yml(sample: Path) -> None:
    text = (sample / "mkdocs.yml").read_text("utf-8")
    text += ("  about:\n    editors:\n      - role: Editor\n    funding: 12\n"  # under the sample's extra:
             "    contact:\n      email: not an address\n    editor: Jane\n")
    (sample / "mkdocs.yml").write_text(text, "utf-8")
    first = text.count("\n", 0, text.index("  about:"))
    report, compendium = check(sample)
    assert compendium is None
    found = {(d.path, d.line, d.message) for d in report.errors}
    messages = "\n".join(d.format_text() for d in report.diagnostics)
    assert ("mkdocs.yml", first + 3, "missing required field 'name' in extra.about.editors[1]") in found, messages
    assert any(d.line == first + 4 and "extra.about.funding" in d.message for d in report.errors), messages
    assert any(d.line == first + 6 and "extra.about.contact.email" in d.message for d in report.errors), messages
    assert any(d.line == first + 7 and "editor" in d.message and "editors" in d.hint for d in report.errors), messages


# --- 404 and the navigation ------------------------------------------------------------------------------------------


def test_404_page_links_from_the_sites_path_so_that_any_depth_works(sample_build: Path) -> None:
    """A host answers every missing address with 404.html, so its links start from site_url's path."""
    page = soup(sample_build / "site" / "404.html")
    assert page.title is not None and page.title.get_text() == "Page not found - Sample Compendium"
    body = article(page)
    assert body.h1 is not None and body.h1.get_text(strip=True) == "Page not found"
    links = {a.get_text(strip=True): str(a["href"]) for a in body.select("ul.cx-not-found a")}
    assert links == {"The home page": "/sample/.", "Every claim, to sort and filter": "/sample/claims/"}
    assert body.select_one("form.cx-search-prompt input[name=q]") is not None
    stylesheets = [str(s["href"]) for s in page.find_all("link", rel="stylesheet")]
    assert stylesheets and all(h.startswith("/sample/") for h in stylesheets), stylesheets


def test_offline_404_page_links_relatively_to_files_that_are_there(sample_build: Path, tmp_path: Path) -> None:
    root = sample_build
    shutil.copy(REPO / OFFLINE_CONFIG, root / OFFLINE_CONFIG)
    built = build_site(root, tmp_path / "offline", OFFLINE_CONFIG)
    assert built.ok, built.output
    page = soup(tmp_path / "offline" / "404.html")
    hrefs = [str(a["href"]) for a in page.find_all("a", href=True) if not str(a["href"]).startswith(("http", "#"))]
    hrefs += [str(s["href"]) for s in page.find_all("link", href=True)]
    hrefs += [str(s["src"]) for s in page.find_all("script", src=True)]
    assert hrefs and not [h for h in hrefs if h.startswith("/")], hrefs
    # The PDF edition is added by build_offline, after the site's build (tests/browser/test_offline.py opens it).
    missing = [h for h in hrefs if not (tmp_path / "offline" / urlsplit(h).path).is_file()]
    assert missing == ["./compendium.pdf"], missing
    links = {a.get_text(strip=True): str(a["href"]) for a in article(page).select("ul.cx-not-found a")}
    assert links == {"The home page": "./index.html", "Every claim, to sort and filter": "./claims/index.html"}


def test_contributor_pages_are_under_one_entry_of_the_navigation(real_site: Path) -> None:
    nav = soup(real_site / "index.html").select_one("nav.md-nav--primary > ul.md-nav__list")
    assert nav is not None
    top = [li for li in nav.find_all("li", recursive=False)]
    labels = [li.find(["a", "label"]).get_text(" ", strip=True) for li in top]
    assert "Contributing" not in labels and "Data fields" not in labels, labels
    assert labels[-2:] == ["About", "For contributors"], labels
    # Pruned on the other pages (navigation.prune): the entry leads to the section's first page, where the
    # section is open with both its pages.
    assert top[-1].find("a")["href"] == "contributing/"
    nav = soup(real_site / "contributing" / "index.html").select_one("nav.md-nav--primary > ul.md-nav__list")
    assert nav is not None
    pages = nav.find_all("li", recursive=False)[-1].select_one("nav > ul.md-nav__list").find_all("li", recursive=False)
    assert [li.select_one(".md-nav__link").get_text(strip=True) for li in pages] == ["Contributing", "Data fields"]

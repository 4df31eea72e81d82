"""Machine-readable and citable: ClaimReview on claim pages, open data that counts exactly what the
YAML holds, verdict history carried everywhere, redirects for renamed ids."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import zipfile
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from test_text import assert_no_formula_cells

from compendium.edition import Edition
from compendium.pipeline import build, check
from compendium.schemas import schema
from compendium.settings import read_settings
from compendium.web.export import CSV_COLUMNS, export_files

from conftest import SAMPLE

RATINGS = schema("claim")["$defs"]["rating"]


def _json_ld(html: str) -> list[dict]:  # type: ignore[type-arg]
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(b) for b in blocks]


def test_every_claim_page_carries_one_valid_claimreview(sample: Path) -> None:
    assert build(sample).site_ok
    for data in (sample / "claims").glob("*.yml"):
        claim = yaml.safe_load(data.read_text())
        blocks = _json_ld((sample / "site/claims" / data.stem / "index.html").read_text())
        assert len(blocks) == 1
        review = blocks[0]
        assert review["@type"] == "ClaimReview" and review["@context"] == "https://schema.org"
        assert review["claimReviewed"] == " ".join(claim["statement"].split())
        assert review["url"] == f"https://example.org/sample/claims/{data.stem}/"
        rating = review["reviewRating"]
        assert rating["alternateName"] == claim["verdict"]["rating"].replace("-", " ").capitalize()
        assert rating["ratingValue"] == RATINGS["x-rating-values"][claim["verdict"]["rating"]]
        assert (rating["bestRating"], rating["worstRating"]) == (5, 1)
        item = review["itemReviewed"]
        assert item["@type"] == "Claim" and item["author"]["name"] == claim["claimant"]["name"]
        assert item["appearance"]["@type"] == "CreativeWork" and str(item["datePublished"]) == str(claim["date"])
        assert review["author"] == {"@type": "Organization", "name": "Sample Compendium",
                                    "url": "https://example.org/sample/"}
        assert review["datePublished"] == str(claim["history"][0]["date"])
        assert review["dateModified"] == str(claim["history"][-1]["date"])


def _validator(site: Path, name: str) -> Draft202012Validator:
    folder = site / "data/schemas"
    registry = Registry().with_resources(
        (p.name, Resource.from_contents(json.loads(p.read_text()))) for p in folder.glob("*.json"))
    return Draft202012Validator(json.loads((folder / name).read_text()), registry=registry)


def test_open_data_validates_and_counts_exactly_the_yaml(sample: Path) -> None:
    assert build(sample).site_ok
    data = sample / "site/data"
    claims = json.loads((data / "claims.json").read_text())
    evidence = json.loads((data / "evidence.json").read_text())
    references = json.loads((data / "references.json").read_text())
    for name, document in (("claims.schema.json", claims), ("evidence.schema.json", evidence),
                           ("references.schema.json", references)):
        errors = list(_validator(sample / "site", name).iter_errors(document))
        assert errors == [], [e.message for e in errors]
    assert sorted(c["id"] for c in claims["claims"]) == sorted(p.stem for p in (sample / "claims").glob("*.yml"))
    assert sorted(e["id"] for e in evidence["evidence"]) == sorted(p.stem for p in (sample / "evidence").glob("*.yml"))
    bib_keys = re.findall(r"^@\w+\{([^,]+),", (sample / "references.bib").read_text(), re.M)
    assert sorted(r["id"] for r in references) == sorted(bib_keys)
    rows = list(csv.DictReader(io.StringIO((data / "claims.csv").read_text())))
    assert len(rows) == len(claims["claims"])
    keep = next(r for r in rows if r["id"] == "most-participants-keep-walking")
    assert (keep["rating"], keep["supporting"], keep["contradicting"]) == ("misleading", "1", "1")
    with zipfile.ZipFile(data / "compendium-data.zip") as archive:
        names = set(archive.namelist())
        assert {"claims.json", "evidence.json", "references.json", "claims.csv", "README.txt",
                "schemas/claims.schema.json"} <= names
        assert archive.read("claims.json") == (data / "claims.json").read_bytes()
    # The sample states its licence in mkdocs.yml (extra.licence); the files give it as stated there.
    stated = yaml.safe_load((sample / "mkdocs.yml").read_text("utf-8"))["extra"]["licence"]
    assert f"Licence: {stated['name']},\n{stated['url']} . Quotations remain their authors'.\n" \
        in (data / "README.txt").read_text()
    assert claims["licence"] == evidence["licence"] == stated["id"]


def test_verdict_change_shows_on_page_changelog_feed_and_json(sample: Path) -> None:
    path = sample / "claims/programme-pays-for-itself.yml"
    text = path.read_text().replace("\nverdict:\n  rating: unproven", "\nverdict:\n  rating: inaccurate")
    text += "  - date: 2026-04-01\n    rating: inaccurate\n    note: A costed evaluation found no savings.\n"
    path.write_text(text)
    assert build(sample).site_ok
    site = sample / "site"
    page = (site / "claims/programme-pays-for-itself/index.html").read_text()
    assert "A costed evaluation found no savings." in page and "cx-verdict--inaccurate" in page
    assert _json_ld(page)[0]["dateModified"] == "2026-04-01"
    changelog = (site / "changelog/index.html").read_text()
    assert changelog.index("A costed evaluation found no savings.") < changelog.index("First assessment.")
    feed = (site / "feed.xml").read_text()
    assert "Verdict changed: The programme pays for itself: Unproven to Inaccurate" in feed
    assert "<updated>2026-04-01T00:00:00Z</updated>" in feed
    claims = json.loads((site / "data/claims.json").read_text())["claims"]
    changed = next(c for c in claims if c["id"] == "programme-pays-for-itself")
    assert [h["rating"] for h in changed["history"]] == ["unproven", "inaccurate"]


def test_renamed_id_keeps_its_address(sample: Path) -> None:
    (sample / "redirects.yml").write_text("claims:\n  walkers-keep-walking: most-participants-keep-walking\n")
    assert build(sample).site_ok
    moved = (sample / "site/claims/walkers-keep-walking/index.html").read_text()
    assert 'content="0; url=../most-participants-keep-walking/"' in moved
    assert '<link rel="canonical" href="https://example.org/sample/claims/most-participants-keep-walking/">' in moved
    sitemap = (sample / "site/sitemap.xml").read_text()
    for folder in ("claims", "evidence"):
        for item in (sample / folder).glob("*.yml"):
            assert f"<loc>https://example.org/sample/{folder}/{item.stem}/</loc>" in sitemap


def test_claims_csv_neutralises_formulas_and_keeps_numbers() -> None:
    _, compendium = check(SAMPLE)
    assert compendium is not None
    claim = compendium.claims["most-participants-keep-walking"]
    claim = dataclasses.replace(claim, title='=HYPERLINK("http://evil.example","x")', claimant="@SUM(1+1)",
                                statement="line one\r=1+1 after a carriage return",
                                source=dataclasses.replace(claim.source, locator="-5"))
    compendium = dataclasses.replace(compendium, claims={**compendium.claims, claim.id: claim})
    table = export_files(compendium, read_settings(SAMPLE), Edition("2026-01-01", ""))["data/claims.csv"]
    assert isinstance(table, str)
    assert_no_formula_cells(table, "claims.csv")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(table, newline=""))}
    assert len(rows) == len(compendium.claims)
    row = rows[claim.id]
    assert (row["title"], row["claimant"], row["locator"]) == ("'" + claim.title, "'@SUM(1+1)", "'-5")
    assert row["statement"] == claim.statement  # one cell, carriage return and all
    numbers = next(r for r in csv.reader(io.StringIO(table, newline=""), quoting=csv.QUOTE_NONNUMERIC)
                   if r[0] == claim.id)
    assert numbers[CSV_COLUMNS.index("rating_value")] == RATINGS["x-rating-values"][claim.rating]
    assert numbers[CSV_COLUMNS.index("supporting")] == 1.0


def test_a_redirect_page_escapes_its_addresses() -> None:
    from compendium.web.render import _redirect_page

    page = _redirect_page('x"><script>alert(1)</script>', 'https://example.org/"><script>alert(2)</script>')
    assert "<script" not in page and page.count('"') == 14  # the template's own seven attributes


def _with_licence(root: Path, licence: object) -> None:
    config = yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))
    config["extra"] = {"licence": licence} if licence is not None else {}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")


def _data_page_and_files(root: Path) -> tuple[str, dict[str, str | bytes]]:
    from compendium.web.render import render_pages

    report, compendium = check(root)
    assert compendium is not None, [d.format_text() for d in report.diagnostics]
    pages = render_pages(compendium, read_settings(root), Edition("2026-01-01", ""))
    page = pages["data.md"]
    assert isinstance(page, str)
    return page, pages


def test_no_licence_stated_is_said_and_none_is_assumed(sample: Path) -> None:
    _with_licence(sample, None)
    page, files = _data_page_and_files(sample)
    assert "No licence is stated for it" in page and "Creative Commons" not in page
    readme = files["data/README.txt"]
    assert isinstance(readme, str) and "Licence: none is stated." in readme and "Creative Commons" not in readme
    claims = json.loads(files["data/claims.json"])
    assert claims["licence"] is None
    exported = json.loads(files["data/schemas/claims.schema.json"])
    assert list(Draft202012Validator(exported).iter_errors({**claims, "claims": []})) == []


def test_a_licence_is_shown_as_the_compendium_names_it_and_as_plain_text(sample: Path) -> None:
    hostile = '<script>alert(1)</script> *Open* [x](javascript:alert(1)) licence'
    _with_licence(sample, {"name": hostile, "url": "https://example.org/licence?a=1&b=2"})
    page, files = _data_page_and_files(sample)
    body = page.split("\n---\n", 1)[1]  # the front matter's description is text the theme escapes
    assert "<script>" not in body and "[x](javascript" not in body and "*Open*" not in body
    assert '<a href="https&#58;//example.org/licence?a&#61;1&#38;b&#61;2">&#60;script&#62;alert(1)' in body
    readme = files["data/README.txt"]
    assert isinstance(readme, str) and f"Licence: {hostile},\nhttps://example.org/licence?a=1&b=2 ." in readme
    # No SPDX identifier stated: the JSON files name the licence by its name (their <, > as \u escapes).
    assert json.loads(files["data/evidence.json"])["licence"] == hostile


def test_a_bad_licence_setting_is_reported_at_its_line_in_mkdocs_yml(sample: Path) -> None:
    text = (sample / "mkdocs.yml").read_text("utf-8")
    text = text.replace("    url: https://creativecommons.org/licenses/by/4.0/\n",
                        "    url: http://creativecommons.org/licenses/by/4.0/\n    version: 4\n")
    (sample / "mkdocs.yml").write_text(text, "utf-8")
    report, compendium = check(sample)
    assert compendium is None
    line = text.count("\n", 0, text.index("    url: http:")) + 1
    found = {(d.path, d.line): d.message for d in report.errors}
    assert "extra.licence.url" in found[("mkdocs.yml", line)], found
    assert "version" in found[("mkdocs.yml", line + 1)], found


def test_the_pdf_cover_states_the_licence_where_mkdocs_yml_has_no_copyright_line(sample: Path) -> None:
    from compendium.pdf.document import print_document, read_cover

    text = (sample / "mkdocs.yml").read_text("utf-8")
    assert "copyright:" not in text  # the sample's footer says nothing: its cover states the licence
    stated = yaml.safe_load(text)["extra"]["licence"]["name"]
    _, compendium = check(sample)
    assert compendium is not None
    cover = print_document(compendium, read_cover(read_settings(sample), Edition("2026-01-01", "")))["cover"]
    assert cover["licence"] == f"Text and data: {stated}"
    (sample / "mkdocs.yml").write_text(text.replace("site_name:", "copyright: Text CC0\nsite_name:", 1), "utf-8")
    cover = print_document(compendium, read_cover(read_settings(sample), Edition("2026-01-01", "")))["cover"]
    assert cover["licence"] == "Text CC0"
    (sample / "mkdocs.yml").write_text(text, "utf-8")
    _with_licence(sample, None)  # neither: the cover says nothing of a licence
    _, compendium = check(sample)
    assert compendium is not None and compendium.licence is None
    cover = print_document(compendium, read_cover(read_settings(sample), Edition("2026-01-01", "")))["cover"]
    assert cover["licence"] == ""

"""A claim's evidence as one table, strongest first, with a series' releases in one row (evidence_table.py):
the rule on the real record and on the sample, and the same rows on the web page and in the PDF's data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from compendium.edition import Edition
from compendium.evidence_table import (
    CERTAINTY_ORDER,
    DESIGN_ORDER,
    INDEPENDENCE_ORDER,
    evidence_rows,
    stance_counts,
    strength_key,
)
from compendium.model import Compendium
from compendium.pdf import read_cover
from compendium.pdf.document import print_document
from compendium.pipeline import check
from compendium.schemas import enum_values, schema
from compendium.settings import read_settings
from compendium.web.render import render_pages

from conftest import REPO, apply_case, copy_sample


@pytest.fixture(scope="module")
def record() -> Compendium:
    report, compendium = check(REPO)
    assert compendium is not None, report.sorted()[:5]
    return compendium


def _sample_with_series(tmp_path: Path) -> Compendium:
    """The sample with a second annual report, the two of them releases of one series."""
    root = copy_sample(tmp_path)
    second = (root / "evidence" / "annual-report-retention.yml").read_text("utf-8") \
        .replace("annual report 2019-20", "annual report 2020-21").replace("period: 2019-20", "period: 2020-21")
    apply_case(root, {
        "files": {"series.yml": "walking-annual-report:\n  title: The programme's annual report\n"
                                "  frequency: yearly\n",
                  "evidence/annual-report-retention-2020-21.yml":
                      second + "series:\n  id: walking-annual-report\n  release: 2020-21\n"},
        "append": {"evidence/annual-report-retention.yml":
                       "series:\n  id: walking-annual-report\n  release: 2019-20\n"},
        "replace": {"claims/most-participants-keep-walking.yml": [[
            "  - id: smith-2021-retention\n",
            "  - id: annual-report-retention-2020-21\n    stance: supports\n    note: The next year, counted alike.\n"
            "  - id: smith-2021-retention\n"]]},
    })
    report, compendium = check(root)
    assert compendium is not None and not report.sorted(), report.sorted()
    return compendium


def test_the_orders_cover_every_value_the_schema_allows() -> None:
    quality = schema("evidence")["properties"]["quality"]["properties"]
    # The certainty grades are the shared scale's (common.schema.json), to which the field refers.
    assert sorted(CERTAINTY_ORDER) == sorted(enum_values("evidence", "properties", "quality", "properties",
                                                         "certainty"))
    assert sorted(INDEPENDENCE_ORDER) == sorted(quality["independent"]["enum"])
    assert sorted(DESIGN_ORDER) == sorted(quality["design"]["enum"])


def test_certainty_then_independence_then_design_then_year(record: Compendium) -> None:
    item = record.evidence["nhs-digital-2016-17-recovery"]  # low, not independent, official statistics
    q = item.quality
    stronger = [replace(item, quality=replace(q, certainty="moderate", independent="no", design="commentary")),
                replace(item, quality=replace(q, independent="yes", design="journalism")),
                replace(item, quality=replace(q, design="cohort"))]
    for better in stronger:
        assert strength_key(better, 2000) < strength_key(item, 2020)
    assert strength_key(item, 2021) < strength_key(item, 2020) < strength_key(item, None)  # newest first


def test_every_claim_lists_every_item_once_strongest_first(record: Compendium) -> None:
    for claim in record.claims.values():
        rows = evidence_rows(claim, record)
        listed = [e.link.id for row in rows for e in row.entries]
        assert sorted(listed) == sorted(link.id for link in claim.evidence), claim.id
        keys = [min(strength_key(e.item, e.year) for e in row.entries) for row in rows]
        assert keys == sorted(keys), claim.id
        assert sum(count for _, count in stance_counts(rows)) == len(rows)
        for row in rows:
            assert len({e.link.stance for e in row.entries}) == 1 and row.entries[0].link.stance == row.stance
            if row.series:
                assert len(row.entries) > 1
                assert {e.item.series.id for e in row.entries if e.item.series} == {row.series.id}
                assert list(row.releases) == sorted(row.releases)


def test_the_recovery_claims_yearly_statistics_are_one_row_a_stance(record: Compendium) -> None:
    rows = evidence_rows(record.claims["recovery-rate-50-percent"], record)
    official = [r for r in rows if r.series and r.series.id == "nhs-digital-iapt-annual"]
    assert [(r.stance, r.releases) for r in official] == [
        ("supports", ("2016-17", "2017-18", "2018-19", "2019-20", "2020-21", "2021-22")),
        ("qualifies", ("2012-13", "2014-15", "2015-16"))]
    counts = dict(stance_counts(rows))
    # The yearly statistics, the trade journal, the claimant's paper and the demonstration sites.
    assert counts["supports"] == 4


def test_the_page_and_the_pdf_show_the_series_as_one_row(tmp_path: Path) -> None:
    compendium = _sample_with_series(tmp_path)
    edition = Edition("2026-03-02", "0123456789")
    pages = render_pages(compendium, read_settings(compendium.root), edition)
    page = pages["claims/most-participants-keep-walking.md"]
    assert "**Evidence listed:** 1 for, 1 against, 0 qualifying, counting a series of releases once" in page
    # The row names the series and links to its page, where what each release says on this claim stands.
    assert "[The programme&#39;s annual report](../series/walking-annual-report.md)</td>" in page
    row = ("[2 yearly releases, 2019-20 to 2020-21]"
           "(../series/walking-annual-report.md#claim-most-participants-keep-walking)")
    assert row in page
    series_page = pages["series/walking-annual-report.md"]
    assert "# The programme&#39;s annual report" in series_page
    assert "### Most participants keep walking { #claim-most-participants-keep-walking }" in series_page
    assert series_page.index("(../evidence/annual-report-retention.md): The programme") < \
        series_page.index("(../evidence/annual-report-retention-2020-21.md): The next year")
    assert "**Release** 2020-21 of [The programme&#39;s annual report](../series/walking-annual-report.md)" in \
        pages["evidence/annual-report-retention-2020-21.md"]
    document = print_document(compendium, read_cover(read_settings(compendium.root), edition))
    title = compendium.claims["most-participants-keep-walking"].title
    claim = next(c for c in document["claims"] if c["title"] == title)
    series = [row for row in claim["evidence"] if row["series"]]
    assert [(r["stance"], r["releases"], [i["release"] for i in r["items"]]) for r in series] == [
        ("Supports", "2 yearly releases, 2019-20 to 2020-21", ["2019-20", "2020-21"])]
    assert claim["evidence_counts"] == "1 for, 1 against, 0 qualifying, counting a series of releases once"

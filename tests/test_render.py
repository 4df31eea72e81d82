"""Rendered pages of the sample compendium against golden files (make golden rewrites them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from compendium.edition import Edition
from compendium.pipeline import check
from compendium.settings import read_settings
from compendium.web.render import render_pages, write_pages

from conftest import SAMPLE, TESTS, copy_sample

GOLDEN = TESTS / "golden"
EDITION = Edition("2026-03-02", "0123456789")  # fixed, so golden files do not change with each commit


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The sample's pages, rendered from a copy (rendering writes its caches into the compendium's root)."""
    root = copy_sample(tmp_path_factory.mktemp("render"))
    report, compendium = check(root)
    assert compendium is not None, [d.format_text() for d in report.diagnostics]
    pages = render_pages(compendium, read_settings(root), EDITION)
    return {k: v for k, v in pages.items() if k.endswith(".md")}


def test_pages_match_golden_files(request: pytest.FixtureRequest, rendered: dict[str, str]) -> None:
    pages = dict(rendered)
    if request.config.getoption("--update-golden"):
        for old in GOLDEN.rglob("*.md"):
            old.unlink()
        for relative, text in pages.items():
            (GOLDEN / relative).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / relative).write_text(text, "utf-8")
    golden = {p.relative_to(GOLDEN).as_posix(): p.read_text("utf-8") for p in GOLDEN.rglob("*.md")}
    assert sorted(pages) == sorted(golden), "pages generated differ from the golden set: run make golden"
    for relative, text in pages.items():
        assert text == golden[relative], f"{relative} differs from tests/golden/{relative}: run make golden and review"


def test_a_page_for_every_item(rendered: dict[str, str]) -> None:
    pages = dict(rendered)
    for folder in ("claims", "evidence"):
        for data_file in (SAMPLE / folder).glob("*.yml"):
            assert f"{folder}/{data_file.stem}.md" in pages
    assert {"references.md", "timeline.md", "claims/index.md", "evidence/index.md", "topics/index.md",
            "topics/uptake.md", "topics/cost.md"} <= set(pages)


def test_claim_page_shows_quote_locator_verdict_and_both_sides(rendered: dict[str, str]) -> None:
    page = rendered["claims/most-participants-keep-walking.md"]
    assert "> Two in three walkers are still with us after a year." in page
    assert "[Example Walking Programme (2020)](../references.md#ref-walkco2020annual), p. 4" in page
    assert "[Misleading](../method.md#verdict-misleading" in page
    # One table, both sides (a series' releases in one row: tests/test_evidence_table.py).
    assert "**Evidence listed:** 1 for, 1 against, 0 qualifying, counting a series of releases once" in page
    assert "<td>Supports</td>" in page and "<td>Contradicts</td>" in page
    assert 'edit_url: "https://example.org/sample/compendium/edit/main/claims/most-participants-keep-walking.yml"' \
        in page


def test_references_formatted_by_csl_with_links_and_backlinks(rendered: dict[str, str]) -> None:
    page = rendered["references.md"]
    assert ('<p id="ref-smith2021uptake" class="cx-reference">Smith, J., Jones, A. and Brown, C. (2021) '
            "‘Who keeps walking? A cohort study of a community walking programme’, <i>Journal of Example "
            "Studies</i>, 12(3), pp. 45–67. Available at: <a href=\"https://doi.org/10.5555/example.2021.045\">"
            "https://doi.org/10.5555/example.2021.045</a>.</p>") in page
    assert "(Accessed: 1 November 2026)" in page  # urldate survives, which citeproc's own BibTeX reader drops
    assert "No online copy known: A printed book" in page
    assert "Cited by: [Retention among everyone who joined (Smith et al. 2021)](evidence/smith-2021-retention.md)" \
        in page


def test_second_write_changes_nothing(tmp_path: Path, rendered: dict[str, str]) -> None:
    pages = dict(rendered)
    first = write_pages(tmp_path, pages)
    second = write_pages(tmp_path, pages)
    assert (first.written, second.written, second.unchanged) == (len(pages), 0, len(pages))
    smaller = {k: v for k, v in pages.items() if k != "timeline.md"}
    third = write_pages(tmp_path, smaller)
    assert third.removed == 1 and not (tmp_path / "timeline.md").exists()

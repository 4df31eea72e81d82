"""The words readers are shown for each verdict are the compendium's (mkdocs.yml's extra.verdicts), wherever a
verdict is shown, and stay plain text; the verdicts themselves are the engine's, and a setting that names
another, or words that do not fit, is an error at its line in mkdocs.yml."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from compendium.edition import Edition
from compendium.pdf.document import print_document, read_cover
from compendium.pipeline import check
from compendium.settings import read_settings
from compendium.web.changelog import atom_feed, changes
from compendium.web.render import render_pages

CLAIM = "programme-pays-for-itself"  # the sample's unproven claim
HOSTILE = '<b>Not</b> *known* [x](javascript:alert(1)) & {: .x }'


def _configure(root: Path, verdicts: object) -> None:
    config = yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))
    config["extra"] = {**config.get("extra", {}), "verdicts": verdicts}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")


def test_the_compendiums_words_are_shown_for_its_verdicts_everywhere(sample: Path) -> None:
    _configure(sample, {"unproven": {"label": "Not known", "meaning": "Nobody can tell yet."},
                        "accurate": {"label": "True"}})
    report, compendium = check(sample)
    assert compendium is not None, [d.format_text() for d in report.diagnostics]
    assert (compendium.verdicts["unproven"].label, compendium.verdicts["unproven"].meaning) == \
        ("Not known", "Nobody can tell yet.")
    # A verdict worded in part keeps the engine's words for the rest; one not worded keeps them all.
    assert compendium.verdicts["accurate"].label == "True"
    assert compendium.verdicts["accurate"].meaning.startswith("The evidence, including evidence independent")
    assert compendium.verdicts["misleading"].label == "Misleading"
    pages = render_pages(compendium, read_settings(sample), Edition("2026-01-01", ""))
    page = str(pages[f"claims/{CLAIM}.md"])
    assert '[Not known](../method.md#verdict-unproven "Nobody can tell yet.")' in page
    assert "## Verdict: Not known" in page and "Unproven" not in page
    front = yaml.safe_load(page.split("---\n")[1])
    assert front["jsonld"]["reviewRating"]["alternateName"] == "Not known"
    assert "Verdict: Not known" in front["description"]
    assert front["tags"][0].startswith("&#8288;Claim&#32;&#183;&#32;Not&#32;known<")  # the search's label
    assert "[Not known](method.md#verdict-unproven)" in str(pages["data.md"])
    assert "Claim added: Not known" in str(pages["changelog.md"])
    feed = atom_feed(changes(compendium), read_settings(sample))
    assert "(Not known)</title>" in feed and "Unproven" not in feed
    document = print_document(compendium, read_cover(read_settings(sample), Edition("2026-01-01", "")))
    # The method page is the compendium's own text (its headings are its words); the rest is generated.
    text = json.dumps({key: value for key, value in document.items() if key not in ("method", "outline")})
    assert '"rating_label": "Not known"' in text and "Nobody can tell yet." in text and '"Unproven"' not in text


def test_verdict_words_are_plain_text(sample: Path) -> None:
    _configure(sample, {"unproven": {"label": HOSTILE[:40], "meaning": HOSTILE}})
    _, compendium = check(sample)
    assert compendium is not None
    page = str(render_pages(compendium, read_settings(sample), Edition("2026-01-01", ""))[f"claims/{CLAIM}.md"])
    body = page.split("\n---\n", 1)[1]
    assert "<b>" not in body and "*known*" not in body and "](javascript" not in body and "{: .x }" not in body
    assert "&#60;b&#62;Not&#60;/b&#62; &#42;known&#42;" in body


def test_a_bad_verdicts_setting_is_an_error_at_its_line_in_mkdocs_yml(sample: Path) -> None:
    text = (sample / "mkdocs.yml").read_text("utf-8")
    text += ("  verdicts:\n    unprovn:\n      label: Not known\n    accurate:\n      label: ''\n"
             "    misleading:\n      lable: Half true\n")
    (sample / "mkdocs.yml").write_text(text, "utf-8")
    first = text.count("\n", 0, text.index("  verdicts:")) + 1
    report, compendium = check(sample)
    assert compendium is None
    found = {d.line: d.format_text() for d in report.errors if d.path == "mkdocs.yml"}
    assert len(found) == 3, found
    assert "unprovn" in found[first + 1] and "unproven" in found[first + 1], found
    assert "extra.verdicts.accurate.label" in found[first + 4], found
    assert "lable" in found[first + 6], found


def test_a_method_page_without_a_verdicts_anchor_is_told_the_heading_in_the_compendiums_words(sample: Path
                                                                                               ) -> None:
    _configure(sample, {"unproven": {"label": "Not known"}})
    method = sample / "docs/method.md"
    method.write_text(method.read_text("utf-8").replace("### Unproven { #verdict-unproven }", "### Unproven"),
                      "utf-8")
    report, compendium = check(sample)
    assert compendium is None
    [problem] = [d for d in report.errors if d.path == "docs/method.md"]
    assert problem.message == "the method page lacks the anchor(s) the claim pages link to: verdict-unproven"
    assert problem.hint.endswith("e.g. '### Not known { #verdict-unproven }'")

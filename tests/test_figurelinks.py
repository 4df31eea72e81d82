"""Figures linked to their findings: the notation [[figure|evidence-id#finding-id]] parsed, checked, and shown
as a link on the web (to the finding beside its source's words) and in the PDF (to the finding in the
document), and as the plain figure in search text and data files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
from markupsafe import Markup
from test_pdf import Pdf

from compendium.figurelinks import (
    FigureLink,
    LinkedText,
    figure_numbers,
    linked_fields,
    matches_finding,
    notation_problems,
    opening_at,
    plain_record,
)
from compendium.model import Compendium
from compendium.pdf import PDF_NAME
from compendium.pdf.document import finding_label, linked_paragraphs
from compendium.pipeline import build, check

from conftest import REPO, copy_sample

# --- The notation ---


def test_a_link_is_its_figure_to_the_reader_and_its_finding_to_the_page() -> None:
    text = LinkedText.parse("Of [[1.09 million|chen-x#entering]] treated, [[18,039|chen-x#off-end]] left benefits.")
    assert text.plain == str(text) == "Of 1.09 million treated, 18,039 left benefits."
    assert text.links == (FigureLink("1.09 million", "chen-x", "entering"), FigureLink("18,039", "chen-x", "off-end"))
    assert text.links[0].anchor == "finding-entering"
    assert LinkedText.parse("No figure here [sic] ]] and <b>").plain == "No figure here [sic] ]] and <b>"


def test_spaces_around_the_bar_and_a_line_fold_inside_are_allowed() -> None:
    text = LinkedText.parse("rose to [[ 18,039 |\n  chen-x#off-end ]] people")
    assert text.links == (FigureLink("18,039", "chen-x", "off-end"),) and not notation_problems("x")
    assert not notation_problems("rose to [[ 18,039 |\n  chen-x#off-end ]] people")


@pytest.mark.parametrize(("text", "message"), [
    ("[[18,039|chen-x#off-end", "not closed"),
    ("[[18,039 chen-x#off-end]]", "not closed or not in its form"),
    ("[[18,039|chen-x]]", "is not an evidence id and a finding id"),
    ("[[18,039|Chen-X#off]]", "is not an evidence id and a finding id"),
    ("[[18,039|https://example.org/#x]]", "is not an evidence id and a finding id"),
    ("[[half|chen-x#off-end]]", "is not a figure"),
    ("[[|chen-x#off-end]]", "is not a figure"),
    ("[[5%<script>alert(1)</script>|chen-x#off-end]]", "is not a figure"),
    ("[[5%|chen-x#off-end<script>]]", "is not an evidence id and a finding id"),
    ("[[5% <b>|chen-x#off-end]]", "is not a figure"),
    ("[[5%_x|chen-x#off-end]]", "is not a figure"),
    ("[[" + "1" * 41 + "|chen-x#off-end]]", "is not a figure"),
    ("[[18,039|chen-x#off-end\n\n]]", "spans a blank line"),
    ("[[[18,039|chen-x#off-end]]", "not closed or not in its form"),
])
def test_malformed_notation_is_a_problem(text: str, message: str) -> None:
    problems = notation_problems(f"Before {text} after.")
    assert len(problems) == 1 and message in problems[0].message, problems
    assert LinkedText.parse(f"Before {text} after.").links == ()  # never a link, whatever parse is given


def test_every_opening_is_counted_so_each_problem_finds_its_line() -> None:
    text = "[[5%|a#b]] then [[x|a#b]] then [[6%|a]]"
    assert [p.opening for p in notation_problems(text)] == [1, 2]
    lines = ["rationale: >-", "    [[5%|a#b]] then", "    [[x|a#b]] then [[6%|a]]"]
    assert opening_at(lines, 1, 12, 0) == (2, 5)
    assert opening_at(lines, 1, 12, 2) == (3, 20)
    assert opening_at(lines, 1, 12, 3) is None


@pytest.mark.parametrize(("figure", "finding", "matches"), [
    ("18,039", {"value": 18039}, True),
    ("18,093", {"value": 18039}, False),
    ("1.09 million", {"value": 1090000}, True),
    ("1.1 million", {"value": 1090000}, True),
    ("1.2 million", {"value": 1090000}, False),
    ("52%", {"value": 52.1}, True),
    ("52.5%", {"value": 52.1}, False),
    ("55-56%", {"low": 55, "high": 56}, True),
    ("about 1,980 of 3,000", {"value": 66, "numerator": 1980, "denominator": 3000}, True),
    ("£4 billion", {"value": 4_000_000_000}, True),
    ("£4bn", {"value": 4_000_000_000}, True),
    ("ES = 1.4", {"value": 1.4}, True),
    ("5 sessions", {"value": 5.4}, True),
    ("5 sessions", {"value": 5.6}, False),
    ("about 950,000", {"value": 953522}, True),
    ("900,000", {"value": 953522}, False),
])
def test_a_figure_must_be_one_of_its_findings_numbers_to_the_precision_written(
        figure: str, finding: dict[str, float], matches: bool) -> None:
    assert matches_finding(figure, finding) is matches


def test_numbers_are_read_with_their_scale_words() -> None:
    assert [(str(v), p) for v, p in figure_numbers("0.43 million and 3,683 and 2 in 3")] == [
        ("4.3E+5", -4), ("3683", 0), ("2", 0), ("3", 0)]


def test_the_schemas_mark_which_fields_may_link_figures() -> None:
    assert linked_fields("claim") == (("verdict", "rationale"), ("verdict", "conclusion"))
    assert linked_fields("evidence") == (("summary",),)
    record = {"verdict": {"rationale": "It is [[5%|a#b]].", "rating": "x"}, "title": "[[5%|a#b]]"}
    assert plain_record(record, "claim") == {"verdict": {"rationale": "It is 5%.", "rating": "x"},
                                             "title": "[[5%|a#b]]"}
    assert record["verdict"]["rationale"] == "It is [[5%|a#b]]."  # the model's record is left as it was


def test_markdown_escapes_everything_but_the_links() -> None:
    text = LinkedText.parse("*[[5%|a#b]]* <i>x</i>\n\n- [[1. 6|a#c]] [x](javascript:y)")
    out = text.markdown(lambda link: Markup(f"[{link.figure}](e/{link.evidence}.md#{link.anchor})"))
    first, second = out.split("\n\n")
    assert first == "&#42;[5%](e/a.md#finding-b)&#42; &#60;i&#62;x&#60;/i&#62;"
    assert second == "&#45; [1. 6](e/a.md#finding-c) &#91;x&#93;(javascript&#58;y)"


def test_the_glossary_never_links_inside_a_figure_link() -> None:
    seen: list[str] = []

    def explain(escaped: Markup) -> Markup:
        seen.append(str(escaped))
        return Markup(str(escaped).replace("recovery", "[recovery](g.md)"))
    out = LinkedText.parse("recovery of [[52% recovery|a#b]]").markdown(
        lambda link: Markup(f"[{link.figure}](x.md)"), explain)
    assert out == "[recovery](g.md) of [52% recovery](x.md)" and "52%" not in seen[0]


def test_pdf_paragraphs_are_runs_with_the_figure_leading_to_its_finding() -> None:
    text = LinkedText.parse("First [[5%|ev-a#f-b]] and\n  more.\n\nSecond $x$ #set [[6 = 6|ev-a#f-c]]")
    assert linked_paragraphs(text) == [
        [{"text": "First "}, {"text": "5%", "finding": "evidence-ev-a--finding-f-b"}, {"text": " and more."}],
        [{"text": "Second $x$ #set "}, {"text": "6 = 6", "finding": "evidence-ev-a--finding-f-c"}]]
    assert finding_label("a-b", "c") != finding_label("a", "b-c")


# --- The sample, built once with its site and PDF ---


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Compendium]:
    root = copy_sample(tmp_path_factory.mktemp("figures"))
    result = build(root)
    assert result.site_ok and not result.pdf_problem, (result.site_output, result.pdf_problem)
    assert result.compendium is not None
    return root / "site", result.compendium


def _page(site: Path, address: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / address.strip("/") / "index.html").read_text("utf-8"))


def test_each_linked_figure_leads_to_its_finding_beside_the_sources_words(
        built_sample: tuple[Path, Compendium]) -> None:
    site, compendium = built_sample
    checked = 0
    for claim in compendium.claims.values():
        page = _page(site, f"claims/{claim.id}")
        anchors = page.xpath('//article//a[contains(@href, "#finding-")]')
        # In the order the page shows them: the conclusion ("In short") first, then the rationale.
        linked = [*(claim.conclusion.links if claim.conclusion else ()), *claim.rationale.links]
        assert [a.text_content() for a in anchors] == [link.figure for link in linked]
        for anchor, link in zip(anchors, linked, strict=True):
            href = urlsplit(anchor.get("href"))
            target_page = (Path("/claims") / claim.id / href.path).resolve()
            assert target_page == Path(f"/evidence/{link.evidence}"), href
            evidence_page = _page(site, str(target_page))
            found = evidence_page.xpath(f'//*[@id="{href.fragment}"]')
            assert len(found) == 1 and href.fragment == f"finding-{link.finding}"
            item = compendium.evidence[link.evidence]
            finding = item.finding(link.finding)
            assert finding is not None and found[0].tag == "h3" and finding.label in found[0].text_content()
            # The element after it holds the source's words and where they stand, first.
            table = found[0].getnext()
            assert table is not None and table.tag == "table"
            rows = [[cell.text_content() for cell in row.xpath("./td")] for row in table.xpath("./tbody/tr")]
            assert rows[0] == ["Source's words", f"“{' '.join((finding.quote or item.source.quote).split())}”"]
            assert rows[1] == ["Where in the source", finding.locator or item.source.locator]
            checked += 1
    assert checked == 2


def test_search_text_and_data_files_show_the_plain_figure(built_sample: tuple[Path, Compendium]) -> None:
    site, compendium = built_sample
    claim = compendium.claims["most-participants-keep-walking"]
    assert claim.rationale.links and "(66%) count only" in claim.rationale.plain
    index = json.loads((site / "search/search_index.json").read_text("utf-8"))
    texts = [d["text"] for d in index["docs"] if d["location"].startswith("claims/most-participants-keep-walking/")]
    assert any("(66%) count only" in re.sub(r"<[^>]+>", "", t) for t in texts)
    exported = json.loads((site / "data/claims.json").read_text("utf-8"))
    record = next(c for c in exported["claims"] if c["id"] == claim.id)
    assert record["verdict"]["rationale"] == claim.rationale.plain
    # Nowhere a reader or a data user meets the record's text is the notation left (the field reference and
    # the schemas, which describe it, aside).
    for path in [*site.glob("claims/**/*.html"), *site.glob("evidence/**/*.html"), *site.glob("data/*.json"),
                 *site.glob("data/*.csv"), site / "index.html", site / "feed.xml"]:
        assert "[[" not in path.read_text("utf-8"), path
    assert not [d for d in index["docs"] if "[[" in d["text"] and not d["location"].startswith("fields/")]


def test_in_the_pdf_a_linked_figure_leads_to_its_finding(built_sample: tuple[Path, Compendium]) -> None:
    site, compendium = built_sample
    pdf = Pdf.read(site / PDF_NAME)
    claim = compendium.claims["most-participants-keep-walking"]
    claim_page = pdf.page_of(f"claim-{claim.id}")
    targets = {link.target for link in pdf.internal_links() if link.page in (claim_page, claim_page + 1)}
    for link in claim.rationale.links:
        name = finding_label(link.evidence, link.finding)
        assert name in targets, name
        finding = compendium.evidence[link.evidence].finding(link.finding)
        assert finding is not None
        # The destination is the finding itself: its label and its figure are printed on that page.
        assert " ".join(finding.label.split()) in pdf.page_texts[pdf.page_of(name)]
    words = pdf.pages_text(claim_page, claim_page + 2)
    assert "The two thirds (66%) count only" in words and "[[" not in pdf.text


# --- The record ---

# A figure as the count reads one: a number that is not a year (1990-2039), a financial year (2018-19),
# a date, a section or table's number; with its % or scale word.
_FIGURE = re.compile(r"(?<![\w.,/-])(?!(?:19[89]\d|20[0-3]\d)(?:[-–/]\d{2,4})?\b)(?:£|\$)?\d[\d,]*(?:\.\d+)?"
                     r"(?:\s?%|\s(?:million|billion|thousand))?")
_NOT_A_FIGURE = re.compile(r"(?:section|table|slide|chapter|page|p\.|CG|part|step|version|v)\s*$", re.I)


def _figures(text: str) -> list[str]:
    return [m.group(0) for m in _FIGURE.finditer(text) if not _NOT_A_FIGURE.search(text[max(0, m.start() - 9):
                                                                                             m.start()])]


def _counts(texts: list[LinkedText]) -> tuple[int, int, list[str]]:
    """(figures linked, figures in all, the figures not linked) of some texts."""
    linked = total = 0
    unlinked: list[str] = []
    for text in texts:
        found = _figures("".join(part if isinstance(part, str) else " FIGURE " for part in text.parts))
        linked += len(text.links)
        total += len(text.links) + len(found)
        unlinked.extend(found)
    return linked, total, unlinked


def test_figures_in_the_records_rationales_are_linked(capsys: pytest.CaptureFixture[str]) -> None:
    """Every figure taken from a finding links to it. What is left unlinked is the claimants' own figures
    (the figure a claim states, a slide's numbers), thresholds (more than 28 days) and this record's
    arithmetic, which says so and links its inputs: so the share linked is high but not all."""
    report, compendium = check(REPO)
    assert compendium is not None, [d.format_text() for d in report.diagnostics]
    claims = list(compendium.claims.values())
    rationales = _counts([c.rationale for c in claims])
    conclusions = _counts([c.conclusion for c in claims if c.conclusion])
    with capsys.disabled():
        print(f"\nfigures linked: rationales {rationales[0]} of {rationales[1]}, "
              f"conclusions {conclusions[0]} of {conclusions[1]}")
    assert rationales[0] / rationales[1] >= 0.7, rationales[2]
    assert conclusions[0] / conclusions[1] >= 0.5, conclusions[2]

"""What the search is told about each page (searchmeta.py), and what the built search index holds."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import yaml

from compendium.model import Compendium
from compendium.pipeline import build, check
from compendium.web.searchmeta import CLAIM_BOOST, claim_words, label, page_search, with_search

from conftest import SAMPLE

# Material's default separator, and the one this repository's mkdocs.yml sets.
SEPARATORS = [r"[\s\-]+", r'[\s\-,:!?=\[\]()"/]+|\.(?!\d)']


def _sample() -> Compendium:
    report, compendium = check(SAMPLE)
    assert compendium is not None, [d.format_text() for d in report.diagnostics]
    return compendium


def test_label_is_one_word_no_search_matches_and_reads_as_its_text() -> None:
    tag = label("Claim · Mostly accurate")
    for separator in SEPARATORS:
        assert re.split(separator, tag) == [tag]
    assert tag.startswith("&#8288;")  # nothing typed begins with a word joiner
    assert re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), tag) == "\u2060Claim · Mostly accurate"
    assert "<" not in label("<script>x</script>") and "&lt;" not in label("<b>")  # every character a reference


def test_claim_words_are_those_a_search_matches_each_once() -> None:
    words = claim_words("About half of IAPT patients recover",
                        "Nationally about half recover (51% in 2017), says NICE's report; recovered.",
                        "Recovery rates", "Independent evaluation", "The therapy offers")
    assert "51%" in words and "NICE" in words and "2017" in words  # brackets and possessives off
    assert "recover" not in words and "Recovery" in words  # left to the longer word, which it begins
    assert "about" not in words and "of" not in words  # stop words, which the index leaves out
    # Words that a short stop word begins would be found by typing that word alone.
    assert "Independent" not in words and "offers" not in words
    assert len(words) == len({w.casefold() for w in words})


def test_a_claim_is_given_every_form_of_its_words_that_the_claims_use() -> None:
    forms = {"recover": ("recovered", "recovering", "recovery")}
    words = claim_words("Most recover", forms=forms)
    assert {"recovered", "recovering", "recovery"} <= set(words)


def test_claims_rank_by_prominence_and_carry_their_verdict_and_words() -> None:
    compendium = _sample()
    claim = compendium.claims["most-participants-keep-walking"]
    meta = page_search("claims/most-participants-keep-walking.md", compendium)
    assert meta is not None and meta["search"] == {"boost": CLAIM_BOOST[claim.prominence]}
    (tag,) = meta["tags"]
    assert tag.startswith(label("Claim · Misleading") + "<span hidden> ")
    assert "walking" in tag.split("<span hidden>")[1]
    assert CLAIM_BOOST[1] > CLAIM_BOOST[5] > 1
    evidence = page_search("evidence/smith-2021-retention.md", compendium)
    assert evidence is not None and evidence["tags"] == [label("Evidence · Low certainty")]
    assert evidence["search"]["boost"] < 1
    assert page_search("claims/index.md", compendium) == {"search": {"boost": 0.2}, "tags": [label("List of claims")]}
    assert page_search("method.md", compendium) is None  # a hand-written page is the compendium's


def test_hostile_claim_words_are_escaped() -> None:
    compendium = _sample()
    claim = compendium.claims["most-participants-keep-walking"]
    hostile = replace(claim, title='</span><img src=x onerror=alert(1)> "quoted" & more')
    compendium.claims[claim.id] = hostile
    (tag,) = page_search(f"claims/{claim.id}.md", compendium)["tags"]  # type: ignore[index]
    hidden = tag.split("<span hidden>", 1)[1]
    assert hidden.count("<") == 1 and hidden.endswith("</span>")  # only its own closing tag
    assert "&lt;img" in hidden and "<img" not in hidden


def test_front_matter_is_added_to_pages_with_and_without_it() -> None:
    compendium = _sample()
    with_matter = with_search("evidence/index.md", "---\nhide:\n  - toc\n---\n\n# Evidence\n", compendium)
    without = with_search("references.md", "# References\n", compendium)
    for page in (with_matter, without):
        matter = yaml.safe_load(page.split("---\n")[1])
        assert matter["search"]["boost"] == 0.2 and len(matter["tags"]) == 1
    assert yaml.safe_load(with_matter.split("---\n")[1])["hide"] == ["toc"]
    # A generated page of a kind not known to the module is labelled by its heading; a part of a page is not.
    assert yaml.safe_load(with_search("credits.md", "# Credits &amp; thanks\n", compendium).split("---\n")[1]) == {
        "tags": [label("Credits & thanks")]}
    assert with_search(".includes/search.md", "<form></form>\n", compendium) == "<form></form>\n"


def test_built_index_labels_every_generated_page_and_leaves_chart_tables_out(sample: Path) -> None:
    assert build(sample, pdf=False).site_ok
    index = json.loads((sample / "site/search/search_index.json").read_text("utf-8"))
    docs = index["docs"]
    generated = [d for d in docs if d["location"].split("/")[0] in ("claims", "evidence", "topics", "charts")]
    assert generated and not [d["location"] for d in generated if not d.get("tags")]
    claims = [d for d in docs if d["location"] in {f"claims/{p.stem}/" for p in (sample / "claims").glob("*.yml")}]
    assert claims and all(d["boost"] >= CLAIM_BOOST[5] for d in claims)
    # The chart's data table (its header cell "Source (evidence page)") is not indexed; its caption is.
    assert not any("Source (evidence page)" in d["text"] for d in docs)
    assert any("claimed and found" in d["text"] or "claimed and found" in d["title"] for d in docs)

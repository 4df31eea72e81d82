"""Every quote of a source document is its words exactly: the record was built from five documents (Mike Scott's
posts on cbtwatch.com, David M. Clark's slide deck presenting the IAPT Manual, and Jules Evans's essay "Five years
of IAPT"), whose text is kept beside the repository in ../shared/seeds/ (or the folder COMPENDIUM_SEEDS names).
Each citation of one of those documents' own references, in claims/, evidence/, timeline.yml and not_assessed.yml,
must be found in that text word for word, whitespace aside; "..." (or "…") marks words left out, so a quote is
split there into parts that must appear in that order. A figure's own quote is held to the same rule when the
item's source is one of these references.

Which references are the documents' own is decided by key, below: the references whose text the documents hold.
Other sources are checked against public copies by the editors; the record cannot hold those copies. A citation
marked 'unverified' says to readers that its words were not found, so it is not held to the rule."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO

# The references whose text is in the source documents, with the document (000 to 004) that holds it.
SEED_SOURCES: dict[str, str] = {
    # Mike Scott's posts on cbtwatch.com
    "scott2021decrypting": "000, 001: Decrypting the IAPT Code",
    "scott2021problemdescriptors": "000: Problem Descriptors - A Confusing IAPT Signpost Leading to Crashes",
    "scottimplosion": "000: IAPT's Eventual Implosion",
    "scott2021careassistants": "001: Improving Access to Psychological Therapists (IAPT) or Care Assistants?",
    "scotthiddenagenda": "001: IAPT's Hidden Agenda",
    "scottnicecosteffectiveness": "001: NICE Mental Health Guidance Fails To Address Real World Cost Effectiveness",
    "scottprocesses": "001: IAPT's Processes Contribute Towards Death or Injury",
    "scottcqcoutofbounds": "001: On What Basis Are Talking Therapies Out Of Bounds To The Care Quality Commission?",
    "scottfiasco": "001: The IAPT Fiasco - A Failure of Governance Over Talking Therapies",
    "scottdeclining": "001: Declining IAPT - Clients Reject The Service",
    "scott2019propaganda": "001, 002: Mental Health - Propaganda For IAPT and Antidepressants",
    "scott2019bbc": "001: BBC Chooses To Ignore Talking Therapies 10% Recovery Rate",
    "scottfailuretoengage": "002: IAPT's Failure To Engage",
    "scottcqcduped": "002: The Care Quality Commission (CGC) Is Being Duped by IAPT",
    "scottunannounced": "002: Unannounced Visits To IAPT Reveal...",
    # David M. Clark's slide deck presenting IAPT and the IAPT Manual
    "clark2017slides": "003: slide deck (Why was IAPT started?, IAPT so far (2017), the IAPT Manual)",
    # Jules Evans's essay on his blog
    "evans2013fiveyears": "004: Five years of Improving Access for Psychological Therapies (IAPT)",
}

ELLIPSIS = re.compile(r"\.\.\.|…")


def seeds_folder() -> Path:
    return Path(os.environ.get("COMPENDIUM_SEEDS") or REPO.parent / "shared" / "seeds")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def missing_part(quote: str, text: str) -> str | None:
    """The first part of quote (split at each ellipsis) not found in text after the parts before it, or None
    when every part is found in order. Both are compared with runs of whitespace made one space."""
    position = 0
    for part in (normalise(p) for p in ELLIPSIS.split(quote)):
        if not part:
            continue
        found = text.find(part, position)
        if found < 0:
            return part
        position = found + len(part)
    return None


def _citations(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every citation (a mapping with a ref and a quote) under node, with where it stands."""
    if isinstance(node, dict):
        if isinstance(node.get("ref"), str) and isinstance(node.get("quote"), str):
            yield path, node
        for key, value in node.items():
            yield from _citations(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _citations(value, f"{path}[{i}]")


def _figure_quotes(data: Any) -> Iterator[tuple[str, str, str]]:
    """The quotes of the figures of a claim or evidence item whose own source is a source document."""
    if not isinstance(data, dict):
        return
    source = data.get("source")
    if not (isinstance(source, dict) and source.get("ref") in SEED_SOURCES):
        return
    figures = data.get("findings") or []
    if isinstance(data.get("figure"), dict):
        figures = [data["figure"], *figures]
    for figure in figures:
        if not isinstance(figure, dict) or figure.get("verification") == "unverified":
            continue
        if isinstance(figure.get("quote"), str):
            yield f"figure {figure.get('id', '?')}", source["ref"], figure["quote"]


def record_files() -> list[Path]:
    files = sorted((REPO / "claims").glob("*.yml")) + sorted((REPO / "evidence").glob("*.yml"))
    return files + [p for p in (REPO / "timeline.yml", REPO / "not_assessed.yml") if p.exists()]


@functools.cache
def quotes_to_check() -> tuple[tuple[str, str, str, str], ...]:
    """(file, where, reference, quote) for every quote the rule applies to."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    found: list[tuple[str, str, str, str]] = []
    for path in record_files():
        data = yaml.load(path.read_text("utf-8"), Loader=loader)  # a safe loader, C where built
        name = str(path.relative_to(REPO))
        for where, citation in _citations(data, ""):
            if citation["ref"] in SEED_SOURCES and citation.get("verification") != "unverified":
                found.append((name, where, citation["ref"], citation["quote"]))
        found += [(name, where, ref, quote) for where, ref, quote in _figure_quotes(data)]
    return tuple(found)


@pytest.fixture(scope="module")
def seed_text() -> str:
    folder = seeds_folder()
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not files:
        pytest.skip(f"the source documents are not here: no *.txt in {folder} (set COMPENDIUM_SEEDS to their folder)")
    return normalise(" ".join(p.read_text("utf-8") for p in files))


def test_every_quote_of_a_source_document_is_in_it_word_for_word(seed_text: str) -> None:
    checked = quotes_to_check()
    assert len(checked) > 100, f"only {len(checked)} quotes found to check: has the record moved?"
    problems = [f"{name}: {where} ({ref}): not found: {part!r}"
                for name, where, ref, quote in checked if (part := missing_part(quote, seed_text)) is not None]
    heading = f"{len(problems)} of {len(checked)} quotes are not the documents' words:"
    assert not problems, "\n".join([heading, *problems])


def test_each_source_document_reference_is_in_the_bibliography() -> None:
    bib = (REPO / "references.bib").read_text("utf-8")
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", bib, re.MULTILINE))
    assert not sorted(set(SEED_SOURCES) - keys), "listed here but not in references.bib"


def test_each_source_document_reference_is_quoted_somewhere() -> None:
    quoted = {ref for _, _, ref, _ in quotes_to_check()}
    assert not sorted(set(SEED_SOURCES) - quoted), "listed here but never quoted: remove it or cite it"


@pytest.mark.parametrize(("quote", "text", "missing"), [
    ("a  b\nc", "x a b c y", None),                    # whitespace is not compared
    ("a b ... d e", "a b c d e", None),                # an ellipsis leaves words out
    ("a b … d e", "a b c d e", None),                  # so does the single character
    ("d e ... a b", "a b c d e", "a b"),               # the parts must come in order
    ("a B", "a b", "a B"),                             # letters and their case are compared
    ("it’s", "it's", "it’s"),                          # and so is punctuation
])
def test_matching(quote: str, text: str, missing: str | None) -> None:
    assert missing_part(quote, normalise(text)) == missing

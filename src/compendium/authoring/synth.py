"""A synthetic compendium of any size, for the benchmark (bench/run.py) and the tests.

`compendium synth --claims N --out DIR` writes N claims, 3N evidence items, N references and N/5
charts, with text as long as the real record's (a claim's rationale runs to several hundred
characters, an evidence item has two findings and three limitations, a claim cites about five items)
and every kind of cross-reference the engine resolves: evidence ids, reference keys, topics, charts
plotting cited findings, timeline events. The output validates with no error and no warning.

Everything comes from one seeded random generator, so the same N and seed give the same bytes.
The folder is written whole into a temporary sibling and renamed into place, so a failure leaves no
half-written compendium.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# init's mkdocs.yml, whose navigation is tests/sample/mkdocs.yml's (tests/test_synth.py checks that the settings
# agree): every page the build generates must be in it or in not_in_nav, or `mkdocs build --strict` stops.
from compendium.authoring.new_compendium import VERDICT_WORDS, mkdocs_yml
from compendium.schemas import enum_values

# The values of the schemas' enums, in their order (the random choices follow it).
RATINGS = enum_values("claim", "$defs", "rating")
DESIGNS = enum_values("evidence", "properties", "quality", "properties", "design")
STANCES = enum_values("claim", "properties", "evidence", "items", "properties", "stance")
SIDES = enum_values("claim", "properties", "claimant", "properties", "side")
CERTAINTIES = enum_values("common", "$defs", "certainty")
CHART_KINDS = ("comparison-bars", "comparison-bars", "funnel", "time-series")
OTHER_UNITS = ("count", "gbp", "effect-size", "sessions", "days")
LOCATORS = ("abstract", "p. {n}", "Table {n}", "chapter {n}", "section {n}", "Figure {n}", "para. {n}")

_WORD_LIST = (
    "programme service referral referrals patients people treatment therapy course sessions recovery "
    "recovered reliable improvement outcome outcomes measure measures questionnaire interview depression "
    "anxiety symptoms scores caseness threshold cohort sample trial evaluation report data year annual "
    "national local clinic waiting time access reach prevalence population adults employment benefit "
    "cost costs savings budget value estimate evidence finding findings study studies review analysis "
    "rate rates share proportion count number percent change follow-up months weeks baseline end "
    "dropout completion finished started assessed discharged stepped care low intensity high "
    "practitioners therapists training supervision guideline manual policy target targets claim figure "
    "denominator numerator counted excluded included reported published routine independent official"
)
_JOINER_LIST = "the of in and to for with among from by at on as was were that which who not only"
_SURNAME_LIST = ("Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker "
             "White Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James Hughes Edwards Scott Turner "
             "Hill Moore Cooper Ward Morris King Baker Harris Lee Martin Allen Young Mitchell Carter")
_GIVEN_LIST = ("Alex Sam Jo Chris Pat Robin Jamie Morgan Ali Priya Tom Ruth Helen David Sarah Mark Anna Ian Kate "
          "Paul Nadia Owen Leah Dev")
_WORDS, _JOINERS = _WORD_LIST.split(), _JOINER_LIST.split()
_SURNAMES, _GIVEN = _SURNAME_LIST.split(), _GIVEN_LIST.split()
_BODIES = ("NHS England", "NHS Digital", "The Department of Health", "A national charity", "A royal college",
           "The Treasury", "A health think tank", "An integrated care board", "A national newspaper",
           "The programme board")


@dataclass(frozen=True)
class SynthStats:
    claims: int
    evidence: int
    references: int
    charts: int
    topics: int
    timeline: int


class SynthError(Exception):
    """The compendium cannot be written where asked; the message says why."""


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(_WORDS) if rng.random() < 0.7 else rng.choice(_JOINERS) for _ in range(count))


def _sentence(rng: random.Random) -> str:
    text = _words(rng, rng.randint(8, 22))
    if rng.random() < 0.3:
        text += f" ({rng.randint(2, 98)}%)"
    return text[0].upper() + text[1:] + "."


def _text(rng: random.Random, chars: int, paragraphs: int = 1) -> str:
    """Prose of about chars characters, in the given number of paragraphs."""
    out: list[str] = []
    for _ in range(paragraphs):
        paragraph = _sentence(rng)
        while len(paragraph) < chars // paragraphs:
            paragraph += " " + _sentence(rng)
        out.append(paragraph)
    return "\n\n".join(out)


def _title(rng: random.Random, low: int, high: int, max_chars: int = 76) -> str:
    """A capitalised phrase of low to high words, cut at a word to fit the schemas' shortest limit (80)."""
    text = _words(rng, rng.randint(low, high))
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0]
    return text[0].upper() + text[1:]


def _slug(rng: random.Random, words: int, number: int) -> str:
    return "-".join(rng.choice(_WORDS) for _ in range(words)) + f"-{number}"


def _date(rng: random.Random, first_year: int = 2008, last_year: int = 2025) -> str:
    year = rng.randint(first_year, last_year)
    precision = rng.random()
    if precision < 0.2:
        return str(year)
    if precision < 0.4:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _locator(rng: random.Random) -> str:
    return rng.choice(LOCATORS).format(n=rng.randint(1, 60))


def _citation(rng: random.Random, ref: str, quote_chars: int) -> dict[str, Any]:
    citation: dict[str, Any] = {"ref": ref, "locator": _locator(rng), "quote": _text(rng, quote_chars),
                                "verification": rng.choices(("verified", "secondary", "unverified"), (8, 1, 1))[0]}
    if rng.random() < 0.15:
        citation["note"] = _text(rng, 90)
    return citation


def _percent_figure(rng: random.Random, figure_id: str | None) -> dict[str, Any]:
    denominator = rng.randint(40, 600_000)
    numerator = rng.randint(1, denominator)
    figure: dict[str, Any] = {}
    if figure_id:
        figure["id"] = figure_id
    figure.update({"label": _title(rng, 3, 8), "value": round(100 * numerator / denominator, 1), "unit": "percent",
                   "numerator": numerator, "denominator": denominator, "definition": _text(rng, 90)})
    return figure


def _other_figure(rng: random.Random, figure_id: str) -> dict[str, Any]:
    unit = rng.choice(OTHER_UNITS)
    value = {"count": rng.randint(10, 2_000_000), "gbp": rng.randint(50, 5_000),
             "effect-size": round(rng.uniform(0.1, 1.8), 2), "sessions": round(rng.uniform(2, 12), 1),
             "days": rng.randint(5, 400)}[unit]
    figure: dict[str, Any] = {"id": figure_id, "label": _title(rng, 3, 8)}
    if rng.random() < 0.15:
        figure.update(low=value, high=round(value * 1.3, 2))
    else:
        figure["value"] = value
    figure.update(unit=unit, definition=_text(rng, 90))
    return figure


def _finding_extras(rng: random.Random, figure: dict[str, Any]) -> dict[str, Any]:
    if rng.random() < 0.6:
        figure["population"] = _title(rng, 4, 10)
    if rng.random() < 0.7:
        figure["period"] = f"{rng.randint(2008, 2024)}-{rng.randint(9, 25):02d}"
    if rng.random() < 0.5:
        figure["measure"] = _title(rng, 3, 7)
    if rng.random() < 0.3:
        figure["n"] = rng.randint(20, 90_000)
    if rng.random() < 0.2:
        figure["locator"] = _locator(rng)
    if rng.random() < 0.15:
        figure["computed"] = _text(rng, 80)
    return figure


def _reference(rng: random.Random, key: str, index: int) -> str:
    """One BibTeX entry: articles with a DOI, reports and web pages with a URL and the day it was read,
    and books, some with no copy online."""
    authors = " and ".join(f"{rng.choice(_SURNAMES)}, {rng.choice(_GIVEN)}" for _ in range(rng.randint(1, 5)))
    year = rng.randint(2004, 2025)
    title = _title(rng, 6, 16, max_chars=150)
    kind = rng.choices(("article", "techreport", "online", "book"), (5, 2, 2, 1))[0]
    fields = {"author": authors, "title": title, "year": str(year)}
    if kind == "article":
        fields.update(journal=f"Journal of {rng.choice(_WORDS).capitalize()} Studies", volume=str(rng.randint(1, 80)),
                      number=str(rng.randint(1, 12)), pages=f"{(p := rng.randint(1, 900))}--{p + rng.randint(5, 30)}",
                      doi=f"10.5555/synth.{year}.{index}")
    elif kind == "techreport":
        fields.update(institution=rng.choice(_BODIES), author=f"{{{rng.choice(_BODIES)}}}",
                      url=f"https://example.org/reports/{key}.pdf", urldate=f"2025-{rng.randint(1, 12):02d}-15")
    elif kind == "online":
        fields.update(url=f"https://example.org/pages/{key}", urldate=f"2025-{rng.randint(1, 12):02d}-15")
    else:
        fields.update(publisher="Example Press", address="London")
        if rng.random() < 0.5:
            fields["offline"] = "A printed book; no copy is known to be online."
        else:
            fields["doi"] = f"10.5555/book.{year}.{index}"
    body = ",\n".join(f"  {name:<11} = {{{value}}}" for name, value in fields.items())
    return f"@{kind}{{{key},\n{body}\n}}\n"


def _mkdocs_yml(name: str) -> str:
    # The settings of tests/sample/mkdocs.yml (tests/test_synth.py compares them): init's template with
    # Material's edit button only. No theme folder or stylesheet: the engine adds its own whatever it says.
    return mkdocs_yml(f"""\
# A synthetic compendium written by `compendium synth`, for the benchmark and the tests.
site_name: {name}
site_description: Made-up claims, each next to made-up evidence, for the benchmark and the tests.
site_url: https://example.org/synthetic/
repo_url: https://example.org/synthetic/compendium
edit_uri: edit/main/docs/
""")


_METHOD = """\
# Method

This compendium is synthetic: its claims, evidence and sources are made up, to measure the engine.

## Grading the evidence {{ #certainty }}

Certainty is high, moderate, low or very low, after GRADE.

## The order of the evidence {{ #evidence-order }}

A claim's evidence is listed strongest first: by certainty, independence, design and year.

## Right of reply {{ #right-of-reply }}

A claimant's published reply is shown on the claim's page.

## Verdicts {{ #verdicts }}
{verdicts}"""



def _dump(data: Any) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=110))


def write_compendium(out: Path, claims: int, seed: int = 0) -> SynthStats:
    """Write a synthetic compendium of `claims` claims into out, which must not exist or be empty."""
    if claims < 1:
        raise SynthError("--claims must be at least 1")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SynthError(f"{out} already exists and is not an empty folder; choose a new one")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        stats = _write(staging, claims, seed)
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return stats


def _write(root: Path, n_claims: int, seed: int) -> SynthStats:
    # One generator for everything, drawn from in a fixed order (the plan, then each kind of file in turn):
    # the same N and seed give the same bytes, so each step below must keep its place.
    rng = random.Random(seed)
    plan = _plan(rng, n_claims)
    for folder in ("claims", "evidence", "charts", "docs"):
        (root / folder).mkdir()
    for c, claim_id in enumerate(plan.claim_ids):
        (root / "claims" / f"{claim_id}.yml").write_text(_dump(_claim(rng, plan, c)), "utf-8")
    for e, evidence_id in enumerate(plan.evidence_ids):
        (root / "evidence" / f"{evidence_id}.yml").write_text(_dump(_evidence_item(rng, plan, e)), "utf-8")
    for k, chart_id in enumerate(plan.chart_ids):
        (root / "charts" / f"{chart_id}.yml").write_text(_dump(_chart(rng, plan, k)), "utf-8")
    n_timeline = _write_single_files(root, rng, plan)
    _write_pages(root, n_claims)
    return SynthStats(n_claims, len(plan.evidence_ids), len(plan.ref_keys), len(plan.chart_ids), len(plan.topic_ids),
                      n_timeline)


@dataclass(frozen=True)
class _Plan:
    """Every id of the compendium, and which items refer to which, drawn before any file is written (a claim's
    file names evidence items and charts whose own files come later)."""

    topic_ids: list[str]
    ref_keys: list[str]
    claim_ids: list[str]
    evidence_ids: list[str]
    chart_ids: list[str]
    qualitative: set[int]  # the evidence items with no finding
    chart_points: dict[int, list[int]]  # chart k: the evidence items it plots
    charts_of_evidence: dict[int, list[str]]  # evidence item e: the charts shown on its page
    topics_of_claim: list[list[str]]
    evidence_links: list[list[int]]  # claim c: the evidence items it lists


def _plan(rng: random.Random, n_claims: int) -> _Plan:
    n_evidence, n_references, n_charts = 3 * n_claims, n_claims, n_claims // 5
    n_topics = max(3, min(60, n_claims // 10))
    topic_ids = [_slug(rng, 2, i) for i in range(n_topics)]
    ref_keys = [f"{rng.choice(_SURNAMES).lower()}{rng.randint(2004, 2025)}{rng.choice(_WORDS)}{i}"
                for i in range(n_references)]
    claim_ids = [_slug(rng, 4, i) for i in range(n_claims)]
    evidence_ids = [_slug(rng, 4, i) for i in range(n_evidence)]
    chart_ids = [_slug(rng, 3, i) for i in range(n_charts)]

    # Chart k plots the first (percent) finding of items of claims 5k..5k+4, and is shown on claim 5k
    # and on the first item it plots; items with no finding (qualitative) are never plotted.
    qualitative = {e for e in range(n_evidence) if rng.random() < 0.1 and e % 3 != 0}
    chart_points: dict[int, list[int]] = {}
    charts_of_evidence: dict[int, list[str]] = {}
    for k in range(n_charts):
        items = [e for e in range(15 * k, min(15 * k + 15, n_evidence)) if e not in qualitative]
        chart_points[k] = sorted(rng.sample(items, min(len(items), rng.randint(3, 8))))
        charts_of_evidence.setdefault(chart_points[k][0], []).append(chart_ids[k])

    topics_of_claim = [rng.sample(topic_ids, rng.randint(1, min(3, n_topics))) for _ in range(n_claims)]
    # Claim c lists its own three items (3c..3c+2) and a few others, so that items are shared between claims.
    evidence_links: list[list[int]] = []
    for c in range(n_claims):
        own = [3 * c, 3 * c + 1, 3 * c + 2]
        others = {rng.randrange(n_evidence) for _ in range(rng.choice((0, 1, 2, 2, 3, 4)))} - set(own)
        evidence_links.append(own + sorted(others))
    return _Plan(topic_ids, ref_keys, claim_ids, evidence_ids, chart_ids, qualitative, chart_points,
                 charts_of_evidence, topics_of_claim, evidence_links)


def _claim(rng: random.Random, plan: _Plan, c: int) -> dict[str, Any]:
    """Claim c's file, its fields in the order a contributor's file gives them."""
    rating = rng.choice(RATINGS)
    history = [{"date": f"{2020 + h}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "rating": rng.choice(RATINGS), "note": _text(rng, 120)} for h in range(rng.choice((1, 1, 2, 3)))]
    history[0]["note"] = "First assessment."
    history[-1]["rating"] = rating  # the latest assessment is the verdict's
    claimant = _claimant(rng)
    claim: dict[str, Any] = {
        "title": _title(rng, 4, 10), "statement": _text(rng, 140), "claimant": claimant, "date": _date(rng),
        "source": _citation(rng, plan.ref_keys[c], 120)}
    also = [_citation(rng, rng.choice(plan.ref_keys), 110) for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))]
    if also:
        claim["also_made_in"] = also
    claim["topics"] = plan.topics_of_claim[c]
    if rng.random() < 0.8:
        claim["figure"] = _finding_extras(rng, _percent_figure(rng, None))
    claim["prominence"] = rng.randint(1, 5)
    claim["verdict"] = {"rating": rating, "conclusion": _sentence(rng), "certainty": rng.choice(CERTAINTIES),
                        "rationale": _text(rng, 850, paragraphs=rng.randint(1, 3))}
    claim["evidence"] = []
    for e in plan.evidence_links[c]:
        link: dict[str, Any] = {"id": plan.evidence_ids[e], "stance": rng.choice(STANCES)}
        if rng.random() < 0.8:
            link["note"] = _text(rng, 110)
        claim["evidence"].append(link)
    charts = [plan.chart_ids[c // 5]] if c % 5 == 0 and c // 5 < len(plan.chart_ids) else []
    if charts:
        claim["charts"] = charts
    claim["history"] = history
    return claim


def _claimant(rng: random.Random) -> dict[str, Any]:
    """A person (with a role, mostly) or an organisation, on one of the sides."""
    claimant: dict[str, Any]
    if rng.random() < 0.5:
        claimant = {"name": f"{rng.choice(_GIVEN)} {rng.choice(_SURNAMES)}"}
        if rng.random() < 0.7:
            claimant["role"] = _title(rng, 4, 10)
    else:
        claimant = {"name": rng.choice(_BODIES), "kind": "organisation"}
    claimant["side"] = rng.choice(SIDES)
    return claimant


def _evidence_item(rng: random.Random, plan: _Plan, e: int) -> dict[str, Any]:
    """Evidence item e's file: a percent finding first (the one charts plot) and a few others, unless it is
    qualitative."""
    findings: list[dict[str, Any]] = []
    if e not in plan.qualitative:
        findings.append(_finding_extras(rng, _percent_figure(rng, "f1")))
        for f in range(rng.choice((0, 1, 1, 2, 3))):
            findings.append(_finding_extras(rng, _other_figure(rng, f"f{f + 2}")))
    quality = _quality(rng)
    item: dict[str, Any] = {
        "title": _title(rng, 8, 18, max_chars=150), "summary": _text(rng, 420, paragraphs=rng.randint(1, 2)),
        "source": _citation(rng, rng.choice(plan.ref_keys), 220), "findings": findings, "quality": quality,
        "topics": plan.topics_of_claim[e // 3][:2]}  # its claim's topics: item e is one of claim e // 3's own
    if e in plan.charts_of_evidence:
        item["charts"] = plan.charts_of_evidence[e]
    return item


def _quality(rng: random.Random) -> dict[str, Any]:
    """An evidence item's quality appraisal, some of its optional fields left out."""
    quality: dict[str, Any] = {"design": rng.choice(DESIGNS)}
    if rng.random() < 0.7:
        quality["sample_size"] = rng.randint(12, 1_500_000)
    if rng.random() < 0.6:
        quality["outcome_measure"] = _title(rng, 3, 8)
    quality.update(independent=rng.choice(("yes", "no", "unclear")), peer_reviewed=rng.random() < 0.5,
                   certainty=rng.choice(CERTAINTIES),
                   limitations=[_text(rng, 130) for _ in range(rng.choice((1, 2, 3, 3, 4, 5)))])
    if rng.random() < 0.9:
        quality["conflicts_of_interest"] = _text(rng, 120)
    return quality


def _chart(rng: random.Random, plan: _Plan, k: int) -> dict[str, Any]:
    """Chart k's file, plotting the first finding of the items the plan gave it; the kinds take turns."""
    kind = CHART_KINDS[k % len(CHART_KINDS)]
    # A time series is labelled by period, like the real record's; bars by what each one counts.
    labels = [f"{2010 + i}-{11 + i}" if kind == "time-series" else _title(rng, 2, 5, max_chars=40)
              for i in range(len(plan.chart_points[k]))]
    points = [{"label": label, "evidence": plan.evidence_ids[e], "finding": "f1"}
              for label, e in zip(labels, plan.chart_points[k], strict=True)]
    if kind == "comparison-bars" and len(points) > 1:
        series = [{"name": "As claimed", "points": points[:1]}, {"name": "As found", "points": points[1:]}]
    else:
        series = [{"name": _title(rng, 2, 4), "points": points}]
    return {"kind": kind, "title": _title(rng, 4, 10), "caption": _text(rng, 160), "alt": _text(rng, 220),
            "unit": "percent", "series": series}


def _write_single_files(root: Path, rng: random.Random, plan: _Plan) -> int:
    """topics.yml, glossary.yml, timeline.yml and references.bib; returns how many timeline events it wrote."""
    topics = {t: {"title": _title(rng, 1, 4), "description": _text(rng, 100)} for t in plan.topic_ids}
    (root / "topics.yml").write_text(_dump(topics), "utf-8")
    # Words of the made-up prose as glossary terms, so that linking their first use on every page is measured.
    glossary = {f"term-{i + 1}": {"term": word.capitalize(), "definition": _text(rng, 120), "forms": [word]}
                for i, word in enumerate(sorted(set(rng.sample(_WORDS, 8))))}
    (root / "glossary.yml").write_text(_dump(glossary), "utf-8")
    timeline = _timeline(rng, plan)
    (root / "timeline.yml").write_text(_dump(timeline), "utf-8")
    bib = "% Made-up sources for a synthetic compendium.\n\n" + "\n".join(
        _reference(rng, key, i) for i, key in enumerate(plan.ref_keys))
    (root / "references.bib").write_text(bib, "utf-8")
    return len(timeline)


def _timeline(rng: random.Random, plan: _Plan) -> list[dict[str, Any]]:
    """One event for every five claims (three at least), some naming a claim or an evidence item."""
    n_claims, n_evidence = len(plan.claim_ids), len(plan.evidence_ids)
    timeline = []
    for t in range(max(3, n_claims // 5)):
        event: dict[str, Any] = {"date": _date(rng), "title": _title(rng, 5, 12),
                                 "source": _citation(rng, rng.choice(plan.ref_keys), 120)}
        if rng.random() < 0.5:
            event["text"] = _text(rng, 200)
        if rng.random() < 0.5:
            event["claims"] = [plan.claim_ids[(7 * t) % n_claims]]
        if rng.random() < 0.3:
            event["evidence"] = [plan.evidence_ids[(11 * t) % n_evidence]]
        timeline.append(event)
    return timeline


def _write_pages(root: Path, n_claims: int) -> None:
    """mkdocs.yml and the hand-written pages a compendium must have (the home page and the method)."""
    name = f"Synthetic Compendium ({n_claims} claims)"
    (root / "mkdocs.yml").write_text(_mkdocs_yml(name), "utf-8")
    (root / "docs" / "index.md").write_text(
        f"# {name}\n\nMade-up claims, evidence and sources, to measure the engine. "
        "See the [claims](claims/index.md).\n", "utf-8")
    verdicts = "".join(f"\n### {r.replace('-', ' ').capitalize()} {{ #verdict-{r} }}\n\n{text}\n"
                       for r, text in VERDICT_WORDS.items())
    (root / "docs" / "method.md").write_text(_METHOD.format(verdicts=verdicts), "utf-8")

"""Stage 3, resolve: every id and reference key must point at something; then compute backlinks.

check_references works on the raw documents, so that a file with a schema error still has its
cross-references checked in the same run. link() builds the model once everything is known valid.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from compendium.diagnostics import Diagnostic, did_you_mean
from compendium.figurelinks import (
    FigureLink,
    linked_values,
    links_with_openings,
    matches_finding,
    notation_problems,
    opening_at,
)
from compendium.files import read_regular
from compendium.input.load import Sources
from compendium.intake import quote
from compendium.model import (
    About,
    Backlinks,
    Chart,
    Claim,
    Compendium,
    Evidence,
    GlossaryTerm,
    Licence,
    NotAssessed,
    Question,
    Series,
    TimelineEvent,
    Topic,
    Verdict,
)
from compendium.paths import NOT_ASSESSED_PAGE
from compendium.schemas import is_unit
from compendium.wording import engine_verdicts
from compendium.yamlfile import JsonPath, YamlDocument

# The kinds of item whose pages keep their address when their id is renamed (redirects.yml).
REDIRECTED = ("claims", "evidence", "charts")


def _walk_citations(data: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, str]]:
    """Every citation's reference key in a document: any mapping with 'ref' and 'quote'."""
    if isinstance(data, dict):
        if isinstance(data.get("ref"), str) and "quote" in data:
            yield (*path, "ref"), data["ref"]
        for key, value in data.items():
            yield from _walk_citations(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _walk_citations(value, (*path, i))


def _list(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _unknown(document: YamlDocument, path: JsonPath, what: str, value: str, known: dict[str, Any],
             where: str, of: str = "") -> Diagnostic:
    hint = did_you_mean(value, known) or f"check the spelling, or add it to {where}"
    return document.diagnostic(path, f"unknown {what} {quote(value)}{of}", hint)


class _Targets:
    """Whether a referred-to id or key is missing. One that exists in a file that could not be read is not
    missing: its file's problem is already reported, and the checks it prevents are counted against it."""

    def __init__(self, sources: Sources):
        self.sources = sources
        self.prevented: Counter[str] = Counter()

    def missing(self, kind: str, value: str, known: dict[str, Any]) -> bool:
        if value in known:
            return False
        if whole := self.sources.unread_files.get(kind):
            self.prevented[whole] += 1
            return False
        if cause := self.sources.unreadable.get(f"{kind}/{value}"):
            self.prevented[cause] += 1
            return False
        return True


def check_references(sources: Sources) -> tuple[list[Diagnostic], Counter[str]]:
    """Every unknown id and key, and the warnings of things unused; with, for each file that could not be
    read, how many checks of other files it prevented."""
    check = _Check(sources)
    problems: list[Diagnostic] = []
    for rule in _REFERENCE_RULES:  # in order: the problems are reported in the order the rules find them
        problems.extend(rule(check))
    return problems, check.targets.prevented


class _Check:
    """What the rules of check_references share: the sources, whether a target is missing, and what the
    rules so far found in use (the rules that warn of things unused run last, and read it)."""

    def __init__(self, sources: Sources):
        self.sources = sources
        self.targets = _Targets(sources)
        self.topics = sources.topics.data if sources.topics and isinstance(sources.topics.data, dict) else {}
        self.cited: set[str] = set()
        self.used_evidence: set[str] = set()


def _unknown_reference_keys(check: _Check) -> Iterator[Diagnostic]:
    """Every citation's key is in references.bib; each one is noted as cited."""
    sources = check.sources
    documents = [*sources.claims.values(), *sources.evidence.values(), *sources.charts.values()]
    documents.extend(d for d in (sources.timeline, sources.glossary, sources.not_assessed) if d is not None)
    for document in documents:
        for path, key in _walk_citations(document.data):
            check.cited.add(key)
            if check.targets.missing("references", key, sources.references):
                yield _unknown(document, path, "reference key", key, sources.references, "references.bib")


def _unknown_chart_topics(check: _Check) -> Iterator[Diagnostic]:
    for document in check.sources.charts.values():
        topic = document.data.get("topic") if isinstance(document.data, dict) else None
        if isinstance(topic, str) and check.targets.missing("topics", topic, check.topics):
            yield _unknown(document, ("topic",), "topic", topic, check.topics, "topics.yml")


def _unknown_topics_and_charts(check: _Check) -> Iterator[Diagnostic]:
    """The topics and charts that claims and evidence items list."""
    sources, targets = check.sources, check.targets
    for document in [*sources.claims.values(), *sources.evidence.values()]:
        for i, topic in enumerate(_list(document.data, "topics")):
            if isinstance(topic, str) and targets.missing("topics", topic, check.topics):
                yield _unknown(document, ("topics", i), "topic", topic, check.topics, "topics.yml")
        for i, chart in enumerate(_list(document.data, "charts")):
            if isinstance(chart, str) and targets.missing("charts", chart, sources.charts):
                yield _unknown(document, ("charts", i), "chart", chart, sources.charts, "charts/")


def _unknown_evidence_of_claims(check: _Check) -> Iterator[Diagnostic]:
    """The evidence items that claims list; each one is noted as used."""
    sources = check.sources
    for document in sources.claims.values():
        for i, link in enumerate(_list(document.data, "evidence")):
            evidence_id = link.get("id") if isinstance(link, dict) else None
            if isinstance(evidence_id, str):
                check.used_evidence.add(evidence_id)
                if check.targets.missing("evidence", evidence_id, sources.evidence):
                    yield _unknown(document, ("evidence", i, "id"), "evidence id", evidence_id, sources.evidence,
                                   "evidence/")


def _figure_links(check: _Check) -> Iterator[Diagnostic]:
    for kind, of_kind in (("claim", check.sources.claims), ("evidence", check.sources.evidence)):
        for document in of_kind.values():
            yield from _check_figure_links(document, kind, check.sources, check.targets)


def _chart_points(check: _Check) -> Iterator[Diagnostic]:
    for document in check.sources.charts.values():
        yield from _check_chart(document, check.sources, check.targets)
        # Evidence a chart plots is in use even when no claim lists it (a claimant's own figures, say).
        for series in _list(document.data, "series"):
            check.used_evidence.update(str(p.get("evidence")) for p in _list(series, "points")
                                       if isinstance(p, dict))


def _unknown_timeline_ids(check: _Check) -> Iterator[Diagnostic]:
    sources = check.sources
    if sources.timeline is None or not isinstance(sources.timeline.data, list):
        return
    for i, event in enumerate(sources.timeline.data):
        for key, known, where in (("claims", sources.claims, "claims/"), ("evidence", sources.evidence, "evidence/")):
            for j, item in enumerate(_list(event, key)):
                if isinstance(item, str) and check.targets.missing(key, item, known):
                    yield _unknown(sources.timeline, (i, key, j), f"{key} id", item, known, where)


def _unknown_claims_of_lists(check: _Check) -> Iterator[Diagnostic]:
    """The claims that the list of claims not assessed (its 'related') and the questions name."""
    sources = check.sources
    for document, key in ((sources.not_assessed, "related"), (sources.questions, "claims")):
        if document is None or not isinstance(document.data, list):
            continue
        for i, entry in enumerate(document.data):
            for j, item in enumerate(_list(entry, key)):
                if isinstance(item, str) and check.targets.missing("claims", item, sources.claims):
                    yield _unknown(document, (i, key, j), "claim id", item, sources.claims, "claims/")


def _series(check: _Check) -> Iterator[Diagnostic]:
    return _check_series(check.sources, check.targets)


def _redirects(check: _Check) -> Iterator[Diagnostic]:
    """A redirect is from an id no file has any more, to one that exists."""
    redirects = check.sources.redirects
    if redirects is None or not isinstance(redirects.data, dict):
        return
    for folder in REDIRECTED:
        known = check.sources.items.get(folder, {})
        mapping = redirects.data.get(folder)
        for old, new in (mapping.items() if isinstance(mapping, dict) else []):
            if old in known:
                yield redirects.diagnostic(
                    (folder, old), f"'{old}' is redirected but {folder}/{old}.yml still exists",
                    "a redirect is for an id that was renamed: remove the redirect or the file", key=True)
            if isinstance(new, str) and check.targets.missing(folder, new, known):
                yield _unknown(redirects, (folder, old), f"{folder} id", new, known, f"{folder}/")


def _unused_evidence(check: _Check) -> Iterator[Diagnostic]:
    """After the rules that note what claims and charts use."""
    # A claim file that could not be read uses evidence nobody can see: 'not used' would be noise then.
    if any(u.startswith("claims/") for u in check.sources.unreadable):
        return
    for evidence_id, document in check.sources.evidence.items():
        if evidence_id not in check.used_evidence:
            yield Diagnostic(document.display, 1, 1, f"evidence '{evidence_id}' is not used by any claim or chart",
                             "list it under the evidence of the claims it bears on", severity="warning")


def _reference_problems(check: _Check) -> Iterator[Diagnostic]:
    """Each reference is cited (after the rule that notes the citations), and readers can find its source."""
    sources = check.sources
    for key, reference in sources.references.items():
        if key not in check.cited:
            yield Diagnostic(sources.bib_display(), reference.line, 1, f"reference '{key}' is not cited anywhere",
                             "cite it from a claim or evidence item, or remove it", severity="warning")
        if reference.flawed:  # its own problems are reported; the checks below would only repeat them
            continue
        if not reference.link and not reference.offline:
            yield Diagnostic(sources.bib_display(), reference.line, 1, f"reference '{key}' has neither a doi nor a url",
                             "add doi = {...} or url = {...} so readers can find the source; if no copy is online, "
                             "say so in offline = {...}")
        # A web page can change or vanish: the reader needs the day it was read, or a copy that cannot
        # change. An uncited reference already has its warning (cite it or remove it); one is enough.
        if reference.url and not reference.accessed and not reference.archive_url and key in check.cited:
            yield Diagnostic(sources.bib_display(), reference.line, 1,
                             f"web reference '{key}' has neither an access date nor an archived copy",
                             "after reading the live page, add urldate = {YYYY-MM-DD}; add archiveurl = {...} where "
                             "an archived copy (e.g. the Wayback Machine's) exists; never guess either",
                             severity="warning")


# check_references' rules, run in this order. The order is the order of the problems reported, and the rules
# that warn of things unused (evidence, references) come after those that note every use.
_REFERENCE_RULES: list[Callable[[_Check], Iterator[Diagnostic]]] = [
    _unknown_reference_keys, _unknown_chart_topics, _unknown_topics_and_charts, _unknown_evidence_of_claims,
    _figure_links, _chart_points, _unknown_timeline_ids, _unknown_claims_of_lists, _series, _redirects,
    _unused_evidence, _reference_problems,
]


def _check_series(sources: Sources, targets: _Targets) -> Iterator[Diagnostic]:
    """Every series an evidence item names is in series.yml; a series is of two releases or more (one alone
    is not grouped with anything, so the line is likely a slip), and every series listed is used."""
    known = sources.series.data if sources.series and isinstance(sources.series.data, dict) else {}
    members: dict[str, list[str]] = defaultdict(list)
    for evidence_id, document in sorted(sources.evidence.items()):
        series = document.data.get("series") if isinstance(document.data, dict) else None
        series_id = series.get("id") if isinstance(series, dict) else None
        if not isinstance(series_id, str):
            continue
        members[series_id].append(evidence_id)
        if targets.missing("series", series_id, known):
            yield _unknown(document, ("series", "id"), "series", series_id, known, "series.yml")
    for series_id, evidence_ids in members.items():
        if len(evidence_ids) == 1 and series_id in known:
            document = sources.evidence[evidence_ids[0]]
            yield document.diagnostic(("series", "id"), f"series {quote(series_id)} has no other release",
                                      "a series groups two or more releases: give the other releases' evidence "
                                      "items the same series, or remove 'series' from this one", severity="warning")
    if sources.series is not None and not any(u.startswith("evidence/") for u in sources.unreadable):
        for series_id in known:
            if series_id not in members:
                yield sources.series.diagnostic((series_id,), f"series {quote(series_id)} is not used by any "
                                                "evidence item", "give its releases' evidence items "
                                                f"series: {{id: {series_id}, release: ...}}, or remove it",
                                                key=True, severity="warning")


def _check_chart(document: YamlDocument, sources: Sources, targets: _Targets) -> Iterator[Diagnostic]:
    unit = document.data.get("unit") if isinstance(document.data, dict) else None
    for i, series in enumerate(_list(document.data, "series")):
        for j, point in enumerate(_list(series, "points")):
            if not isinstance(point, dict):
                continue
            path: JsonPath = ("series", i, "points", j)
            evidence_id, finding_id = point.get("evidence"), point.get("finding")
            if not isinstance(evidence_id, str):
                continue
            evidence = sources.evidence.get(evidence_id)
            if evidence is None:
                if not targets.missing("evidence", evidence_id, sources.evidence):
                    continue
                yield _unknown(document, (*path, "evidence"), "evidence id", evidence_id, sources.evidence,
                               "evidence/")
                continue
            findings = {f.get("id"): f for f in _list(evidence.data, "findings") if isinstance(f, dict)}
            finding = findings.get(finding_id)
            if finding is None:
                known = {k: v for k, v in findings.items() if isinstance(k, str)}
                yield _unknown(document, (*path, "finding"), "finding", str(finding_id), known,
                               f"the findings of {evidence.display}", of=f" of evidence '{evidence_id}'")
            elif "value" not in finding:
                yield document.diagnostic((*path, "finding"), f"finding '{finding_id}' has no single value",
                                          "a chart plots a value; cite a finding that gives one")
            # A unit that is not one is reported by its schema: compared, it would only be reported again.
            elif finding.get("unit") != unit and is_unit(finding.get("unit")) and is_unit(unit):
                yield document.diagnostic((*path, "finding"),
                                          f"finding '{finding_id}' is in {quote(finding.get('unit'))}, the chart "
                                          f"in {quote(unit)}", "plot only figures in the chart's unit")


def _check_figure_links(document: YamlDocument, kind: str, sources: Sources,
                        targets: _Targets) -> Iterator[Diagnostic]:
    """Each figure link in the texts that may hold them: well formed, to a finding that exists and gives the
    figure's number. Each problem is named at the line of its link's '[['."""
    lines: list[str] | None = None
    for path, text in linked_values(document.data, kind):
        found = list(notation_problems(text))
        links = list(links_with_openings(text))
        if not found and not links:
            continue
        if lines is None:
            raw = read_regular(document.path)
            lines = raw.decode("utf-8", "replace").splitlines() if raw is not None else []
        for problem in found:
            yield _at_opening(document, path, lines, problem.opening, problem.message, problem.hint)
        for opening, figure_link in links:
            message, hint = _figure_link_problem(figure_link, sources, targets)
            if message:
                yield _at_opening(document, path, lines, opening, message, hint)


def _figure_link_problem(figure_link: FigureLink, sources: Sources, targets: _Targets) -> tuple[str, str]:
    """What is wrong with a well-formed link ('' when nothing is), and what to do."""
    evidence_id, finding_id = figure_link.evidence, figure_link.finding
    evidence = sources.evidence.get(evidence_id)
    if evidence is None:
        if not targets.missing("evidence", evidence_id, sources.evidence):
            return "", ""
        return (f"unknown evidence id {quote(evidence_id)} in a figure link",
                did_you_mean(evidence_id, sources.evidence) or "check the spelling, or add it to evidence/")
    findings = {f.get("id"): f for f in _list(evidence.data, "findings") if isinstance(f, dict)}
    finding = findings.get(finding_id)
    if finding is None:
        known = [k for k in findings if isinstance(k, str)]
        return (f"unknown finding {quote(finding_id)} of evidence '{evidence_id}' in a figure link",
                did_you_mean(finding_id, known) or f"link one of the findings of {evidence.display}"
                + (f" ({', '.join(known)})" if known else ", which has none yet: add the finding there"))
    if not matches_finding(figure_link.figure, finding):
        return (f"the figure {quote(figure_link.figure)} is none of the numbers of finding '{finding_id}' "
                f"of evidence '{evidence_id}'",
                "write the figure as the finding gives it (rounding is fine: 52% for 52.1), or link the finding "
                "it comes from")
    return "", ""


def _at_opening(document: YamlDocument, path: JsonPath, lines: list[str], opening: int, message: str,
                hint: str) -> Diagnostic:
    """A diagnostic at the line and column of the how-manieth '[[' of the text at path: the text's own
    position when the file's lines do not show it (an escape in a quoted string, say)."""
    start = document.position(path)
    place = opening_at(lines, start.line, start.column, opening)
    line, column = place if place else (start.line, start.column)
    return Diagnostic(document.display, line, column, message, hint)


def link(sources: Sources) -> Compendium:
    """The model, with backlinks. Call only when validation and check_references found no error."""
    claims = {i: Claim.of(i, d.display, d.data) for i, d in sorted(sources.claims.items())}
    evidence = {i: Evidence.of(i, d.display, d.data) for i, d in sorted(sources.evidence.items())}
    charts = {i: Chart.of(i, d.display, d.data) for i, d in sorted(sources.charts.items())}
    topics_data = sources.topics.data if sources.topics else {}
    topics = {i: Topic(i, t["title"], t["description"], t.get("summary")) for i, t in topics_data.items()}
    timeline = tuple(sorted((TimelineEvent.of(e) for e in (sources.timeline.data if sources.timeline else [])),
                            key=lambda e: e.date))
    glossary = {i: GlossaryTerm.of(i, t) for i, t in (sources.glossary.data if sources.glossary else {}).items()}
    not_assessed = tuple(NotAssessed.of(e) for e in (sources.not_assessed.data if sources.not_assessed else []))
    redirects_data = sources.redirects.data if sources.redirects else {}
    redirects = {f"{folder}/{old}": f"{folder}/{new}" for folder in REDIRECTED
                 for old, new in redirects_data.get(folder, {}).items()}
    questions = tuple(Question(q["question"], tuple(q["claims"])) for q in
                      (sources.questions.data if sources.questions else []))
    series = {i: Series(i, s["title"], s.get("frequency")) for i, s in
              (sources.series.data if sources.series else {}).items()}
    backlinks = _backlinks(claims, evidence, timeline, glossary, not_assessed)
    config = {kind: document.data["extra"][kind] for kind, document in sources.config.items()}
    about = About.of(config["about"]) if "about" in config else About()
    licence = Licence.of(config["licence"]) if "licence" in config else None
    # The engine's neutral words for each verdict, where the compendium gives none of its own.
    worded = config.get("verdicts", {})
    verdicts = {rating: Verdict(worded.get(rating, {}).get("label", words.label),
                                worded.get(rating, {}).get("meaning", words.meaning))
                for rating, words in engine_verdicts().items()}
    return Compendium(sources.root, claims, evidence, charts, topics, timeline, dict(sources.references),
                      backlinks, redirects, glossary, questions, not_assessed, series, about, licence, verdicts)


def _backlinks(claims: dict[str, Claim], evidence: dict[str, Evidence], timeline: tuple[TimelineEvent, ...],
               glossary: dict[str, GlossaryTerm], not_assessed: tuple[NotAssessed, ...]) -> Backlinks:
    """What points at each item: the claims using an evidence item, the pages citing a reference, the
    claims and evidence of a topic, the pages showing a chart."""
    claims_by_evidence: dict[str, list[str]] = defaultdict(list)
    citers: dict[str, list[str]] = defaultdict(list)
    claims_by_topic: dict[str, list[str]] = defaultdict(list)
    evidence_by_topic: dict[str, list[str]] = defaultdict(list)
    pages_by_chart: dict[str, list[str]] = defaultdict(list)
    for claim in claims.values():
        for link_ in claim.evidence:
            claims_by_evidence[link_.id].append(claim.id)
        for citation in (claim.source, *claim.also_made_in, *(r.source for r in claim.responses)):
            citers[citation.ref].append(f"claims/{claim.id}")
        for topic in claim.topics:
            claims_by_topic[topic].append(claim.id)
        for chart in claim.charts:
            pages_by_chart[chart].append(f"claims/{claim.id}")
    for item in evidence.values():
        citers[item.source.ref].append(f"evidence/{item.id}")
        for topic in item.topics:
            evidence_by_topic[topic].append(item.id)
        for chart in item.charts:
            pages_by_chart[chart].append(f"evidence/{item.id}")
    for event in timeline:
        citers[event.source.ref].append("timeline")
    for term in glossary.values():
        if term.source is not None:
            citers[term.source.ref].append("glossary")
    for entry in not_assessed:
        citers[entry.source.ref].append(NOT_ASSESSED_PAGE)
    return Backlinks(
        claims_by_evidence={k: tuple(dict.fromkeys(v)) for k, v in claims_by_evidence.items()},
        citers_by_reference={k: tuple(dict.fromkeys(v)) for k, v in citers.items()},
        claims_by_topic={k: tuple(v) for k, v in claims_by_topic.items()},
        evidence_by_topic={k: tuple(v) for k, v in evidence_by_topic.items()},
        pages_by_chart={k: tuple(v) for k, v in pages_by_chart.items()},
    )

"""The compendium as plain, frozen data: what the templates and charts read.

Built from documents that passed validation, so every required field is present and of its type.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from compendium.figurelinks import LinkedText


def _pick(cls: type, data: dict[str, Any], **overrides: Any) -> Any:
    """cls built from the keys of data that are its fields (absent optional fields stay None)."""
    names = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    values.update(overrides)
    return cls(**values)


@dataclass(frozen=True)
class Citation:
    ref: str
    locator: str
    quote: str
    verification: str
    note: str | None = None
    editors_note: str | None = None  # how it was checked, kept apart from the reader's text

    @classmethod
    def of(cls, data: dict[str, Any]) -> Citation:
        return _pick(cls, data)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Figure:
    label: str
    unit: str
    definition: str
    id: str | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    n: int | None = None
    population: str | None = None
    period: str | None = None
    measure: str | None = None
    locator: str | None = None
    quote: str | None = None
    verification: str | None = None
    computed: str | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> Figure:
        return _pick(cls, data)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class EvidenceLink:
    id: str
    stance: str
    note: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    date: str
    rating: str
    note: str


@dataclass(frozen=True)
class Correction:
    """A dated change a reader would care about (a corrected figure, a new source), other than a verdict's."""

    date: str
    note: str


def _linked(text: str | None) -> LinkedText | None:
    return None if text is None else LinkedText.parse(text)


def _corrections(d: dict[str, Any]) -> tuple[Correction, ...]:
    return tuple(Correction(c["date"], c["note"]) for c in d.get("corrections", []))


@dataclass(frozen=True)
class Response:
    """The claimant's published reply to the criticism a claim meets (the right of reply)."""

    date: str
    source: Citation
    note: str | None = None


@dataclass(frozen=True)
class Claim:
    id: str
    file: str
    title: str
    statement: str
    claimant: str
    claimant_role: str | None
    claimant_kind: str
    date: str
    source: Citation
    also_made_in: tuple[Citation, ...]
    topics: tuple[str, ...]
    figure: Figure | None
    rating: str
    rationale: LinkedText  # its figures may link to findings (figurelinks.py); as a string, the plain text
    evidence: tuple[EvidenceLink, ...]
    charts: tuple[str, ...]
    history: tuple[HistoryEntry, ...]
    record: dict[str, Any] = field(repr=False, compare=False)  # the file's data as validated, for open data
    side: str | None = None  # proponent, critic or other: where the claimant stands on the programme
    conclusion: LinkedText | None = None  # what a reader should take away, in a sentence or two
    certainty: str | None = None  # the certainty of the evidence that decides the verdict
    prominence: int = 3  # 1 (a headline claim) to 5 (made once, in passing)
    responses: tuple[Response, ...] = ()
    corrections: tuple[Correction, ...] = ()

    @classmethod
    def of(cls, id: str, file: str, d: dict[str, Any]) -> Claim:
        return cls(record=d,
            id=id, file=file, title=d["title"], statement=d["statement"],
            claimant=d["claimant"]["name"], claimant_role=d["claimant"].get("role"),
            claimant_kind=d["claimant"].get("kind", "person"), date=d["date"],
            source=Citation.of(d["source"]),
            also_made_in=tuple(Citation.of(c) for c in d.get("also_made_in", [])),
            topics=tuple(d["topics"]), figure=Figure.of(d["figure"]) if "figure" in d else None,
            rating=d["verdict"]["rating"], rationale=LinkedText.parse(d["verdict"]["rationale"]),
            evidence=tuple(_pick(EvidenceLink, e) for e in d["evidence"]),
            charts=tuple(d.get("charts", [])),
            history=tuple(_pick(HistoryEntry, h) for h in d["history"]),
            side=d["claimant"].get("side"), conclusion=_linked(d["verdict"].get("conclusion")),
            certainty=d["verdict"].get("certainty"), prominence=d.get("prominence", 3),
            responses=tuple(Response(r["date"], Citation.of(r["source"]), r.get("note"))
                            for r in d.get("responses", [])),
            corrections=_corrections(d),
        )


@dataclass(frozen=True)
class Quality:
    design: str
    independent: str
    peer_reviewed: bool
    certainty: str
    limitations: tuple[str, ...]
    sample_size: int | None = None
    outcome_measure: str | None = None
    conflicts_of_interest: str | None = None


@dataclass(frozen=True)
class Series:
    """A statistic or report released again and again (series.yml); each release is an evidence item."""

    id: str
    title: str
    frequency: str | None = None  # yearly, quarterly, monthly: the word "7 yearly releases" uses


@dataclass(frozen=True)
class SeriesRelease:
    """An evidence item's place in its series: the series' id and the period the release covers."""

    id: str
    release: str  # 2016-17, 2017 or 2017-01: the releases of a series sort in order as text


@dataclass(frozen=True)
class Evidence:
    id: str
    file: str
    title: str
    summary: LinkedText
    source: Citation
    findings: tuple[Figure, ...]
    quality: Quality
    topics: tuple[str, ...]
    charts: tuple[str, ...]
    record: dict[str, Any] = field(repr=False, compare=False)  # the file's data as validated, for open data
    corrections: tuple[Correction, ...] = ()
    series: SeriesRelease | None = None

    @classmethod
    def of(cls, id: str, file: str, d: dict[str, Any]) -> Evidence:
        quality = dict(d["quality"], limitations=tuple(d["quality"]["limitations"]))
        return cls(
            record=d, id=id, file=file, title=d["title"], summary=LinkedText.parse(d["summary"]),
            source=Citation.of(d["source"]),
            findings=tuple(Figure.of(f) for f in d["findings"]), quality=_pick(Quality, quality),
            topics=tuple(d["topics"]), charts=tuple(d.get("charts", [])), corrections=_corrections(d),
            series=SeriesRelease(d["series"]["id"], d["series"]["release"]) if "series" in d else None,
        )

    def finding(self, finding_id: str) -> Figure | None:
        return next((f for f in self.findings if f.id == finding_id), None)


@dataclass(frozen=True)
class ChartPoint:
    label: str
    evidence: str
    finding: str


@dataclass(frozen=True)
class ChartSeries:
    name: str
    points: tuple[ChartPoint, ...]


@dataclass(frozen=True)
class Chart:
    id: str
    file: str
    kind: str
    title: str
    caption: str
    alt: str
    unit: str
    series: tuple[ChartSeries, ...]
    topic: str | None = None  # where the gallery shows it; None: the topic of the pages that show it

    @classmethod
    def of(cls, id: str, file: str, d: dict[str, Any]) -> Chart:
        series = tuple(ChartSeries(s["name"], tuple(_pick(ChartPoint, p) for p in s["points"]))
                       for s in d["series"])
        return cls(id=id, file=file, kind=d["kind"], title=d["title"], caption=d["caption"], alt=d["alt"],
                   unit=d["unit"], series=series, topic=d.get("topic"))


@dataclass(frozen=True)
class GlossaryTerm:
    """A term a reader may not know, explained where it appears and on the glossary page."""

    id: str
    term: str
    definition: str
    forms: tuple[str, ...]  # the exact words explained where they appear
    expansion: str | None = None
    source: Citation | None = None

    @classmethod
    def of(cls, id: str, d: dict[str, Any]) -> GlossaryTerm:
        return cls(id, d["term"], d["definition"], tuple(d.get("forms", [d["term"]])), d.get("expansion"),
                   Citation.of(d["source"]) if "source" in d else None)


@dataclass(frozen=True)
class Question:
    """A question readers come with, and the claims that answer it (questions.yml, shown on the home page)."""

    question: str
    claims: tuple[str, ...]


@dataclass(frozen=True)
class NotAssessed:
    """A checkable claim the record knows of but has not assessed, with why (not_assessed.yml)."""

    statement: str
    claimant: str
    source: Citation
    reason: str
    related: tuple[str, ...] = ()

    @classmethod
    def of(cls, d: dict[str, Any]) -> NotAssessed:
        return cls(d["statement"], d["claimant"], Citation.of(d["source"]), d["reason"], tuple(d.get("related", [])))


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    description: str
    summary: str | None = None  # "What we know": what the topic's claims' verdicts add up to


@dataclass(frozen=True)
class Editor:
    name: str
    role: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True)
class About:
    """Who makes the compendium, as mkdocs.yml's extra.about states it: what it leaves out stays None."""

    editors: tuple[Editor, ...] = ()
    funding: str | None = None
    interests: str | None = None
    email: str | None = None
    contact_url: str | None = None

    @classmethod
    def of(cls, d: dict[str, Any]) -> About:
        contact = d.get("contact", {})
        return cls(editors=tuple(_pick(Editor, e) for e in d.get("editors", [])), funding=d.get("funding"),
                   interests=d.get("interests"), email=contact.get("email"), contact_url=contact.get("url"))


@dataclass(frozen=True)
class Licence:
    """The licence of the compendium's text and data, as mkdocs.yml's extra.licence states it."""

    name: str
    spdx: str | None = None  # its SPDX identifier, e.g. CC-BY-4.0, where it has one
    url: str | None = None

    @classmethod
    def of(cls, d: dict[str, Any]) -> Licence:
        return cls(d["name"], d.get("id"), d.get("url"))


@dataclass(frozen=True)
class Verdict:
    """How a verdict of the scale is shown to readers: its label, and what it means (the method's words)."""

    label: str
    meaning: str


@dataclass(frozen=True)
class TimelineEvent:
    date: str
    title: str
    source: Citation
    text: str | None = None
    claims: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()

    @classmethod
    def of(cls, d: dict[str, Any]) -> TimelineEvent:
        event: TimelineEvent = _pick(cls, d, source=Citation.of(d["source"]), claims=tuple(d.get("claims", [])),
                                     evidence=tuple(d.get("evidence", [])))
        return event


@dataclass(frozen=True)
class Backlinks:
    """Who points at what: computed once, after every cross-reference is known to resolve."""

    claims_by_evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)
    citers_by_reference: dict[str, tuple[str, ...]] = field(default_factory=dict)  # page paths
    claims_by_topic: dict[str, tuple[str, ...]] = field(default_factory=dict)
    evidence_by_topic: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pages_by_chart: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Reference:
    """One entry of references.bib, in CSL-JSON, with where it stands in the file."""

    key: str
    line: int
    csl: dict[str, Any]
    unverified: str  # The entry's fields not confirmed from a public copy, in the compiler's words.
    offline: str  # Why no DOI or URL is given, where none is: no copy is known to be online.
    archive_url: str = ""  # An archived copy of the web page (e.g. the Wayback Machine's), where one is known.
    flawed: bool = False  # A field of the entry was refused (a date, DOI or address): already reported.
    year_suffix: str = ""  # a, b, c...: tells apart two references by the same authors in the same year

    @property
    def url(self) -> str:
        """The web address of the source, if it is a web source."""
        return str(self.csl.get("URL", ""))

    @property
    def accessed(self) -> bool:
        """Whether the entry records the day its web page was read (urldate)."""
        return "accessed" in self.csl

    @property
    def link(self) -> str:
        """Where a reader can find the source: its DOI, else its URL."""
        if doi := self.csl.get("DOI"):
            return f"https://doi.org/{doi}"
        return str(self.csl.get("URL", ""))


@dataclass(frozen=True)
class Compendium:
    root: Path
    claims: dict[str, Claim]
    evidence: dict[str, Evidence]
    charts: dict[str, Chart]
    topics: dict[str, Topic]
    timeline: tuple[TimelineEvent, ...]
    references: dict[str, Reference]
    backlinks: Backlinks
    redirects: dict[str, str] = field(default_factory=dict)  # old page path -> new page path
    glossary: dict[str, GlossaryTerm] = field(default_factory=dict)
    questions: tuple[Question, ...] = ()
    not_assessed: tuple[NotAssessed, ...] = ()
    series: dict[str, Series] = field(default_factory=dict)
    about: About = field(default_factory=About)
    licence: Licence | None = None  # None: the compendium states none, and its pages say so
    # Every rating of the scale (the claim schema's), in the words the compendium shows it in.
    verdicts: dict[str, Verdict] = field(default_factory=dict)

    def claims_by_prominence(self) -> list[Claim]:
        """The claims as lists show them: the most prominent first, then by title."""
        return sorted(self.claims.values(), key=lambda c: (c.prominence, c.title.casefold()))

"""The evidence on a claim as the claim page and the PDF list it: strongest first, a series' releases in one row.

The order is one rule, written on the method page ("The order of the evidence"), and this module is the one
place it is made: by certainty (high first), then independence of the programme (independent, unclear, not
independent), then design (in DESIGN_ORDER), then the source's year (newest first); the title breaks the
remaining ties, so that the order never depends on the order of a claim's file.

Evidence items that are releases of one series (series.yml) and bear the same way on the claim (the same
stance) are one row, placed where its strongest release would stand, with its releases in the order of the
periods they cover; the counts a page shows count such a row once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from compendium.model import Claim, Compendium, Evidence, EvidenceLink, Reference, Series

# Strongest first. The certainty grades are the method page's; CERTAINTY_VALUES (high 4 ... very low 1) is
# also the evidence index's sort key.
CERTAINTY_ORDER = ("high", "moderate", "low", "very-low")
CERTAINTY_VALUES = {c: len(CERTAINTY_ORDER) - i for i, c in enumerate(CERTAINTY_ORDER)}
INDEPENDENCE_ORDER = ("yes", "unclear", "no")
# The designs by the certainty the method page starts them at (high: reviews and trials; low: observational
# studies, service evaluations, official statistics and other analyses; very low: case series, commentary,
# journalism), and within that from the more to the less direct observation of outcomes.
DESIGN_ORDER = ("systematic-review", "rct", "cohort", "service-evaluation", "official-statistics",
                "economic-evaluation", "qualitative", "official-document", "case-series", "commentary",
                "journalism")
STANCE_ORDER = ("supports", "contradicts", "qualifies")


def source_year(item: Evidence, references: Mapping[str, Reference]) -> int | None:
    """The year the item's source was issued, where its reference gives one."""
    issued = references[item.source.ref].csl.get("issued", {}).get("date-parts", [[None]])[0][0]
    return int(issued) if issued else None


def strength_key(item: Evidence, year: int | None) -> tuple[int, int, int, int, str]:
    """The sort key of the rule above: smaller is stronger."""
    q = item.quality
    return (CERTAINTY_ORDER.index(q.certainty), INDEPENDENCE_ORDER.index(q.independent),
            DESIGN_ORDER.index(q.design), -(year or 0), item.title.casefold())


@dataclass(frozen=True)
class EvidenceEntry:
    """One evidence item as a claim lists it: the item, the claim's link to it (stance, note), its year."""

    item: Evidence
    link: EvidenceLink
    year: int | None


@dataclass(frozen=True)
class EvidenceRow:
    """One row of a claim's evidence: an item, or the releases of one series with the same stance."""

    stance: str
    entries: tuple[EvidenceEntry, ...]  # one; or a series' releases, in the order of their periods
    series: Series | None = None

    @property
    def first(self) -> EvidenceEntry:
        return self.entries[0]

    @property
    def releases(self) -> tuple[str, ...]:
        """The periods the series' releases cover, in order, each once (two items can come from one release)."""
        return tuple(dict.fromkeys(e.item.series.release for e in self.entries if e.item.series))

    def shared(self, attribute: str) -> str | None:
        """The quality attribute (design, certainty, independent) when every entry has the same, else None."""
        values = {getattr(e.item.quality, attribute) for e in self.entries}
        return values.pop() if len(values) == 1 else None

    @property
    def certainties(self) -> tuple[str, ...]:
        """The entries' certainties, strongest first, each once."""
        return tuple(c for c in CERTAINTY_ORDER if any(e.item.quality.certainty == c for e in self.entries))

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({e.year for e in self.entries if e.year}))


def evidence_rows(claim: Claim, compendium: Compendium) -> list[EvidenceRow]:
    """The claim's evidence as rows, strongest first."""
    entries = [EvidenceEntry(compendium.evidence[link.id], link,
                             source_year(compendium.evidence[link.id], compendium.references))
               for link in claim.evidence]
    entries.sort(key=lambda e: strength_key(e.item, e.year))
    grouped: dict[tuple[str, str], list[EvidenceEntry]] = {}
    for entry in entries:
        if entry.item.series and entry.item.series.id in compendium.series:
            grouped.setdefault((entry.item.series.id, entry.link.stance), []).append(entry)
    rows: list[EvidenceRow] = []
    placed: set[tuple[str, str]] = set()
    for entry in entries:
        key = (entry.item.series.id, entry.link.stance) if entry.item.series else ("", "")
        members = grouped.get(key, [])
        if len(members) < 2:
            rows.append(EvidenceRow(entry.link.stance, (entry,)))
        elif key not in placed:  # the series' row stands where its strongest release does
            placed.add(key)
            in_order = sorted(members, key=lambda e: (e.item.series.release if e.item.series else "", e.item.title))
            rows.append(EvidenceRow(entry.link.stance, tuple(in_order), compendium.series[key[0]]))
    return rows


def stance_counts(rows: list[EvidenceRow]) -> list[tuple[str, int]]:
    """How many rows (a series counted once) take each stance, in STANCE_ORDER."""
    return [(stance, sum(1 for r in rows if r.stance == stance)) for stance in STANCE_ORDER]

"""What changed in the record, newest first: every claim added, every change of verdict and every correction,
as a page event list and an Atom feed (so readers can follow changes without visiting)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from compendium.model import Claim, Compendium, Evidence
from compendium.settings import SiteSettings


@dataclass(frozen=True)
class Change:
    date: str
    page: str  # "claims/<id>" or "evidence/<id>"
    title: str
    kind: str  # "added", "verdict" (a change of verdict) or "correction" (any other change a reader would care about)
    note: str
    rating: str = ""  # for "added" and "verdict": the claim's verdict after the change
    previous: str | None = None  # for "verdict": the verdict before
    label: str = ""  # rating in the compendium's words
    previous_label: str = ""  # previous in the compendium's words
    number: int = 0  # tells apart two changes of one page on one day (in the feed's entry ids)

    @property
    def headline(self) -> str:
        """The change in a line, as the feed's entry title."""
        if self.kind == "added":
            return f"Claim added: {self.title} ({self.label})"
        if self.kind == "verdict":
            return f"Verdict changed: {self.title}: {self.previous_label} to {self.label}"
        return f"Correction: {self.title}"


def changes(compendium: Compendium) -> list[Change]:
    """Every claim added, every change of verdict and every correction of a claim or evidence item, newest first."""
    found = []
    for claim in compendium.claims.values():
        page = f"claims/{claim.id}"
        previous: str | None = None
        for i, entry in enumerate(claim.history):
            found.append(Change(entry.date, page, claim.title, "added" if i == 0 else "verdict", entry.note,
                                entry.rating, previous, compendium.verdicts[entry.rating].label,
                                compendium.verdicts[previous].label if previous else "", i))
            previous = entry.rating
    items: list[tuple[str, Claim | Evidence]] = [("claims", c) for c in compendium.claims.values()]
    items.extend(("evidence", e) for e in compendium.evidence.values())
    for folder, item in items:
        found.extend(Change(c.date, f"{folder}/{item.id}", item.title, "correction", c.note, number=i)
                     for i, c in enumerate(item.corrections))
    order = {"correction": 0, "verdict": 1, "added": 2}  # on one day: the later kinds of change first
    return sorted(found, key=lambda c: (c.date, -order[c.kind], c.page, c.number), reverse=True)


def atom_feed(items: list[Change], settings: SiteSettings) -> str:
    """An Atom feed of the changes. Its dates are the record's own, so the same record gives the same feed."""
    base = settings.site_url or "/"
    updated = f"{items[0].date}T00:00:00Z" if items else "1970-01-01T00:00:00Z"
    entries = []
    for change in items:
        url = settings.page_url(change.page)
        entries.append(
            f"  <entry>\n    <title>{escape(change.headline)}</title>\n    <link href={quoteattr(url)}/>\n"
            f"    <id>{escape(url)}#{change.date}-{change.kind}-{change.number}</id>\n"
            f"    <updated>{change.date}T00:00:00Z</updated>\n"
            f"    <summary>{escape(change.note)}</summary>\n  </entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <title>{escape(settings.site_name)}: changes</title>\n"
        f"  <link href={quoteattr(base + 'changelog/')}/>\n  <link rel=\"self\" href={quoteattr(base + 'feed.xml')}/>\n"
        f"  <id>{escape(base)}changelog/</id>\n  <updated>{updated}</updated>\n"
        f"  <author><name>{escape(settings.site_name)}</name></author>\n" + "\n".join(entries) + "\n</feed>\n")

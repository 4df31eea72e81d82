"""What changed in the record, newest first: every claim added and every change of verdict, as a page
event list and an Atom feed (so readers can follow changes without visiting)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from compendium.model import Compendium
from compendium.settings import SiteSettings
from compendium.wording import rating_label


@dataclass(frozen=True)
class Change:
    date: str
    claim_id: str
    title: str
    kind: str  # "added" or "verdict"
    rating: str
    previous: str | None
    note: str


def changes(compendium: Compendium) -> list[Change]:
    found = []
    for claim in compendium.claims.values():
        previous: str | None = None
        for i, entry in enumerate(claim.history):
            found.append(Change(entry.date, claim.id, claim.title, "added" if i == 0 else "verdict", entry.rating,
                                previous, entry.note))
            previous = entry.rating
    return sorted(found, key=lambda c: (c.date, c.kind == "verdict", c.claim_id), reverse=True)


def atom_feed(items: list[Change], settings: SiteSettings) -> str:
    """An Atom feed of the changes. Its dates are the record's own, so the same record gives the same feed."""
    base = settings.site_url or "/"
    updated = f"{items[0].date}T00:00:00Z" if items else "1970-01-01T00:00:00Z"
    entries = []
    for change in items:
        url = settings.page_url(f"claims/{change.claim_id}")
        if change.kind == "added":
            title = f"Claim added: {change.title} ({rating_label(change.rating)})"
        else:
            title = (f"Verdict changed: {change.title}: {rating_label(change.previous or '')} to "
                     f"{rating_label(change.rating)}")
        entries.append(
            f"  <entry>\n    <title>{escape(title)}</title>\n    <link href={quoteattr(url)}/>\n"
            f"    <id>{escape(url)}#{change.date}-{change.kind}</id>\n"
            f"    <updated>{change.date}T00:00:00Z</updated>\n"
            f"    <summary>{escape(change.note)}</summary>\n  </entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <title>{escape(settings.site_name)}: changes</title>\n"
        f"  <link href={quoteattr(base + 'changelog/')}/>\n  <link rel=\"self\" href={quoteattr(base + 'feed.xml')}/>\n"
        f"  <id>{escape(base)}changelog/</id>\n  <updated>{updated}</updated>\n"
        f"  <author><name>{escape(settings.site_name)}</name></author>\n" + "\n".join(entries) + "\n</feed>\n")

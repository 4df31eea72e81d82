"""The PDF edition's content: the print document as data (JSON), which the Typst template lays out.

Written for paper from the same model as the web pages, not a print of them: paper needs page numbers
where the web has links ("E12 ... (see p. 34)"), addresses written out in full, one running order with
contents and running headers, and a summary a busy reader can take away. The order:

    cover (title, edition, how to cite) · contents and how to read this edition · summary (what the
    compendium is, how to read a verdict, the main findings) · verdicts at a glance (every claim) ·
    claims, most prominent first, each on a new page with its "In short" box first · glossary ·
    evidence · timeline · method · references

Every value here is a plain string (or a number, or a list of "runs": strings marked bold, italic or a
link). The template (pdf/compendium.typ) shows each string as text: contributor text never
becomes Typst markup, whatever characters it holds. Cross-references name their target by anchor
(claim-x, evidence-y, ref-z, method-verdicts ...), a label in the Typst document; Typst finds its page.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from compendium.anchors import reference_anchor
from compendium.bibliography import CACHE as REFERENCES_CACHE
from compendium.bibliography import STYLE_NAME, format_references, short_citation
from compendium.edition import Edition
from compendium.evidence_table import EvidenceRow, evidence_rows, stance_counts
from compendium.figurelinks import FigureLink, LinkedText, finding_anchor
from compendium.model import Chart, Citation, Claim, Compendium, Evidence, Figure, Reference
from compendium.pdf.method import Method, Run, read_method
from compendium.schemas import schema
from compendium.settings import SiteSettings
from compendium.text import BIDI_AND_INVISIBLE
from compendium.text import plain_paragraphs as paragraphs
from compendium.units import format_number
from compendium.wording import (
    CERTAINTY,
    CERTAINTY_MEANINGS,
    DESIGNS,
    INDEPENDENCE,
    INDEPENDENT_SHORT,
    SIDE_GROUPS,
    SIDES,
    STANCE_LABELS,
    STANCE_WORDS,
    VERIFICATION,
    figure_value,
    releases_phrase,
)

PAPERS = {"a4": "a4", "letter": "us-letter"}  # --paper choice -> Typst's paper name
LANGUAGE = "en-GB"
# The method page's words for each grade of certainty (its "Grading the evidence" table): the schema's.
CERTAINTIES = CERTAINTY_MEANINGS
# Evidence items a run of pages holds: the evidence section starts a new page after so many, so that
# Typst can lay the runs out in parallel (a run a core).
EVIDENCE_RUN = 20
RUNNING_TITLE = 80  # characters of an item's title in the running header
_URL = re.compile(r"https?://[^\s<>\"]+")


@dataclass(frozen=True)
class Cover:
    """What the cover says about this printing: which compendium, which edition, how to cite it."""

    title: str
    description: str
    edition: Edition  # the data's commit and its date (edition.py), as the site's footer gives it
    printed: datetime.date  # the day this PDF was made
    url: str  # where the compendium is published: site_url, else repo_url, else ''
    site_url: str  # the website, where pages left out of the PDF (such as Contributing) can be read
    licence: str

    @property
    def printed_text(self) -> str:
        return long_date(self.printed.isoformat())

    @property
    def edition_text(self) -> str:
        """'24 November 2026, commit 1e9e848a12', as the cover and the running footer give it."""
        if not self.edition.commit:
            return f"{long_date(self.edition.date)} (not from a git checkout)"
        commit = self.edition.commit.replace("+changes", " with uncommitted changes")
        return f"{long_date(self.edition.date)}, commit {commit}"

    @property
    def timestamp(self) -> int:
        """The PDF's creation date, in seconds since 1970: SOURCE_DATE_EPOCH (the edition's commit, as the
        build sets it), else the start of the day printed; so one edition gives the same bytes."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        if epoch.isdigit():
            return int(epoch)
        return int(datetime.datetime.combine(self.printed, datetime.time(), datetime.UTC).timestamp())


def long_date(iso: str) -> str:
    """2026-11-24 -> 24 November 2026; anything else as it is."""
    try:
        day = datetime.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def build_date() -> datetime.date:
    """Today, or the date of SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.date.today()


def read_cover(settings: SiteSettings, edition: Edition, printed: datetime.date | None = None) -> Cover:
    """The cover's facts: the site's title, description, address and licence, with the edition."""
    site_url = settings.site_url.rstrip("/")
    return Cover(title=settings.site_name, description=settings.site_description, edition=edition,
                 printed=printed or build_date(), url=site_url or settings.repo_url, site_url=site_url,
                 licence=settings.licence)


# --- Text ---

def to_json(document: dict[str, Any]) -> str:
    """The print document as the JSON the template reads, without invisible or direction-changing
    characters (which a text field may hold, and which would reorder or hide what is printed)."""
    return BIDI_AND_INVISIBLE.sub("", json.dumps(document, ensure_ascii=False, separators=(",", ":")))


def one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def first_sentence(value: str | None) -> str:
    """The first sentence of a conclusion, for the table of every claim (the whole of it when it is one)."""
    text = one_line(value)
    match = re.match(r"(.+?[.!?])\s+(?=[A-Z0-9“‘\"'(])", text)
    return match.group(1) if match else text


def truncate(value: str, length: int = RUNNING_TITLE) -> str:
    text = one_line(value)
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def external_runs(text: str, style: dict[str, Any] | None = None) -> list[Run]:
    """Text with its web addresses made links (only http and https)."""
    style = style or {}
    runs: list[Run] = []
    at = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;)")
        if at < match.start():
            runs.append({"text": text[at:match.start()], **style})
        runs.append({"text": url, "url": url, **style})
        at = match.start() + len(url)
    if at < len(text):
        runs.append({"text": text[at:], **style})
    return runs


class _Formatted(HTMLParser):
    """citeproc's HTML for one reference (escaped text, <i>, <b>) as runs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[Run] = []
        self.style: dict[str, Any] = {}
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)
        self._restyle()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag)]
        self._restyle()

    def _restyle(self) -> None:
        self.style = {}
        if {"i", "em"} & set(self.open):
            self.style["emph"] = True
        if {"b", "strong"} & set(self.open):
            self.style["strong"] = True

    def handle_data(self, data: str) -> None:
        self.runs.extend(external_runs(re.sub(r"\s+", " ", data), self.style))


def reference_runs(formatted_html: str) -> list[Run]:
    parser = _Formatted()
    parser.feed(formatted_html)
    parser.close()
    return parser.runs


# --- The parts of the document ---

def _anchor(kind: str, item_id: str) -> str:
    return f"{kind}-{item_id}"


def finding_label(evidence_id: str, finding_id: str) -> str:
    """A finding's label in the document: its item's, '--' (which no id holds), and its anchor on the web."""
    return f"{_anchor('evidence', evidence_id)}--{finding_anchor(finding_id)}"


def linked_paragraphs(text: LinkedText | None) -> list[list[Run]]:
    """Paragraphs of runs: the text's words, and each linked figure as a link to its finding ("finding")."""
    if text is None:
        return []
    return [[{"text": p.figure, "finding": finding_label(p.evidence, p.finding)} if isinstance(p, FigureLink)
             else {"text": p} for p in paragraph] for paragraph in text.paragraphs()]


class _Builder:
    def __init__(self, compendium: Compendium, cover: Cover) -> None:
        self.compendium, self.cover = compendium, cover
        self.claims = compendium.claims_by_prominence()
        self.claim_labels = {c.id: f"C{i}" for i, c in enumerate(self.claims, 1)}
        self.evidence_labels = {e: f"E{i}" for i, e in enumerate(compendium.evidence, 1)}
        ratings = schema("claim")["$defs"]["rating"]
        self.rating_order = sorted(ratings["x-rating-values"], key=lambda r: -ratings["x-rating-values"][r])
        self.chart_homes = self._chart_homes()
        self.method_anchors: set[str] = set()

    # --- small pieces ---

    def cite(self, key: str) -> dict[str, str]:
        ref: Reference = self.compendium.references[key]
        return {"anchor": reference_anchor(ref.key), "short": short_citation(ref)}

    def citation(self, c: Citation) -> dict[str, Any]:
        return {"quote": paragraphs(c.quote), **self.cite(c.ref), "locator": one_line(c.locator),
                "check": VERIFICATION.get(c.verification, c.verification) if c.verification != "verified" else "",
                "note": paragraphs(c.note)}

    def method_anchor(self, anchor: str) -> str:
        """The method page's anchor, when the PDF has it ('' when not: the words are then shown unlinked)."""
        return f"method-{anchor}" if f"method-{anchor}" in self.method_anchors else ""

    def claim_ref(self, claim_id: str) -> dict[str, str]:
        claim = self.compendium.claims[claim_id]
        return {"anchor": _anchor("claim", claim_id), "label": self.claim_labels[claim_id],
                "title": one_line(claim.title)}

    def evidence_ref(self, evidence_id: str) -> dict[str, str]:
        item = self.compendium.evidence[evidence_id]
        return {"anchor": _anchor("evidence", evidence_id), "label": self.evidence_labels[evidence_id],
                "title": one_line(item.title)}

    def figure_rows(self, f: Figure) -> list[list[str]]:
        rows = [["What it counts", one_line(f.definition)]]
        if f.numerator is not None and f.denominator is not None:
            rows.append(["Numerator / denominator", f"{format_number(f.numerator)} / {format_number(f.denominator)}"])
        if f.n is not None:
            rows.append(["Based on", f"{format_number(f.n)} people"])
        for name, value in (("Population", f.population), ("Period", f.period), ("Measure", f.measure),
                            ("Where in the source", f.locator)):
            if value:
                rows.append([name, one_line(value)])
        if f.quote:
            rows.append(["Source’s words", f"“{one_line(f.quote)}”"])
        if f.verification:
            rows.append(["Checked", VERIFICATION.get(f.verification, f.verification)])
        if f.computed:
            rows.append(["Computed here", one_line(f.computed)])
        return rows

    def figure(self, f: Figure) -> dict[str, Any]:
        return {"label": one_line(f.label), "value": figure_value(f), "rows": self.figure_rows(f)}

    def _chart_homes(self) -> dict[str, str]:
        """Where each chart is drawn: the first claim (in the printed order), else evidence item, showing it."""
        homes: dict[str, str] = {}
        for claim in self.claims:
            for chart_id in claim.charts:
                homes.setdefault(chart_id, _anchor("claim", claim.id))
        for item in self.compendium.evidence.values():
            for chart_id in item.charts:
                homes.setdefault(chart_id, _anchor("evidence", item.id))
        return homes

    def chart(self, chart_id: str, here: str) -> dict[str, Any]:
        """A chart is drawn once, with the first claim (or else evidence item) that shows it; the others
        point to it, as a printed book would."""
        chart: Chart = self.compendium.charts[chart_id]
        shown = {"anchor": _anchor("chart", chart_id), "title": one_line(chart.title),
                 "caption": one_line(chart.caption), "home": self.chart_homes.get(chart_id) == here}
        if shown["home"]:
            sources = list(dict.fromkeys(p.evidence for s in chart.series for p in s.points))
            shown.update(file=f"{chart_id}.svg", alt=one_line(chart.alt),
                         sources=[self.evidence_ref(e) for e in sources])
        return shown

    def corrections(self, corrections: Iterable[Any]) -> list[list[str]]:
        return [[c.date, one_line(c.note)] for c in reversed(list(corrections))]

    # --- claims ---

    def claim(self, claim: Claim) -> dict[str, Any]:
        label = self.claim_labels[claim.id]
        here = _anchor("claim", claim.id)
        rows = evidence_rows(claim, self.compendium)  # strongest first, as on the claim's web page
        counts = ", ".join(f"{count} {STANCE_WORDS[stance]}" for stance, count in stance_counts(rows)) + \
            ", counting a series of releases once"
        return {
            "anchor": here, "label": label, "title": one_line(claim.title),
            "running": f"{label} · {truncate(claim.title)}",
            "statement": paragraphs(claim.statement), "claimant": one_line(claim.claimant),
            "role": one_line(claim.claimant_role), "date": claim.date,
            "side": claim.side or "other", "side_label": SIDES.get(claim.side or "other", ""),
            "rating": claim.rating, "rating_label": self.compendium.verdicts[claim.rating].label,
            "rating_description": self.compendium.verdicts[claim.rating].meaning,
            "certainty": claim.certainty or "", "certainty_label": CERTAINTY.get(claim.certainty or "", ""),
            "conclusion": linked_paragraphs(claim.conclusion),
            "conclusion_line": first_sentence(claim.conclusion.plain if claim.conclusion else None),
            "figure": self.figure(claim.figure) if claim.figure else None,
            "topics": ", ".join(one_line(self.compendium.topics[t].title) for t in claim.topics),
            "evidence_counts": counts,
            "source": self.citation(claim.source),
            "rationale": linked_paragraphs(claim.rationale),
            "evidence": [self._evidence_row(row) for row in rows],
            "charts": [self.chart(chart_id, here) for chart_id in claim.charts],
            "also": [self.citation(c) for c in claim.also_made_in],
            "responses": [{"date": r.date, "note": paragraphs(r.note), "source": self.citation(r.source)}
                          for r in claim.responses],
            "history": [[h.date, self.compendium.verdicts[h.rating].label, one_line(h.note)]
                        for h in reversed(claim.history)],
            "corrections": self.corrections(claim.corrections),
            "file": claim.file,
        }

    def _evidence_row(self, row: EvidenceRow) -> dict[str, Any]:
        """A row of a claim's evidence: one item, or a series' releases (each with its own note)."""
        items = [{**self.evidence_ref(e.item.id), "about": self._evidence_about(e.item.id),
                  "release": e.item.series.release if row.series and e.item.series else "",
                  "note": one_line(e.link.note)} for e in row.entries]
        return {"stance": STANCE_LABELS[row.stance], "items": items,
                "series": one_line(row.series.title) if row.series else "",
                "releases": releases_phrase(row.releases, row.series.frequency) if row.series else ""}

    def _evidence_about(self, evidence_id: str) -> str:
        q = self.compendium.evidence[evidence_id].quality
        return (f"{DESIGNS.get(q.design, q.design)}, {CERTAINTY[q.certainty]} certainty, "
                f"{INDEPENDENCE.get(q.independent, q.independent)}.")

    # --- evidence ---

    def evidence(self, item: Evidence) -> dict[str, Any]:
        label = self.evidence_labels[item.id]
        here = _anchor("evidence", item.id)
        q = item.quality
        quality = [["Design", DESIGNS.get(q.design, q.design)]]
        if q.sample_size is not None:
            quality.append(["Sample size", format_number(q.sample_size)])
        if q.outcome_measure:
            quality.append(["Outcome measure", one_line(q.outcome_measure)])
        quality += [["Independent of the programme", INDEPENDENT_SHORT[q.independent]],
                    ["Peer reviewed", "yes" if q.peer_reviewed else "no"],
                    ["Certainty", CERTAINTY[q.certainty]]]
        if q.conflicts_of_interest:
            quality.append(["Conflicts of interest", one_line(q.conflicts_of_interest)])
        used_by = []
        for claim_id in sorted(self.compendium.backlinks.claims_by_evidence.get(item.id, ()),
                               key=lambda c: int(self.claim_labels[c][1:])):
            stance = next(link.stance for link in self.compendium.claims[claim_id].evidence if link.id == item.id)
            used_by.append({**self.claim_ref(claim_id), "stance": stance})
        return {
            "anchor": here, "label": label, "title": one_line(item.title),
            "running": f"{label} · {truncate(item.title)}",
            "certainty": q.certainty, "certainty_label": CERTAINTY[q.certainty],
            "design": DESIGNS.get(q.design, q.design),
            "topics": ", ".join(one_line(self.compendium.topics[t].title) for t in item.topics),
            "source": self.citation(item.source), "summary": linked_paragraphs(item.summary),
            "findings": [{**self.figure(f), "anchor": finding_label(item.id, f.id) if f.id else ""}
                         for f in item.findings], "quality": quality,
            "limitations": [one_line(limitation) for limitation in q.limitations],
            "charts": [self.chart(chart_id, here) for chart_id in item.charts],
            "used_by": used_by, "corrections": self.corrections(item.corrections), "file": item.file,
        }

    # --- the rest ---

    def timeline(self) -> list[dict[str, Any]]:
        return [{"date": e.date, "title": one_line(e.title), "text": paragraphs(e.text),
                 "source": self.citation(e.source),
                 "related": [{"anchor": _anchor("claim", c), "label": self.claim_labels[c]} for c in e.claims]
                 + [{"anchor": _anchor("evidence", x), "label": self.evidence_labels[x]} for x in e.evidence]}
                for e in self.compendium.timeline]

    def glossary(self) -> list[dict[str, Any]]:
        terms = sorted(self.compendium.glossary.values(), key=lambda t: t.term.casefold())
        return [{"anchor": f"glossary-{t.id}", "term": one_line(t.term), "expansion": one_line(t.expansion),
                 "definition": paragraphs(t.definition),
                 "source": self.citation(t.source) if t.source else None} for t in terms]

    def references(self, has_timeline: bool) -> list[dict[str, Any]]:
        compendium = self.compendium
        formatted = format_references(compendium.references, compendium.root / REFERENCES_CACHE)
        citers: dict[str, dict[str, str]] = {f"claims/{c}": {"anchor": _anchor("claim", c), "label": label}
                                             for c, label in self.claim_labels.items()}
        citers.update({f"evidence/{e}": {"anchor": _anchor("evidence", e), "label": label}
                       for e, label in self.evidence_labels.items()})
        if has_timeline:
            citers["timeline"] = {"anchor": "timeline", "label": "Timeline"}
        if compendium.glossary:
            citers["glossary"] = {"anchor": "glossary", "label": "Glossary"}
        found = []
        for key, html in formatted.items():
            ref = compendium.references[key]
            notes = []
            if ref.url and not ref.accessed:
                notes.append("Not yet checked against the live source: no date of access is recorded for this "
                             "web page.")
            if ref.offline:
                notes.append(f"No online copy known: {one_line(ref.offline)}")
            if ref.unverified:
                notes.append(f"Not confirmed from a public copy: {one_line(ref.unverified)}")
            pages = compendium.backlinks.citers_by_reference.get(key, ())
            # Claims first, then evidence items (each in label order), then the timeline and glossary.
            cited_by = sorted((citers[page] for page in pages if page in citers), key=_label_order)
            found.append({"anchor": reference_anchor(ref.key), "short": short_citation(ref),
                          "text": reference_runs(html),
                          "archive": ref.archive_url if _URL.fullmatch(ref.archive_url or "") else "",
                          "notes": notes, "cited_by": cited_by})
        return found

    def summary(self) -> dict[str, Any]:
        claims = self.claims
        sides = [(side, label.removeprefix("Its ").capitalize()) for side, label in SIDE_GROUPS
                 if any((c.side or "other") == side for c in claims)]
        counts = {r: {side: 0 for side, _ in sides} for r in self.rating_order}
        for claim in claims:
            counts[claim.rating][claim.side or "other"] += 1
        rows = [[self.compendium.verdicts[r].label, r, *[counts[r][side] for side, _ in sides], sum(counts[r].values())]
                for r in self.rating_order]
        by_side = [sum(1 for c in claims if (c.side or "other") == side) for side, _ in sides]
        headlines = [c for c in claims if c.prominence <= 2] or claims[:6]
        who = {"proponent": "the programme’s proponents (those who run it, designed it or speak for it)",
               "critic": "its critics", "other": "others"}
        named = [who[side] for side, _ in sides]
        return {
            "sides": [label for _, label in sides], "rows": rows, "totals": [*by_side, len(claims)],
            "who": ", ".join(named[:-1]) + (" and " if len(named) > 1 else "") + named[-1] if named else "",
            "headlines": [c.id for c in headlines],
            "ratings": [{"id": r, "label": self.compendium.verdicts[r].label,
                         "description": self.compendium.verdicts[r].meaning}
                        for r in self.rating_order],
            "certainties": [{"id": c, "label": c.replace("-", " ").capitalize(), "meaning": meaning}
                            for c, meaning in CERTAINTIES.items()],
        }


def _label_order(ref: dict[str, str]) -> tuple[int, int]:
    label = ref["label"]
    kind = {"C": 0, "E": 1}.get(label[:1], 2) if label[1:].isdigit() else 2
    return kind, int(label[1:]) if kind < 2 else 0


def _targets(compendium: Compendium, has_timeline: bool) -> dict[str, str]:
    """The site's pages, as the method page links to them, and their anchors in this document."""
    targets = {"index.md": "contents", "claims/index.md": "claims", "evidence/index.md": "evidence",
               "references.md": "references"}
    if has_timeline:
        targets["timeline.md"] = "timeline"
    if compendium.glossary:
        targets["glossary.md"] = "glossary"
    targets.update({f"claims/{c}.md": _anchor("claim", c) for c in compendium.claims})
    targets.update({f"evidence/{e}.md": _anchor("evidence", e) for e in compendium.evidence})
    targets.update({f"references.md#{reference_anchor(r)}": reference_anchor(r) for r in compendium.references})
    return targets


def print_document(compendium: Compendium, cover: Cover, paper: str = "a4") -> dict[str, Any]:
    """The whole print document as data for the Typst template (to_json gives the JSON it reads)."""
    builder = _Builder(compendium, cover)
    has_timeline = bool(compendium.timeline)
    method = read_method(compendium.root / "docs" / "method.md", _targets(compendium, has_timeline), cover.site_url)
    if method is not None:
        builder.method_anchors = {"method", *(anchor for _, anchor, _ in method.headings)}
    claims = builder.claims
    sections = _sections(compendium, has_timeline, method)
    claim_items = [builder.claim(c) for c in claims]
    evidence_items = [builder.evidence(e) for e in compendium.evidence.values()]
    # The list of charts, in the order they are drawn (each with the first claim, or evidence item, showing it).
    drawn = [chart for item in [*claim_items, *evidence_items] for chart in item["charts"] if chart["home"]]
    marks, count = _marks(sections, claim_items, evidence_items)
    # How many digits the page numbers have, about (a first guess while Typst lays the pages out).
    pages = 5 + 2 * len(claims) + len(compendium.evidence) + len(compendium.references) // 8
    return {
        "language": LANGUAGE, "paper": PAPERS[paper],
        "cover": _cover(compendium, cover, claims[0] if claims else None),
        "counts": {"claims": len(compendium.claims), "evidence": len(compendium.evidence),
                   "references": len(compendium.references)},
        "style": STYLE_NAME,
        "sections": [{"anchor": anchor, "title": title} for anchor, title in sections],
        "charts": [{"anchor": chart["anchor"], "title": chart["title"]} for chart in drawn],
        "method_links": {name: builder.method_anchor(name) for name in
                         ("verdicts", "certainty", "evidence-order", "right-of-reply", "corrections")},
        "summary": builder.summary(),
        "claims": claim_items,
        "glossary": builder.glossary(),
        "evidence": evidence_items,
        "timeline": builder.timeline(),
        "method": None if method is None else {
            "title": method.title, "blocks": method.blocks,
            "headings": [{"level": level, "anchor": anchor, "text": text} for level, anchor, text in method.headings]},
        "references": builder.references(has_timeline),
        "marks": marks, "mark_count": count,
        "digits": len(str(pages)), "run": EVIDENCE_RUN,
    }


def _sections(compendium: Compendium, has_timeline: bool, method: Method | None) -> list[tuple[str, str]]:
    """The document's sections in printed order, as (anchor, title): those with nothing to print left out."""
    sections = [("summary", "Summary"), ("at-a-glance", "Verdicts at a glance"), ("claims", "Claims")]
    if compendium.glossary:
        sections.append(("glossary", "Glossary"))
    sections.append(("evidence", "Evidence"))
    if has_timeline:
        sections.append(("timeline", "Timeline"))
    if method is not None:
        sections.append(("method", method.title))
    sections.append(("references", "References"))
    return sections


def _marks(sections: list[tuple[str, str]], claim_items: list[dict[str, Any]],
           evidence_items: list[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], int]:
    """The running header's marks, numbered in printed order (the template finds them by number), and how many
    there are. Each claim and evidence item's running text moves into its mark."""
    marks: dict[str, dict[str, Any]] = {"contents": {"mark": 1, "section": "Contents", "item": ""}}
    count = 1
    for anchor, title in sections:
        count += 1
        marks[anchor] = {"mark": count, "section": title, "item": ""}
        for item in {"claims": claim_items, "evidence": evidence_items}.get(anchor, []):
            count += 1
            item["mark"] = {"mark": count, "section": title, "item": item.pop("running")}
    return marks, count


def _cover(compendium: Compendium, cover: Cover, first: Claim | None) -> dict[str, str]:
    """The cover's text; its example of a citation names the first claim."""
    return {
        "title": cover.title, "description": cover.description, "edition": cover.edition_text,
        "year": cover.edition.date[:4], "printed": cover.printed_text, "url": cover.url,
        # mkdocs.yml's copyright line, as the site's footer gives it; else the licence the compendium states.
        "licence": cover.licence or (f"Text and data: {one_line(compendium.licence.name)}"
                                     if compendium.licence else ""),
        "contents": f"{len(compendium.claims)} claims, {len(compendium.evidence)} evidence items, "
                    f"{len(compendium.charts)} charts, {len(compendium.references)} sources",
        "example": f"claim C1, {one_line(first.title)}" if first else "claim C1, …",
    }

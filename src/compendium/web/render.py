"""Stage 4, render pages: the model through jinja2 templates into Markdown under docs/.

Generated pages are plain Markdown that MkDocs (or its successor, Zensical) reads like hand-written
ones. A page is written only when its text changed, so a rebuild with no change touches nothing and
MkDocs' file watcher sees only real changes. Files generated before but not now are removed.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from markupsafe import Markup

from compendium.anchors import reference_anchor
from compendium.bibliography import CACHE as REFERENCES_CACHE
from compendium.bibliography import STYLE_NAME, format_references, link_urls, short_citation
from compendium.chartdata import PlottedPoint, plotted_points, value_label
from compendium.edition import Edition
from compendium.evidence_table import CERTAINTY_VALUES, EvidenceRow, evidence_rows, source_year, stance_counts
from compendium.figurelinks import EXAMPLE as FIGURE_LINK_EXAMPLE
from compendium.figurelinks import FIGURE_CHARS, FigureLink, LinkedText, finding_anchor
from compendium.files import WriteStats, read_regular, write_file
from compendium.model import Chart, Claim, Compendium, Evidence
from compendium.paths import ASSETS, CONFIG_FILE, INCLUDES, MANIFEST, NOT_ASSESSED_PAGE, SINGLE_FILES
from compendium.schemas import schema
from compendium.settings import SiteSettings
from compendium.text import escape_block, escape_inline, finalize
from compendium.units import format_number
from compendium.web import changelog
from compendium.web.cite import CACHE as PAGE_CITATION_CACHE
from compendium.web.cite import PageCiter
from compendium.web.claimreview import claim_review
from compendium.web.export import export_files
from compendium.web.fieldref import field_sections
from compendium.web.searchmeta import add_search, front_matter_value
from compendium.web.sharemeta import add_sharing
from compendium.web.terms import TermLinker
from compendium.wording import (
    CERTAINTY,
    CERTAINTY_SYMBOLS,
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


def _environment(compendium: Compendium, linker: TermLinker) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("compendium.web", "templates"),
        # finalize escapes every value for Markdown and HTML at once and marks it safe, so autoescape
        # (which then only makes macros return safe text) never escapes twice.
        autoescape=True, finalize=finalize, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # tojson writes front matter: as JSON that YAML reads as it is (see searchmeta.front_matter_value).
    env.policies["json.dumps_function"] = front_matter_value
    def cite(key: str, base: str) -> Markup:
        ref = compendium.references[key]
        return Markup(f"[{escape_inline(short_citation(ref))}]({base}references.md#{reference_anchor(ref.key)})")

    def verdict_badge(rating: str, base: str) -> Markup:
        # The compendium's words for the verdict (rating is the schema's, so a safe anchor and class name).
        verdict = compendium.verdicts[rating]
        title = escape_inline(verdict.meaning)
        return Markup(f'[{escape_inline(verdict.label)}]({base}method.md#verdict-{rating} "{title}")'
                      f"{{ .cx-verdict .cx-verdict--{rating} }}")

    def certainty_badge(certainty: str, base: str) -> Markup:
        return Markup(f"[Certainty: {escape_inline(CERTAINTY[certainty])}]({base}method.md#certainty)"
                      f"{{ .cx-certainty .cx-certainty--{certainty} }}")

    def figure_link(link: FigureLink, base: str) -> Markup:
        # The figure, linked to its finding on the evidence page, where its label and source's words stand.
        # No title or class: a claim page can hold dozens of these, and a phone shows no tooltip.
        return Markup(f"[{escape_inline(link.figure)}]({base}evidence/{link.evidence}.md#{link.anchor})")

    def linked(text: LinkedText, base: str) -> Markup:
        """Reader text as escaped Markdown paragraphs, its terms explained and its figures linked."""
        return text.markdown(lambda link: figure_link(link, base), lambda escaped: linker(escaped, base))

    env.filters.update(
        linked=linked, finding_anchor=lambda finding_id: Markup(finding_anchor(finding_id)),
        reference_anchor=lambda key: Markup(reference_anchor(key)),
        block=lambda value, prefix="": escape_block(value, prefix),
        cite=cite, verdict_badge=verdict_badge, certainty_badge=certainty_badge, chart_value=value_label,
        short_cite=lambda key: short_citation(compendium.references[key]),
        rating_label=lambda rating: compendium.verdicts[rating].label, number=format_number,
        preformatted=lambda v: Markup.escape(str(v)),
        figure_value=figure_value, linkify=lambda html: Markup(link_urls(html)),
        verification=VERIFICATION.__getitem__, independence=INDEPENDENCE.__getitem__,
        design=lambda v: DESIGNS.get(v, v), stance_word=STANCE_WORDS.__getitem__,
        certainty=CERTAINTY.__getitem__, side_label=SIDES.__getitem__,
        certainty_symbols=CERTAINTY_SYMBOLS.__getitem__, independent_short=INDEPENDENT_SHORT.__getitem__,
        stance_label=STANCE_LABELS.__getitem__, series_anchor=lambda claim_id: Markup(f"claim-{claim_id}"),
        releases=lambda row, series=None: releases_phrase(row.releases, (row.series or series).frequency
                                                          if row.series or series else None),
        explain=lambda text, base: linker(escape_inline(text) if not isinstance(text, Markup) else text, base),
    )
    return env


def render_pages(compendium: Compendium, settings: SiteSettings, edition: Edition) -> dict[str, str | bytes]:
    """Every generated page, by path under docs/."""
    linker = TermLinker(compendium.glossary)
    env = _environment(compendium, linker)
    citer = PageCiter(settings, edition, compendium.root / PAGE_CITATION_CACHE)
    chart_points = {c.id: plotted_points(c, compendium) for c in compendium.charts.values()}
    common: dict[str, Any] = {
        "claims": compendium.claims, "evidence": compendium.evidence, "charts": compendium.charts,
        "topics": compendium.topics, "backlinks": compendium.backlinks, "chart_points": chart_points,
        "claims_in_order": compendium.claims_by_prominence(),
        "not_assessed": compendium.not_assessed, "series": compendium.series,
    }

    def render(template: str, **context: Any) -> str:
        linker.start_page()  # each page explains a term the first time it uses it
        return env.get_template(template).render(**common, **context)

    # Each kind of page in turn, in a fixed order (the dict's, in which write_pages writes them); search labels
    # and sharing metadata are added once every Markdown page is made, and before the data files.
    pages: dict[str, str | bytes] = {}
    pages.update(_item_pages(render, compendium, settings, citer))
    pages.update(_index_and_topic_pages(render, compendium, settings))
    page_titles = _page_titles(compendium)
    pages.update(_single_pages(render, compendium, settings, page_titles))
    pages.update(_chart_pages(render, compendium, settings, citer, chart_points, page_titles))
    pages.update(_record_pages(render, compendium, settings, citer))
    pages.update(_home_parts(render, compendium))
    add_search(pages, compendium)  # before the data files: only the Markdown pages are labelled
    add_sharing(pages, compendium, settings)
    pages.update(export_files(compendium, settings, edition))
    for old, new in compendium.redirects.items():
        pages[f"{old}/index.html"] = _redirect_page(new.split("/", 1)[1], settings.page_url(new))
    for name in ("compendium.css", "indexes.js"):
        pages[f"{ASSETS}/{name}"] = resources.files("compendium.web").joinpath(f"assets/{name}").read_text("utf-8")
    return pages


def _item_pages(render: Callable[..., str], compendium: Compendium, settings: SiteSettings,
                citer: PageCiter) -> dict[str, str]:
    """A page for each claim, evidence item and series of releases."""
    pages = {}
    for claim in compendium.claims.values():
        rows = evidence_rows(claim, compendium)
        pages[f"claims/{claim.id}.md"] = render(
            "claim.md.j2", claim=claim, edit_url=settings.edit_url(claim.file) or None,
            evidence_rows=rows, stance_counts=stance_counts(rows),
            jsonld=claim_review(claim, compendium.references[claim.source.ref], settings,
                                compendium.verdicts[claim.rating].label),
            citation=citer.cite(f"claims/{claim.id}", claim.title))
    for item in compendium.evidence.values():
        pages[f"evidence/{item.id}.md"] = render(
            "evidence.md.j2", item=item, edit_url=settings.edit_url(item.file) or None,
            citation=citer.cite(f"evidence/{item.id}", item.title),
            used_by=compendium.backlinks.claims_by_evidence.get(item.id, ()))
    for series_id, series in compendium.series.items():
        items, bearing = _series_releases(series_id, compendium)
        pages[f"series/{series_id}.md"] = render(
            "series.md.j2", this_series=series, items=items, bearing=bearing,
            summary=releases_phrase(tuple(dict.fromkeys(i.series.release for i in items if i.series)),
                                    series.frequency).capitalize(),
            edit_url=settings.edit_url(SINGLE_FILES["series"]) or None)
    return pages


def _index_and_topic_pages(render: Callable[..., str], compendium: Compendium,
                           settings: SiteSettings) -> dict[str, str]:
    """The lists of claims, of evidence and of topics, and a page for each topic."""
    pages = {"claims/index.md": render("claims_index.md.j2", **_claims_index_context(compendium)),
             "evidence/index.md": render("evidence_index.md.j2", **_evidence_index_context(compendium)),
             "topics/index.md": render("topics_index.md.j2")}
    for topic in compendium.topics.values():
        pages[f"topics/{topic.id}.md"] = render(
            "topic.md.j2", topic=topic, claim_ids=compendium.backlinks.claims_by_topic.get(topic.id, ()),
            edit_url=settings.edit_url(SINGLE_FILES["topics"]) or None,
            evidence_ids=compendium.backlinks.evidence_by_topic.get(topic.id, ()))
    return pages


def _single_pages(render: Callable[..., str], compendium: Compendium, settings: SiteSettings,
                  page_titles: dict[str, str]) -> dict[str, str]:
    """The pages of which there is one: the references, and (where the compendium has them) the timeline,
    the glossary and the claims not assessed; then the fields' reference and the about page."""
    formatted = format_references(compendium.references, compendium.root / REFERENCES_CACHE)
    pages = {"references.md": render("references.md.j2", references=compendium.references, formatted=formatted,
                                     page_titles=page_titles, style_name=STYLE_NAME)}
    if compendium.timeline:
        pages["timeline.md"] = render("timeline.md.j2", timeline=compendium.timeline)
    if compendium.glossary:
        pages["glossary.md"] = render("glossary.md.j2", glossary=sorted(compendium.glossary.values(),
                                                                          key=lambda t: t.term.casefold()))
    if compendium.not_assessed:
        pages[f"{NOT_ASSESSED_PAGE}.md"] = render("not_assessed.md.j2", entries=compendium.not_assessed)
    pages["fields.md"] = render("fields.md.j2", sections=field_sections(), example=FIGURE_LINK_EXAMPLE,
                                figure_chars=FIGURE_CHARS)
    pages["about.md"] = render("about.md.j2", about=compendium.about, repo_url=settings.repo_url,
                               site_name=settings.site_name, edit_url=settings.edit_url(CONFIG_FILE) or None)
    return pages


def _chart_pages(render: Callable[..., str], compendium: Compendium, settings: SiteSettings, citer: PageCiter,
                 chart_points: dict[str, list[PlottedPoint]], page_titles: dict[str, str]) -> dict[str, str]:
    """The gallery of charts, and a page for each chart."""
    pages = {"charts/index.md": render("charts_index.md.j2", page_titles=page_titles, gallery=_gallery(compendium),
                                       chart_summaries=_chart_summaries(compendium, chart_points))}
    for chart in compendium.charts.values():
        pages[f"charts/{chart.id}.md"] = render(
            "chart.md.j2", chart=chart, points=chart_points[chart.id], page_titles=page_titles,
            shown_on=compendium.backlinks.pages_by_chart.get(chart.id, ()),
            permalink=settings.page_url(f"charts/{chart.id}") if settings.site_url else None,
            citation=citer.cite(f"charts/{chart.id}", chart.title), edit_url=settings.edit_url(chart.file) or None)
    return pages


def _record_pages(render: Callable[..., str], compendium: Compendium, settings: SiteSettings,
                  citer: PageCiter) -> dict[str, str]:
    """The record of changes (as a page and as an Atom feed) and the page of the data and how to cite it."""
    changes = changelog.changes(compendium)
    pages = {"changelog.md": render("changelog.md.j2", changes=changes),
             "feed.xml": changelog.atom_feed(changes, settings)}
    ratings: dict[str, int] = schema("claim")["$defs"]["rating"]["x-rating-values"]
    pages["data.md"] = render(
        "data.md.j2", edition_citation=citer.cite("", f"{settings.site_name}: the whole edition"),
        rating_values=sorted(ratings.items(), key=lambda item: -item[1]), licence=compendium.licence,
        counts={"claims": len(compendium.claims), "evidence": len(compendium.evidence),
                "references": len(compendium.references)})
    return pages


def _series_releases(series_id: str,
                     compendium: Compendium) -> tuple[list[Evidence], list[tuple[Claim, list[EvidenceRow]]]]:
    """A series' releases in the order of their periods, and each claim they bear on (by prominence) with
    its rows of them: one for each stance they take on it, a release alone in its stance a row of its own."""
    items = sorted((e for e in compendium.evidence.values() if e.series and e.series.id == series_id),
                   key=lambda e: (e.series.release if e.series else "", e.title))
    bearing = []
    for claim in compendium.claims_by_prominence():
        rows = [row for row in evidence_rows(claim, compendium)
                if any(e.item.series and e.item.series.id == series_id for e in row.entries)]
        if rows:
            bearing.append((claim, rows))
    return items, bearing


def _rating_values() -> dict[str, int]:
    """The verdicts' values (accurate 5 ... inaccurate 1), highest first."""
    values: dict[str, int] = schema("claim")["$defs"]["rating"]["x-rating-values"]
    return dict(sorted(values.items(), key=lambda item: -item[1]))


def _claims_index_context(compendium: Compendium) -> dict[str, Any]:
    """What the claims index's filters offer: only what some claim has."""
    claims = compendium.claims.values()
    rating_values = _rating_values()
    return {"ratings": [r for r in rating_values if any(c.rating == r for c in claims)],
            "sides": [(s, label) for s, label in SIDE_GROUPS if any((c.side or "other") == s for c in claims)],
            "years": sorted({c.date[:4] for c in claims}, reverse=True), "rating_values": rating_values}


def _evidence_index_context(compendium: Compendium) -> dict[str, Any]:
    """Each evidence item's year (its source's, or none), and what the evidence index's filters offer."""
    years: dict[str, str] = {}
    for item in compendium.evidence.values():
        year = source_year(item, compendium.references)
        years[item.id] = str(year) if year else ""
    items = compendium.evidence.values()
    return {"years": years, "year_options": sorted({y for y in years.values() if y}, reverse=True),
            "designs": sorted({e.quality.design for e in items}, key=lambda d: DESIGNS.get(d, d)),
            "certainties": [c for c in CERTAINTY_VALUES if any(e.quality.certainty == c for e in items)],
            "independences": [i for i in INDEPENDENCE if any(e.quality.independent == i for e in items)],
            "certainty_values": CERTAINTY_VALUES}


HOME_PARTS = ("search", "headline-claims", "questions", "verdicts")
# The search box of the home page and of the theme's 404 page (which includes it as a partial): one form, so
# the two cannot drift apart. It holds no template syntax, so it is the same HTML read either way.
SEARCH_PROMPT = "partials/search-prompt.html"


def theme_file(name: str) -> str:
    """A file of the site's theme (src/compendium/theme/), as text."""
    return resources.files("compendium.web").joinpath(f"theme/{name}").read_text("utf-8")


def _home_parts(render: Callable[..., str], compendium: Compendium) -> dict[str, str]:
    """The parts of the home page that come from the data, for docs/index.md to include (home.md.j2)."""
    in_order = compendium.claims_by_prominence()
    headlines = [c for c in in_order if c.prominence <= 2] or in_order[:6]
    side_of = {c.id: c.side or "other" for c in compendium.claims.values()}
    sides = [(side, label.removeprefix("Its ").capitalize()) for side, label in SIDE_GROUPS if side in side_of.values()]
    counts = {r: {side: 0 for side, _ in sides} for r in _rating_values()}
    for claim in compendium.claims.values():
        counts[claim.rating][side_of[claim.id]] += 1
    counts_by_side = {side: sum(1 for s in side_of.values() if s == side) for side, _ in sides}
    context = {"headlines": headlines, "questions": compendium.questions, "ratings": list(counts),
               "counts": counts, "sides": sides, "counts_by_side": counts_by_side,
               "search_prompt": theme_file(SEARCH_PROMPT)}
    return {f"{INCLUDES}/{part}.md": render("home.md.j2", part=part, **context) for part in HOME_PARTS}


@dataclass(frozen=True)
class GalleryGroup:
    title: str
    anchor: str  # the heading's id: "topic_<id>", which no chart's id (the cards' ids) can be: ids have no "_"
    charts: list[Chart]


def _gallery(compendium: Compendium) -> list[GalleryGroup]:
    """The charts by topic, in topics.yml's order: each under its own topic, else the main (first) topic of the
    most prominent claim that shows it, else of the first evidence item that does; charts that no page shows
    come last."""
    topic_of: dict[str, str | None] = {c.id: c.topic for c in compendium.charts.values() if c.topic}
    for claim in compendium.claims_by_prominence():
        for chart_id in claim.charts:
            topic_of.setdefault(chart_id, claim.topics[0])
    for item in compendium.evidence.values():
        for chart_id in item.charts:
            topic_of.setdefault(chart_id, item.topics[0] if item.topics else None)
    groups = [GalleryGroup(topic.title, f"topic_{topic.id}",
                           [c for c in compendium.charts.values() if topic_of.get(c.id) == topic.id])
              for topic in compendium.topics.values()]
    groups.append(GalleryGroup("Other charts", "other_charts",
                               [c for c in compendium.charts.values() if topic_of.get(c.id) is None]))
    return [group for group in groups if group.charts]


def _counted(count: int, what: str) -> str:
    return f"{count} {what}" if count == 1 else f"{count} {what}s"


def _chart_summaries(compendium: Compendium, points: dict[str, list[PlottedPoint]]) -> dict[str, str]:
    """What each gallery card says under its title: how many values, from how many sources, on how many pages."""
    summaries = {}
    for chart_id, plotted in points.items():
        sources = len({p.reference for p in plotted})
        pages = len(compendium.backlinks.pages_by_chart.get(chart_id, ()))
        summaries[chart_id] = (f"{_counted(len(plotted), 'value')} from {_counted(sources, 'source')}, shown on "
                               f"{_counted(pages, 'page')}" if pages else
                               f"{_counted(len(plotted), 'value')} from {_counted(sources, 'source')}")
    return summaries


def _page_titles(compendium: Compendium) -> dict[str, str]:
    titles = {f"claims/{c.id}": c.title for c in compendium.claims.values()}
    titles.update({f"evidence/{e.id}": e.title for e in compendium.evidence.values()})
    titles["timeline"] = "Timeline"
    titles["glossary"] = "Glossary"
    titles[NOT_ASSESSED_PAGE] = "Claims not assessed"
    return titles


def _redirect_page(new_id: str, new_url: str) -> str:
    # A static page at the old address: browsers follow the refresh, search engines the canonical link.
    # Ids are slugs, but the page is escaped as if they were not.
    target, canonical = html.escape(f"../{new_id}/"), html.escape(new_url)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Moved</title>\n'
            f'<meta http-equiv="refresh" content="0; url={target}">\n<link rel="canonical" href="{canonical}">\n'
            f'</head><body><p>This page has moved to <a href="{target}">{target}</a>.</p></body></html>\n')


def write_pages(docs_dir: Path, pages: dict[str, str | bytes],
                extra_files: frozenset[str] = frozenset()) -> WriteStats:
    """Write pages under docs_dir, only where the text changed; remove what was generated before but not now.

    Each file is written whole or not at all (files.write_file). extra_files are other generated files
    (charts) that must be kept and listed in the manifest."""
    written = unchanged = removed = 0
    for relative, text in pages.items():
        path = docs_dir / relative
        content = text.encode("utf-8") if isinstance(text, str) else text
        if path.is_file() and path.read_bytes() == content:
            unchanged += 1
            continue
        write_file(path, content)
        written += 1
    manifest = docs_dir / MANIFEST
    keep = set(pages) | set(extra_files)
    listed = read_regular(manifest)
    before = listed.decode("utf-8", "replace").splitlines() if listed is not None else []
    for relative in before:
        stale = _generated_file(docs_dir, relative) if relative not in keep else None
        if stale is not None:
            stale.unlink()
            removed += 1
    listing = "\n".join(sorted(keep)) + "\n"
    if listed != listing.encode("utf-8"):
        write_file(manifest, listing)
    return WriteStats(written, unchanged, removed)


def _generated_file(docs_dir: Path, relative: str) -> Path | None:
    """The file under docs_dir that a line of the manifest names, or None when the line names anything
    else: the manifest may come with a pull request, so an absolute path, a '..', a symlink or a path
    that leads out of docs_dir is never removed."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or "\\" in relative:
        return None
    path = docs_dir.joinpath(*parts)
    if path.is_symlink() or not path.is_file() or not path.resolve().is_relative_to(docs_dir.resolve()):
        return None
    return path


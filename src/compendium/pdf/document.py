"""The PDF edition's text: the print document as HTML, in parts that are laid out one at a time.

Written for paper from the same model as the web pages, not a print of them: paper needs page numbers
where the web has links ("see evidence E12, p. 34"), URLs written out in full, one running order with
a table of contents, and running headers. The charts are the SVG files that charts.py drew.

The document is cut into parts of about the same size, each a whole HTML document that starts on a new
page: the cover and contents, runs of claims or evidence items, the timeline, method and references.
Each part is laid out on its own (layout.py), so that the memory a layout holds is a part's, not the
whole document's. A cross-reference names its target by href="#anchor"; its page number is filled in
at layout, once the pages of every part are known.

Contributor text reaches the HTML only through jinja2's autoescape: it is shown, never interpreted.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import jinja2
import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from compendium.bibliography import CACHE as REFERENCES_CACHE
from compendium.bibliography import STYLE_NAME, format_references, link_urls, short_citation
from compendium.charts import OUTPUT as CHARTS_OUTPUT
from compendium.edition import Edition
from compendium.model import Chart, Compendium
from compendium.render import STANCES
from compendium.schemas import schema
from compendium.settings import read_mkdocs_config
from compendium.text import BIDI_AND_INVISIBLE
from compendium.wording import DESIGNS, INDEPENDENCE, VERIFICATION, figure_value, format_number, rating_label

# How much HTML goes into one part: about 60 A4 pages of claims or evidence. Smaller parts cost a
# little more in all (each is a WeasyPrint document of its own) and use less memory; two are laid out
# at once, one a core.
PART_SIZE = 200_000


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


def read_cover(root: Path, edition: Edition, printed: datetime.date | None = None) -> Cover:
    """The cover's facts: mkdocs.yml's title, description, address and licence, with the edition."""
    printed = printed or build_date()
    config = read_mkdocs_config(root / "mkdocs.yml")
    site_url = str(config.get("site_url") or "").rstrip("/")
    return Cover(
        title=str(config.get("site_name") or "Compendium"),
        description=" ".join(str(config.get("site_description") or "").split()),
        edition=edition, printed=printed,
        url=site_url or str(config.get("repo_url") or "").rstrip("/"), site_url=site_url,
        licence=str(config.get("copyright") or ""),
    )


# --- Text helpers: contributor text is escaped here or by autoescape, never passed through raw. ---

def _clean(value: object) -> str:
    return BIDI_AND_INVISIBLE.sub("", str(value))


def _finalize(value: object) -> object:
    """jinja2 finalize: None prints nothing; plain text loses invisible characters (autoescape follows)."""
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _clean(value)
    return value


def paragraphs(value: object) -> list[str]:
    """The text's paragraphs (split at blank lines), whitespace collapsed; escaped by the template."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", _clean(value)) if p.strip()]


def _anchor(kind: str, item_id: str) -> str:
    return f"{kind}-{item_id}"


# --- The method page: Markdown made HTML, its ids and links rewritten for one document. ---

class _MethodLinks(Treeprocessor):
    """Prefixes the page's ids with 'method-' and points its links at the PDF's own sections."""

    def __init__(self, md: markdown.Markdown, targets: dict[str, str], site_url: str) -> None:
        super().__init__(md)
        self.targets, self.site_url = targets, site_url

    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            if element.get("id"):
                element.set("id", "method-" + element.get("id", ""))
        for parent in root.iter():
            for element in parent:
                if element.tag == "a" and element.get("href") is not None:
                    self._rewrite(element)

    def _rewrite(self, link: ElementTree.Element) -> None:
        href = link.get("href", "")
        if re.match(r"^[a-z][a-z0-9+.-]*:", href):  # https:, mailto: ... print the address for paper readers
            if (link.text or "").strip() != href:
                link.set("class", "external")
            return
        if href.startswith("#method-"):  # the permalink the toc extension added to a heading
            return
        page, _, fragment = href.partition("#")
        if not page or page == "method.md":
            target = "method-" + fragment if fragment else "method"
        else:
            target = self.targets.get(f"{page}#{fragment}" if fragment else page, "")
        if target:
            link.set("href", "#" + target)
            link.set("class", "internal")
        elif self.site_url and page.endswith(".md"):
            link.set("href", f"{self.site_url}/{page.removesuffix('.md').removesuffix('index')}")
            link.set("class", "external")
        else:  # a page the PDF does not have and no website to point to: keep the words, drop the link
            link.tag = "span"
            link.attrib.pop("href")


class _MethodExtension(Extension):
    def __init__(self, targets: dict[str, str], site_url: str) -> None:
        super().__init__()
        self.targets, self.site_url = targets, site_url

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After attr_list (8) and toc (5) have set the headings' ids.
        md.treeprocessors.register(_MethodLinks(md, self.targets, self.site_url), "compendium_pdf_links", 4)


def method_html(path: Path, targets: dict[str, str], site_url: str) -> tuple[Markup, list[tuple[int, str, Markup]]]:
    """docs/method.md as HTML for the PDF, and its headings (level, id, text) for the contents.

    The page is the maintainers' Markdown, trusted as MkDocs trusts it for the site; no data reaches it."""
    if not path.is_file():
        return Markup(""), []
    converter = markdown.Markdown(extensions=["attr_list", "tables", "admonition", "md_in_html", "toc",
                                              _MethodExtension(targets, site_url)])
    html = converter.convert(path.read_text("utf-8"))
    headings = [(level, f"method-{anchor}", text) for level, anchor, text in _toc_entries(converter)]
    # The page's own title becomes the section's h1 in the template.
    html = re.sub(r"^\s*<h1[^>]*>.*?</h1>", "", html, count=1, flags=re.S)
    return Markup(html), headings


def _toc_entries(converter: markdown.Markdown) -> Iterator[tuple[int, str, Markup]]:
    def walk(tokens: list[dict[str, Any]]) -> Iterator[tuple[int, str, Markup]]:
        for token in tokens:
            if token["level"] > 1:  # name: the heading's text, already HTML-escaped by the toc extension
                yield token["level"], token["id"], Markup(token["name"])
            yield from walk(token["children"])
    yield from walk(getattr(converter, "toc_tokens", []))


# --- The document, as sections of items ---

@dataclass(frozen=True)
class _Labels:
    """Short labels that a reader can look up on paper: C1, C2 ... for claims, E1, E2 ... for evidence."""

    claims: dict[str, str]
    evidence: dict[str, str]


@dataclass(frozen=True)
class Section:
    """A part of the book (Claims, Evidence, Timeline, Method, References): its items as HTML fragments."""

    id: str  # its anchor, which the contents and cross-references name
    title: str
    css_class: str  # 'part', or 'part method' for the Markdown method page
    fragments: tuple[Markup, ...]  # an item each (a claim, an evidence item, a reference ...), in order


@dataclass(frozen=True)
class Slice:
    """The run of a section's fragments that one part holds; only the first run opens the section."""

    section: Section
    fragments: tuple[Markup, ...]
    opens: bool


@dataclass(frozen=True)
class PrintDocument:
    """The print document cut into parts, each a whole HTML document that starts on a new page."""

    parts: tuple[str, ...]
    title: str
    author: str
    description: str
    printed: datetime.date
    language: str = "en-GB"


def _environment(compendium: Compendium, labels: _Labels, ids: set[str]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("compendium", "templates/pdf"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        finalize=_finalize,
    )
    ratings = schema("claim")["$defs"]["rating"]

    def xref(anchor: str, label: str) -> Markup:
        """A link to another part of the document, followed on paper by its page number."""
        return Markup('<a class="xref" href="#{0}">{1}</a>').format(anchor, _clean(label))

    def cite(key: str) -> Markup:
        ref = compendium.references[key]
        return Markup('<a class="cite" href="#{0}">{1}</a>').format(ref.anchor, _clean(short_citation(ref)))

    def method_link(anchor: str, text: str) -> Markup:
        if f"method-{anchor}" in ids:
            return xref(f"method-{anchor}", text)
        return Markup("{0}").format(text)

    env.filters.update(
        paragraphs=paragraphs, rating_label=rating_label, number=format_number, figure_value=figure_value,
        verification=lambda v: VERIFICATION.get(v, v), independence=lambda v: INDEPENDENCE.get(v, v),
        design=lambda v: DESIGNS.get(v, v), certainty=lambda v: v.replace("-", " "), cite=cite,
        rating_description=lambda r: ratings["x-enum-descriptions"][r],
    )
    env.globals.update(
        xref=xref, method_link=method_link, claim_label=labels.claims.__getitem__,
        evidence_label=labels.evidence.__getitem__, anchor=_anchor,
    )
    return env


def _chart_sources(chart: Chart) -> list[str]:
    return list(dict.fromkeys(point.evidence for series in chart.series for point in series.points))


def _chart_homes(compendium: Compendium) -> dict[str, str]:
    """Where each chart is drawn: the first claim, else evidence item, that shows it (by its anchor)."""
    homes: dict[str, str] = {}
    for claim in compendium.claims.values():
        for chart_id in claim.charts:
            homes.setdefault(chart_id, _anchor("claim", claim.id))
    for item in compendium.evidence.values():
        for chart_id in item.charts:
            homes.setdefault(chart_id, _anchor("evidence", item.id))
    return homes


def _citation_anchors(compendium: Compendium, has_timeline: bool) -> dict[str, str]:
    """Backlinks' page paths (claims/x, evidence/y, timeline) -> the PDF's anchors."""
    anchors = {f"claims/{c}": _anchor("claim", c) for c in compendium.claims}
    anchors.update({f"evidence/{e}": _anchor("evidence", e) for e in compendium.evidence})
    if has_timeline:
        anchors["timeline"] = "timeline"
    if compendium.glossary:
        anchors["glossary"] = "glossary"
    return anchors


def _sections(compendium: Compendium, cover: Cover) -> tuple[jinja2.Environment, Markup, list[Section]]:
    """The front matter (cover, contents, how to read) and the sections after it, as HTML, with the
    environment that rendered them."""
    labels = _Labels({c: f"C{i}" for i, c in enumerate(compendium.claims, 1)},
                     {e: f"E{i}" for i, e in enumerate(compendium.evidence, 1)})
    has_timeline = bool(compendium.timeline)
    # The site's pages, as the method page links to them, and where they are in this document.
    targets = {"index.md": "contents", "claims/index.md": "claims", "evidence/index.md": "evidence",
               "references.md": "references"}
    if has_timeline:
        targets["timeline.md"] = "timeline"
    targets.update({f"claims/{c}.md": _anchor("claim", c) for c in compendium.claims})
    targets.update({f"evidence/{e}.md": _anchor("evidence", e) for e in compendium.evidence})
    targets.update({f"references.md#{r.anchor}": r.anchor for r in compendium.references.values()})
    method, method_headings = method_html(compendium.root / "docs" / "method.md", targets, cover.site_url)
    ids = {heading_id for _, heading_id, _ in method_headings} | set(re.findall(r'id="([^"]+)"', method))

    env = _environment(compendium, labels, ids)
    formatted = format_references(compendium.references, compendium.root / REFERENCES_CACHE)
    chart_dir = compendium.root / "docs" / CHARTS_OUTPUT
    context: dict[str, Any] = dict(
        cover=cover, claims=compendium.claims, evidence=compendium.evidence, charts=compendium.charts,
        topics=compendium.topics, timeline=compendium.timeline, references=compendium.references,
        style_name=STYLE_NAME, stances=STANCES, backlinks=compendium.backlinks,
        chart_files={c: (chart_dir / f"{c}.svg").resolve().as_uri() for c in compendium.charts},
        chart_sources={chart_id: _chart_sources(chart) for chart_id, chart in compendium.charts.items()},
        chart_homes=_chart_homes(compendium), citation_anchors=_citation_anchors(compendium, has_timeline),
        claim_labels=labels.claims, evidence_labels=labels.evidence,
        method=method, method_headings=method_headings,
        used_by={e: compendium.backlinks.claims_by_evidence.get(e, ()) for e in compendium.evidence},
    )
    front = Markup(env.get_template("front.html.j2").render(context))
    items: Any = env.get_template("items.html.j2").make_module(context)
    sections = [
        Section("claims", "Claims", "part", tuple(items.claim(c) for c in compendium.claims.values())),
        Section("evidence", "Evidence", "part", tuple(items.evidence_item(e) for e in compendium.evidence.values())),
    ]
    if has_timeline:
        sections.append(Section("timeline", "Timeline", "part", tuple(items.event(e) for e in compendium.timeline)))
    if compendium.glossary:
        terms = sorted(compendium.glossary.values(), key=lambda t: t.term.casefold())
        sections.append(Section("glossary", "Glossary", "part", tuple(items.term(t) for t in terms)))
    if method:
        sections.append(Section("method", "Method", "part method", (method,)))
    sections.append(Section("references", "References", "part", (
        items.references_intro(),
        *(items.reference(key, Markup(link_urls(html, "url"))) for key, html in formatted.items()))))
    return env, front, sections


def pack(front: Markup, sections: list[Section], size: int = PART_SIZE) -> list[tuple[Markup, list[Slice]]]:
    """Cut the document into parts of about size characters of HTML, only ever between two items.

    The front matter begins the first part; a section that does not fit in what is left of a part goes
    on in the next one. A part holds at least one item (or the front matter), however long."""
    parts: list[tuple[Markup, list[Slice]]] = []
    slices: list[Slice] = []  # the part being filled
    used = len(front)
    for section in sections:
        run: list[Markup] = []
        opens = True
        for fragment in section.fragments:
            if used and used + len(fragment) > size:
                if run:
                    slices.append(Slice(section, tuple(run), opens))
                    opens = False
                parts.append((Markup("") if parts else front, slices))
                slices, run, used = [], [], 0
            run.append(fragment)
            used += len(fragment)
        slices.append(Slice(section, tuple(run), opens))  # a section with no items still shows its title
    parts.append((Markup("") if parts else front, slices))
    return parts


def print_document(compendium: Compendium, cover: Cover, size: int = PART_SIZE) -> PrintDocument:
    """The print document: cover, contents, claims, evidence, timeline, method, references, in parts."""
    env, front, sections = _sections(compendium, cover)
    template = env.get_template("part.html.j2")
    parts = tuple(template.render(cover=cover, front=part_front, slices=slices)
                  for part_front, slices in pack(front, sections, size))
    return PrintDocument(parts, title=cover.title, author=cover.title, description=cover.description,
                         printed=cover.printed)

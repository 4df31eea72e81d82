"""Which external links the compendium gives its readers, and where each one is written.

Two places hold them: references.bib (each entry's url, its doi as a doi.org link, and its archiveurl)
and the hand-written pages under docs/. Generated pages are left out: their links come from
references.bib, which is where a broken one must be fixed. A URL inside Markdown code is an example,
not a link, and is left out too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from compendium.bibliography import load_references
from compendium.diagnostics import Diagnostic, display_path
from compendium.paths import MANIFEST

_URL = re.compile(r"https?://[^\s<>\"'`]+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


@dataclass(frozen=True, order=True)
class LinkSource:
    """Where a link is written: a file and line, and for a reference its key and field."""

    file: str
    line: int
    reference: str = ""  # the BibTeX key, for a link from references.bib
    field: str = ""  # url, doi or archiveurl (references.bib), or page (a hand-written page)

    def describe(self) -> str:
        return f"reference '{self.reference}', field {self.field}" if self.reference else "page"


@dataclass(frozen=True)
class ExternalLink:
    """One URL to check, with every place it is written."""

    url: str
    sources: tuple[LinkSource, ...]
    archive: str = ""  # an archived copy of this URL, given by a reference that cites it


@dataclass
class _Collected:
    sources: list[LinkSource] = field(default_factory=list)
    archive: str = ""


def _trim(url: str) -> str:
    """A URL as found in running text, without the punctuation that ends the sentence around it."""
    url = html.unescape(url)
    while url and (url[-1] in ".,;:!?*_~" or _unbalanced_close(url)):
        url = url[:-1]
    return url


def _unbalanced_close(url: str) -> bool:
    """Whether the URL ends with a bracket it never opened: then the bracket belongs to the text around it."""
    opening = {")": "(", "]": "[", "}": "{"}.get(url[-1])
    return opening is not None and url.count(url[-1]) > url.count(opening)


def page_links(text: str) -> Iterator[tuple[int, str]]:
    """(line, URL) for every http(s) URL in a Markdown page, outside code blocks and code spans."""
    in_fence = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if fence := _FENCE.match(line):
            marker = fence.group(1)
            in_fence = "" if in_fence == marker else in_fence or marker
            continue
        if in_fence:
            continue
        for match in _URL.finditer(_CODE_SPAN.sub(" ", line)):
            if url := _trim(match.group(0)):
                yield number, url


def _generated(docs_dir: Path) -> set[str]:
    manifest = docs_dir / MANIFEST
    return set(manifest.read_text("utf-8").split()) if manifest.is_file() else set()


def collect_links(root: Path, docs_dir: Path | None = None) -> tuple[list[ExternalLink], list[Diagnostic]]:
    """Every external URL of the compendium with its sources, in a stable order, and any problem
    that kept an entry of references.bib from being read."""
    found: dict[str, _Collected] = {}
    problems: list[Diagnostic] = []
    bib = root / "references.bib"
    if bib.is_file():
        display = display_path(bib, root)
        loaded = load_references(bib, display)
        references, problems = loaded.references, loaded.problems
        for key, reference in references.items():
            originals = {"url": reference.url}
            if doi := reference.csl.get("DOI"):
                originals["doi"] = f"https://doi.org/{doi}"
            for name, url in originals.items():
                if not url:
                    continue
                entry = found.setdefault(url, _Collected())
                entry.sources.append(LinkSource(display, reference.line, key, name))
                entry.archive = entry.archive or reference.archive_url
            if reference.archive_url:
                found.setdefault(reference.archive_url, _Collected()).sources.append(
                    LinkSource(display, reference.line, key, "archiveurl"))
    docs_dir = docs_dir or root / "docs"
    if docs_dir.is_dir():
        generated = _generated(docs_dir)
        for page in sorted(docs_dir.rglob("*.md")):
            if page.relative_to(docs_dir).as_posix() in generated:
                continue
            display = display_path(page, root)
            for line, url in page_links(page.read_text("utf-8")):
                found.setdefault(url, _Collected()).sources.append(LinkSource(display, line, "", "page"))
    links = [ExternalLink(url, tuple(sorted(set(entry.sources))), entry.archive) for url, entry in found.items()]
    return sorted(links, key=lambda link: link.sources[0]), problems

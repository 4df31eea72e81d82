"""references.bib: parsing with bibtexparser 2, conversion to CSL-JSON, and formatting with citeproc-py.

Entries are formatted by a CSL processor in a standard style (Cite Them Right Harvard, which ships
with citeproc-py), not by hand. citeproc-py's own BibTeX reader drops url and urldate, so it is given
CSL-JSON converted here from the parsed entries.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from bibtexparser import middlewares as mw
from bibtexparser.entrypoint import parse_string
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry

from compendium.diagnostics import Diagnostic

STYLE = "harvard-cite-them-right"
STYLE_NAME = "Cite Them Right (Harvard)"  # STYLE as readers know it
CACHE = ".cache/references.json"  # under the compendium's root: the last formatted bibliography

_CSL_TYPES = {
    "article": "article-journal", "book": "book", "inbook": "chapter", "incollection": "chapter",
    "inproceedings": "paper-conference", "conference": "paper-conference", "techreport": "report",
    "report": "report", "phdthesis": "thesis", "mastersthesis": "thesis", "online": "webpage",
    "misc": "webpage", "unpublished": "manuscript", "manual": "report",
}
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_BLOCK_KEY = re.compile(r"@\w+\s*\{\s*([^,\s]+)\s*,")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True)
class Reference:
    """One entry of references.bib, in CSL-JSON, with where it stands in the file."""

    key: str
    line: int
    csl: dict[str, Any]
    unverified: str  # The entry's fields not confirmed from a public copy, in the compiler's words.
    offline: str  # Why no DOI or URL is given, where none is: no copy is known to be online.
    archive_url: str = ""  # An archived copy of the web page (e.g. the Wayback Machine's), where one is known.

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

    @property
    def anchor(self) -> str:
        return anchor_for(self.key)


def anchor_for(key: str) -> str:
    """The HTML id of a reference on the references page: stable, and safe in a URL fragment."""
    return "ref-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured_bibtexparser_log() -> Iterator[_LogCapture]:
    # bibtexparser 2 logs the reason a block failed and leaves the block's own message empty.
    logger = logging.getLogger("bibtexparser")
    handler = _LogCapture()
    logger.addHandler(handler)
    propagate = logger.propagate
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def load_references(path: Path, display: str) -> tuple[dict[str, Reference], set[str], list[Diagnostic]]:
    """Parse the .bib file: its references by key, the keys of entries that could not be read, and a
    diagnostic for every block that failed."""
    problems: list[Diagnostic] = []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return {}, set(), [Diagnostic(display, line, 1, "the file is not valid UTF-8 text",
                                      "save the file with UTF-8 encoding")]
    # Names are split before LaTeX is decoded (in to_csl), so that a braced {Corporate Author} stays one name.
    stack = [mw.SeparateCoAuthors(), mw.SplitNameParts()]
    with _captured_bibtexparser_log() as log:
        library = parse_string(text, append_middleware=stack)
    unreadable: set[str] = set()
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if key_match := _BLOCK_KEY.match(block.raw or ""):
            unreadable.add(key_match.group(1))
        if isinstance(block, DuplicateBlockKeyBlock):
            first = (block.previous_block.start_line or 0) + 1
            problems.append(Diagnostic(display, line, 1, f"duplicate reference key '{block.key}'",
                                       f"the key is already used on line {first}; rename one of them"))
        elif isinstance(block, DuplicateFieldKeyBlock):
            keys = ", ".join(sorted(block.duplicate_keys))
            problems.append(Diagnostic(display, line, 1, f"duplicate field {keys} in one entry",
                                       "keep one of them"))
        else:
            reason = getattr(block.error, "abort_reason", "") or str(block.error)
            logged = [m for m in log.messages if f"(line {line - 1})" in m]
            if not reason and logged:
                reason = logged[0].split("bibtex:", 1)[-1].strip()
            problems.append(Diagnostic(display, line, 1, f"this entry could not be read: {reason}".strip(),
                                       "check its braces, commas and quotes; every field is name = {value},"))
    references: dict[str, Reference] = {}
    for entry in library.entries:
        csl, entry_problems = to_csl(entry, display)
        problems.extend(entry_problems)
        extra = {name: _latex(str(entry.fields_dict[name].value)) if name in entry.fields_dict else ""
                 for name in ("unverified", "offline")}
        line = (entry.start_line or 0) + 1
        archive_url = " ".join(str(next((f.value for f in entry.fields if f.key.lower() == "archiveurl"), "")).split())
        if archive_url and not re.match(r"^https?://", archive_url):
            problems.append(Diagnostic(display, line, 1, f"the archiveurl of '{entry.key}' is not a web address",
                                       "give the archived copy's full address, starting with https://"))
            archive_url = ""
        references[entry.key] = Reference(entry.key, line, csl, **extra, archive_url=archive_url)
    return references, unreadable - set(references), problems


_LATEX_SPECIALS = re.compile(r"[\\{}$~%&]|--")


def _latex(text: str) -> str:
    """LaTeX in a field as plain text ({IAPT} -> IAPT, \\& -> &, -- -> en dash). Plain text, the usual case,
    is returned as it is: the LaTeX parser is by far the slowest step of loading the file."""
    if not _LATEX_SPECIALS.search(text):
        return text
    return str(_latex_parser().latex_to_text(text)).strip()


@cache
def _latex_parser() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text()


def _names(value: Any) -> list[dict[str, str]]:
    names = []
    for part in value if isinstance(value, list) else []:
        first, last = _latex(" ".join(part.first)), _latex(" ".join([*part.von, *part.last]))
        if part.jr:
            last = f"{last}, {_latex(' '.join(part.jr))}"
        names.append({"family": last, "given": first} if first else {"literal": last})
    return names


def to_csl(entry: Entry, display: str) -> tuple[dict[str, Any], list[Diagnostic]]:
    """One BibTeX entry as a CSL-JSON item."""
    fields = {f.key.lower(): f.value for f in entry.fields}
    line = (entry.start_line or 0) + 1
    problems = []
    csl: dict[str, Any] = {"id": entry.key, "type": _CSL_TYPES.get(entry.entry_type.lower(), "document")}
    for name in ("author", "editor"):
        if name in fields:
            csl[name] = _names(fields[name])
    plain = {"title": "title", "journal": "container-title", "booktitle": "container-title",
             "journaltitle": "container-title", "volume": "volume", "number": "issue", "edition": "edition",
             "publisher": "publisher", "institution": "publisher", "organization": "publisher",
             "address": "publisher-place", "location": "publisher-place", "isbn": "ISBN", "issn": "ISSN",
             "howpublished": "container-title", "note": "note", "doi": "DOI", "url": "URL",
             "chapter": "chapter-number"}
    for bib, key in plain.items():
        if bib in fields and key not in csl:
            value = " ".join(str(fields[bib]).split())
            csl[key] = value if key in ("URL", "DOI") else _latex(value)
    if "pages" in fields:
        csl["page"] = re.sub(r"-+", "-", str(fields["pages"]))
    if "DOI" in csl:
        csl["DOI"] = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", csl["DOI"], flags=re.I)
    if (url := csl.get("URL")) and not re.match(r"^https?://", url):
        problems.append(Diagnostic(display, line, 1, f"the url of '{entry.key}' is not a web address",
                                   "give a full address starting with https:// or http://"))
        del csl["URL"]
    if "year" in fields:
        year = str(fields["year"]).strip()
        month = _MONTHS.get(str(fields.get("month", "")).strip().lower()[:3])
        if not year.isdigit():
            problems.append(Diagnostic(display, line, 1, f"the year of '{entry.key}' is not a year: {year!r}",
                                       "write the year as four digits, e.g. year = {2018}"))
        else:
            csl["issued"] = {"date-parts": [[int(year), month] if month else [int(year)]]}
    for bib, key in (("urldate", "accessed"), ("date", "issued")):
        if bib in fields:
            match = _DATE.match(str(fields[bib]).strip())
            if not match:
                problems.append(Diagnostic(display, line, 1, f"the {bib} of '{entry.key}' is not a date",
                                           f"write it as YYYY-MM-DD, e.g. {bib} = {{2026-11-24}}"))
            else:
                csl[key] = {"date-parts": [[int(p) for p in match.groups() if p]]}
    if entry.entry_type.lower() == "book" and "container-title" in csl:
        csl["collection-title"] = csl.pop("container-title")
    return csl, problems


def format_references(references: dict[str, Reference], cache_file: Path | None = None) -> dict[str, str]:
    """Each reference formatted as HTML by citeproc-py, by key, in the bibliography's order.

    citeproc-py takes milliseconds an entry; with cache_file, a bibliography whose entries did not change
    is read from the last run's result instead of formatted again."""
    key = ""
    if cache_file is not None:
        payload = json.dumps([STYLE, [ref.csl for ref in references.values()]], sort_keys=True)
        key = hashlib.sha256(payload.encode()).hexdigest()
        try:
            cached = json.loads(cache_file.read_text("utf-8"))
            if cached.get("key") == key:
                return dict(cached["formatted"])
        except (OSError, ValueError):
            pass
    formatted = _format_references(references)
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps({"key": key, "formatted": formatted}), "utf-8")
    return formatted


def _format_references(references: dict[str, Reference]) -> dict[str, str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    if not references:
        return {}
    # citeproc-py's HTML formatter does not escape field values: hide HTML's specials from it behind
    # private-use characters (which no case change touches) and escape them in its output.
    source = CiteProcJSON([_shield(ref.csl) for ref in references.values()])
    style_path = resources.files("citeproc").joinpath(f"data/styles/{STYLE}.csl")
    style = CitationStylesStyle(str(style_path), locale="en-GB", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.html)
    for key in references:
        bibliography.register(Citation([CitationItem(key.lower())]))
    bibliography.sort()
    formatted = {}
    keys_by_lower = {key.lower(): key for key in references}
    for item_key, item in zip(bibliography.keys, bibliography.bibliography(), strict=True):
        formatted[keys_by_lower[item_key]] = "".join(str(part) for part in item).translate(_UNSHIELD)
    return formatted


_SHIELD = {ord(c): chr(0xE000 + i) for i, c in enumerate("&<>\"'")}
_UNSHIELD = {0xE000 + i: f"&#{ord(c)};" for i, c in enumerate("&<>\"'")}


def _shield(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_SHIELD)
    if isinstance(value, list):
        return [_shield(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k == "id" else _shield(v) for k, v in value.items()}
    return value


def short_citation(ref: Reference) -> str:
    """Author (year), as a link label: the first author's family name, 'et al.' for three or more."""
    people = ref.csl.get("author") or ref.csl.get("editor") or []
    names = [p.get("family") or p.get("literal", "") for p in people]
    who = names[0] if len(names) == 1 else " and ".join(names) if len(names) == 2 else \
        f"{names[0]} et al." if names else str(ref.csl.get("title", ref.key))
    year = ref.csl.get("issued", {}).get("date-parts", [[None]])[0][0]
    return f"{who} ({year or 'n.d.'})"


_URL = re.compile(r"https?://[^\s<>\"]+")


def link_urls(formatted: str, css_class: str = "") -> str:
    """format_references' HTML (escaped text and a few tags) with its addresses ("Available at: https://...")
    made links."""
    attribute = f' class="{css_class}"' if css_class else ""

    def link(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(".,;")
        return f'<a{attribute} href="{url}">{url}</a>{match.group(0)[len(url):]}'
    return _URL.sub(link, formatted)


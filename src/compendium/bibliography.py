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
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bibtexparser import middlewares as mw
from bibtexparser.entrypoint import parse_string
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, ParsingFailedBlock

from compendium.diagnostics import Diagnostic
from compendium.files import read_record, write_file
from compendium.intake import (
    MAX_BIB_BYTES,
    MAX_BIB_FIELD_CHARS,
    MAX_BRACE_DEPTH,
    IntakeError,
    quote,
    read_limited,
    text_problem,
    visible,
)
from compendium.model import Reference
from compendium.paths import CACHE_DIR
from compendium.schemas import date_problem, schema

STYLE = "harvard-cite-them-right"
STYLE_NAME = "Cite Them Right (Harvard)"  # STYLE as readers know it
CACHE = f"{CACHE_DIR}/references.json"  # under the compendium's root: the last formatted bibliography

_CSL_TYPES = {
    "article": "article-journal", "book": "book", "inbook": "chapter", "incollection": "chapter",
    "inproceedings": "paper-conference", "conference": "paper-conference", "techreport": "report",
    "report": "report", "phdthesis": "thesis", "mastersthesis": "thesis", "online": "webpage",
    "misc": "webpage", "unpublished": "manuscript", "manual": "report",
}
# An article in a newspaper or a magazine is written @article with biblatex's entrysubtype naming which:
# as a journal article (the default) it would print "[Preprint]", having no volume or pages.
_ARTICLE_SUBTYPES = {"newspaper": "article-newspaper", "magazine": "article-magazine"}
# The entry types whose number is the report's own ("Research report 12"), not a journal's issue, and whose
# type field says what kind of report it is (CSL's genre).
_NUMBERED_TYPES = frozenset({"techreport", "report", "manual"})
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_BLOCK_KEY = re.compile(r"@\w+\s*\{\s*([^,\s]+)\s*,")


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


@dataclass(frozen=True)
class LoadedReferences:
    """What load_references found: the references by key, the keys of entries that could not be read, the
    problems, and whether the file could be read at all (if not, no citation of it can be checked)."""

    display: str
    references: dict[str, Reference]
    unreadable: set[str]
    problems: list[Diagnostic]
    read: bool = True


def _unread(display: str, problem: Diagnostic) -> LoadedReferences:
    return LoadedReferences(display, {}, set(), [problem], read=False)


def load_references(path: Path, display: str) -> LoadedReferences:
    """Parse the .bib file: its references by key, the keys of entries that could not be read, and a
    diagnostic for every block that failed."""
    try:
        raw = read_limited(path, MAX_BIB_BYTES)
    except IntakeError as refused:
        return _unread(display, Diagnostic(display, 0, 0, refused.message, refused.hint))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return _unread(display, Diagnostic(display, line, 1, "the file is not valid UTF-8 text",
                                           "save the file with UTF-8 encoding"))
    problems = _character_problems(text, display)
    # Names are split before LaTeX is decoded (in to_csl), so that a braced {Corporate Author} stays one name.
    stack = [mw.SeparateCoAuthors(), mw.SplitNameParts()]
    with _captured_bibtexparser_log() as log:
        library = parse_string(text, append_middleware=stack)
    unreadable: set[str] = set()
    for block in library.failed_blocks:
        if key_match := _BLOCK_KEY.match(block.raw or ""):
            unreadable.add(key_match.group(1))
        problems.append(_failed_block_problem(block, display, log.messages))
    references = _read_entries(library.entries, display, problems, unreadable)
    return LoadedReferences(display, _with_year_suffixes(references), unreadable - set(references), problems)


def _failed_block_problem(block: ParsingFailedBlock, display: str, logged_messages: list[str]) -> Diagnostic:
    """Why bibtexparser could not read a block: a key or a field given twice, or what its parser says."""
    line = (block.start_line or 0) + 1
    if isinstance(block, DuplicateBlockKeyBlock):
        first = (block.previous_block.start_line or 0) + 1
        return Diagnostic(display, line, 1, f"duplicate reference key {quote(block.key)}",
                          f"the key is already used on line {first}; rename one of them")
    if isinstance(block, DuplicateFieldKeyBlock):
        keys = ", ".join(sorted(block.duplicate_keys))
        return Diagnostic(display, line, 1, f"duplicate field {quote(keys)} in one entry", "keep one of them")
    reason = getattr(block.error, "abort_reason", "") or str(block.error)
    # The block's own error may say nothing; the parser's log then says what it stopped at.
    logged = [m for m in logged_messages if f"(line {line - 1})" in m]
    if not reason and logged:
        reason = logged[0].split("bibtex:", 1)[-1].strip()
    return Diagnostic(display, line, 1, f"this entry could not be read: {visible(reason[:200])}".strip(),
                      "check its braces, commas and quotes; every field is name = {value},")


def _read_entries(entries: list[Entry], display: str, problems: list[Diagnostic],
                  unreadable: set[str]) -> dict[str, Reference]:
    """The entries as references, by key; an entry that cannot be trusted is left out, its key added to
    unreadable, and every entry's problems are added to problems."""
    references: dict[str, Reference] = {}
    by_lower: dict[str, Reference] = {}
    for entry in entries:
        line = (entry.start_line or 0) + 1
        if (same := by_lower.get(entry.key.lower())) is not None:
            # citeproc knows keys only in lower case: two keys that differ in case would be one reference.
            problems.append(Diagnostic(display, line, 1, f"reference key {quote(entry.key)} differs from "
                                       f"{quote(same.key)} only in case",
                                       f"{quote(same.key)} is on line {same.line}; rename one of them"))
            unreadable.add(entry.key)
            continue
        field_problems = _field_problems(entry, display)
        problems.extend(field_problems)
        if field_problems:  # the entry's text cannot be trusted to convert: reported, and left out
            unreadable.add(entry.key)
            continue
        references[entry.key] = by_lower[entry.key.lower()] = _entry_reference(entry, line, display, problems)
    return references


def _entry_reference(entry: Entry, line: int, display: str, problems: list[Diagnostic]) -> Reference:
    """One entry as a Reference, flawed when its conversion found a problem (added to problems)."""
    csl, entry_problems = to_csl(entry, display)
    problems.extend(entry_problems)
    extra = {name: _latex(str(entry.fields_dict[name].value)) if name in entry.fields_dict else ""
             for name in ("unverified", "offline")}
    archive_url = " ".join(str(next((f.value for f in entry.fields if f.key.lower() == "archiveurl"), "")).split())
    flawed = bool(entry_problems)
    if archive_url and (why := url_problem(archive_url)):
        problems.append(Diagnostic(display, line, 1, f"the archiveurl of {quote(entry.key)} {why}",
                                   "give the archived copy's full address, starting with https://"))
        archive_url, flawed = "", True
    return Reference(entry.key, line, csl, **extra, archive_url=archive_url, flawed=flawed)


def _with_year_suffixes(references: dict[str, Reference]) -> dict[str, Reference]:
    """References whose short citations would be the same ("Scott (2019)" twice) get year suffixes, as the
    author-date styles do: "Scott (2019a)", "Scott (2019b)", lettered in the order of their titles."""
    groups: dict[str, list[Reference]] = {}
    for ref in references.values():
        groups.setdefault(_author_year(ref), []).append(ref)
    suffixed = dict(references)
    for group in groups.values():
        if len(group) > 1:
            ordered = sorted(group, key=lambda r: (str(r.csl.get("title", "")).casefold(), r.key))
            for i, ref in enumerate(ordered):
                suffixed[ref.key] = replace(ref, year_suffix=_letters(i))
    return suffixed


def _letters(index: int) -> str:
    """a, b, ... z, aa, ab, ...: the suffix of the index-th reference of a group."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _character_problems(text: str, display: str) -> list[Diagnostic]:
    """A diagnostic for each line that holds a character no text may hold (see intake.text_problem)."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if (problem := text_problem(line)) and "control character" in problem[0]:
            problems.append(Diagnostic(display, number, 1, problem[0], problem[1]))
    return problems


# Fields that pull in another entry's fields: bibtexparser does not follow them, so the child would
# silently lose what it inherits (its year, its publisher).
_INHERITING = ("crossref", "xdata", "xref")


def _field_problems(entry: Entry, display: str) -> list[Diagnostic]:
    """What makes an entry's fields unsafe or unusable, checked before any LaTeX in them is read."""
    line = (entry.start_line or 0) + 1
    problems = []
    for entry_field in entry.fields:
        name, value = entry_field.key.lower(), entry_field.value
        text = value if isinstance(value, str) else " ".join(str(v) for v in value) if isinstance(value, list) \
            else str(value)
        where = f"the {quote(name)} of {quote(entry.key)}"
        if name in _INHERITING:
            problems.append(Diagnostic(display, line, 1, f"{where}: {name} is not supported",
                                       f"give the fields it would inherit (year, publisher, booktitle) in the entry "
                                       f"itself, and remove {name}"))
        elif len(text) > MAX_BIB_FIELD_CHARS:
            problems.append(Diagnostic(display, line, 1, f"{where} is {len(text)} characters long, more than "
                                       f"{MAX_BIB_FIELD_CHARS}", "shorten it: no field needs this much"))
        elif _brace_depth(text) > MAX_BRACE_DEPTH:
            problems.append(Diagnostic(display, line, 1, f"{where} nests braces more than {MAX_BRACE_DEPTH} deep",
                                       "one pair of braces is enough to keep a word's capitals: {UNESCO}"))
        elif not re.sub(r"[{}\s]", "", text):  # nothing but braces and white space
            problems.append(Diagnostic(display, line, 1, f"{where} is empty or only white space",
                                       "write the field's value, or remove the field"))
    return problems


def _brace_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "}":
            depth -= 1
    return deepest


# A web address as a reference may give it: http(s), a host, and no character that would end an attribute
# or a tag in a page, or that a browser would not send as it is (white space, quotes, <>, \, ^, `, {, |, }).
_WEB_ADDRESS = re.compile(r"https?://[A-Za-z0-9][^\s\"<>\\^`{|}]*\Z")
# A DOI: the directory indicator 10., a registrant code, a slash and a suffix of printable characters.
_DOI = re.compile(r"10\.[0-9]{4,9}(\.[0-9]+)*/[^\s\"<>\\^`{|}]+\Z")


def url_problem(url: str) -> str:
    """Why url is not a web address a reader can follow ('' when it is)."""
    if not re.match(r"https?://", url, re.I):
        return "is not a web address"
    if not _WEB_ADDRESS.match(url):
        return "holds a character a web address cannot hold (white space, quotes, <, >, \\, ^, `, {, |, })"
    return ""


def mirror_host(url: str) -> str:
    """The mirror site (common.schema.json's mirror_host) that url is on, or '' when it is on none."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:  # an unclosed [ in the host: not an address on any site
        return ""
    return next((m for m in _mirror_hosts() if host == m or host.endswith("." + m)), "")


@cache
def _mirror_hosts() -> tuple[str, ...]:
    return tuple(schema("common")["$defs"]["mirror_host"]["enum"])


_LATEX_SPECIALS = re.compile(r"[\\{}$~%&]|--|``|''")
# What only the LaTeX parser reads right: a command other than an escaped special, math, a tie, a comment.
_BEYOND_SIMPLE = re.compile(r"\\[^&%$#_]|(?<!\\)[$~%&]")


def _latex(text: str) -> str:
    """LaTeX in a field as plain text ({UNESCO} -> UNESCO, \\& -> &, -- -> en dash). Plain text, the usual case,
    is returned as it is: the LaTeX parser is by far the slowest step of loading the file."""
    if not _LATEX_SPECIALS.search(text):
        return text
    if not _BEYOND_SIMPLE.search(text):  # only braces, dashes and escaped specials: no parser needed
        text = text.replace("---", "\u2014").replace("--", "\u2013").replace("``", "\u201c").replace("''", "\u201d")
        text = text.replace("{", "").replace("}", "")
        return re.sub(r"\\([&%$#_])", r"\1", text).strip()
    try:
        return str(_latex_parser().latex_to_text(text)).strip()
    except (RecursionError, ValueError, IndexError, KeyError):  # malformed LaTeX: shown as typed, never a crash
        return text


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
    entry_type = entry.entry_type.lower()
    # The steps fill csl in this order, which is the order of its keys (and of the problems reported).
    csl: dict[str, Any] = {"id": entry.key, "type": _CSL_TYPES.get(entry_type, "document")}
    problems = _subtype_problems(csl, entry, fields, display, line)
    _copy_fields(csl, entry_type, fields)
    problems += _address_problems(csl, entry.key, display, line)
    problems += _date_problems(csl, entry.key, fields, display, line)
    if entry.entry_type.lower() == "book" and "container-title" in csl:
        csl["collection-title"] = csl.pop("container-title")
    return csl, problems


def _subtype_problems(csl: dict[str, Any], entry: Entry, fields: dict[str, Any], display: str,
                      line: int) -> list[Diagnostic]:
    """An article's entrysubtype (newspaper, magazine) as its CSL type; any other entrysubtype is a problem."""
    if "entrysubtype" not in fields:
        return []
    entry_type = entry.entry_type.lower()
    subtype = " ".join(str(fields["entrysubtype"]).split()).lower()
    if entry_type == "article" and subtype in _ARTICLE_SUBTYPES:
        csl["type"] = _ARTICLE_SUBTYPES[subtype]
        return []
    return [Diagnostic(
        display, line, 1, f"the entrysubtype of {quote(entry.key)} is {quote(subtype)}, which says nothing "
        f"to the bibliography of a @{entry_type}",
        "for an article in a newspaper or a magazine, write @article with entrysubtype = {newspaper} or "
        "entrysubtype = {magazine} and the paper's name in journaltitle; otherwise remove entrysubtype")]


def _copy_fields(csl: dict[str, Any], entry_type: str, fields: dict[str, Any]) -> None:
    """The fields that need no checking, each under its CSL name: a report's number and type, the names,
    the plain text fields (the first of several BibTeX fields for one CSL field wins) and the pages."""
    if entry_type in _NUMBERED_TYPES:
        for bib, key in (("number", "number"), ("type", "genre")):
            if bib in fields:
                csl[key] = _latex(" ".join(str(fields[bib]).split()))
    for name in ("author", "editor"):
        if name in fields:
            csl[name] = _names(fields[name])
    plain = {"title": "title", "journal": "container-title", "booktitle": "container-title",
             "journaltitle": "container-title", "volume": "volume", "number": "issue", "edition": "edition",
             "publisher": "publisher", "institution": "publisher", "organization": "publisher",
             "address": "publisher-place", "location": "publisher-place", "isbn": "ISBN", "issn": "ISSN",
             "howpublished": "container-title", "note": "note", "doi": "DOI", "url": "URL",
             "chapter": "chapter-number"}
    if entry_type in _NUMBERED_TYPES:
        del plain["number"]  # the report's own number, set above
    for bib, key in plain.items():
        if bib in fields and key not in csl:
            value = " ".join(str(fields[bib]).split())
            csl[key] = value if key in ("URL", "DOI") else _latex(value)
    if "pages" in fields:
        csl["page"] = re.sub(r"-+", "-", str(fields["pages"]))


def _address_problems(csl: dict[str, Any], key: str, display: str, line: int) -> list[Diagnostic]:
    """The DOI (without its resolver's prefix) and the URL: one that is not what it should be, or a URL on a
    site that copies others' documents, is reported and left out."""
    problems = []
    if "DOI" in csl:
        csl["DOI"] = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", csl["DOI"], flags=re.I)
        if not _DOI.match(csl["DOI"]):
            problems.append(Diagnostic(display, line, 1, f"the doi of {quote(key)} is not a DOI: "
                                       f"{quote(csl['DOI'])}", "give the DOI as the publisher shows it, e.g. "
                                       "doi = {10.1146/annurev-clinpsy-050817-084833}"))
            del csl["DOI"]
    if (url := csl.get("URL")) and (why := url_problem(url)):
        problems.append(Diagnostic(display, line, 1, f"the url of {quote(key)} {why}",
                                   "give a full address starting with https:// or http://"))
        del csl["URL"]
    elif url and (mirror := mirror_host(url)):
        problems.append(Diagnostic(display, line, 1, f"the url of {quote(key)} is on {mirror}, a site "
                                   "that copies other publishers' documents",
                                   "cite the publisher's own address in url, and name the copy you read in "
                                   "editorsnote = {...}"))
        del csl["URL"]
    return problems


def _date_problems(csl: dict[str, Any], key: str, fields: dict[str, Any], display: str,
                   line: int) -> list[Diagnostic]:
    """The year (with its month), the access date and the full date as CSL dates; one that is not a date,
    or is impossible, is reported and left out."""
    problems = []
    if "year" in fields:
        year = str(fields["year"]).strip()
        month = _MONTHS.get(str(fields.get("month", "")).strip().lower()[:3])
        if not re.fullmatch(r"[0-9]{4}", year) or date_problem(year):
            why = date_problem(year) if re.fullmatch(r"[0-9]{4}", year) else "is not a year"
            problems.append(Diagnostic(display, line, 1, f"the year of {quote(key)} {quote(year)} {why}",
                                       "write the year as four digits, e.g. year = {2018}"))
        else:
            csl["issued"] = {"date-parts": [[int(year), month] if month else [int(year)]]}
    for bib, csl_key in (("urldate", "accessed"), ("date", "issued")):
        if bib in fields:
            value = str(fields[bib]).strip()
            if why := date_problem(value):
                problems.append(Diagnostic(display, line, 1, f"the {bib} of {quote(key)} {quote(value)} {why}",
                                           f"write it as YYYY-MM-DD, e.g. {bib} = {{2026-11-24}}"))
            else:
                csl[csl_key] = {"date-parts": [[int(p) for p in value.split("-")]]}
    return problems


def format_references(references: dict[str, Reference], cache_file: Path | None = None) -> dict[str, str]:
    """Each reference formatted as HTML by citeproc-py, by key, in the bibliography's order.

    citeproc-py takes milliseconds an entry; with cache_file, a bibliography whose entries did not change
    is read from the last run's result instead of formatted again."""
    key = ""
    if cache_file is not None:
        payload = json.dumps([STYLE, [ref.csl for ref in references.values()]], sort_keys=True)
        key = hashlib.sha256(payload.encode()).hexdigest()
        cached = read_record(cache_file, {"key": str, "formatted": dict})
        if cached is not None and cached["key"] == key and _formats_each(cached["formatted"], references):
            return dict(cached["formatted"])
    formatted = _format_references(references)
    if cache_file is not None:
        write_file(cache_file, json.dumps({"key": key, "formatted": formatted}))
    return formatted


def _formats_each(formatted: dict[str, Any], references: dict[str, Reference]) -> bool:
    """Whether a cached bibliography has text for every reference, and only text: else it is a miss."""
    return set(formatted) == set(references) and all(isinstance(text, str) for text in formatted.values())


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


def _author_year(ref: Reference) -> str:
    """Author (year) without a suffix: the first author's family name, 'et al.' for three or more."""
    people = ref.csl.get("author") or ref.csl.get("editor") or []
    names = [p.get("family") or p.get("literal", "") for p in people]
    who = names[0] if len(names) == 1 else " and ".join(names) if len(names) == 2 else \
        f"{names[0]} et al." if names else str(ref.csl.get("title", ref.key))
    year = ref.csl.get("issued", {}).get("date-parts", [[None]])[0][0]
    return f"{who} ({year or 'n.d.'}"


def short_citation(ref: Reference) -> str:
    """Author (year), as a link label, with a year suffix where another reference would read the same:
    never ambiguous."""
    return f"{_author_year(ref)}{ref.year_suffix})"


_URL = re.compile(r"https?://[^\s<>\"]+")


def link_urls(formatted: str, css_class: str = "") -> str:
    """format_references' HTML (escaped text and a few tags) with its addresses ("Available at: https://...")
    made links."""
    attribute = f' class="{css_class}"' if css_class else ""

    def link(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(".,;")
        if re.search(r"&#?\w+$", url) and match.group(0)[len(url):].startswith(";"):
            url += ";"  # the ';' ends a character reference (&#38;) in the address, not the sentence
        return f'<a{attribute} href="{url}">{url}</a>{match.group(0)[len(url):]}'
    return _URL.sub(link, formatted)


"""What the generated pages are made from, hashed: so that a build with nothing changed goes straight to
the site step, without rendering every page to find it the same as the one on disk.

The pages depend on the data files (every file under the data folders, the single files and
references.bib), mkdocs.yml (the site's name and addresses), the edition (the commit and its date), the
engine (every file of this package: code, templates, schemas, assets) and the libraries that format text.
Their hash is recorded in .cache/pages.json after the pages are written, with the size and time of each
file written, and the next build skips rendering when both are as recorded: a page edited, removed or
touched since by anything else is a miss, and everything is rendered (and only what differs written).

The record also keeps what the checks (load, validate, resolve) found on the day they ran, and the date
the edition falls back to outside git. A build that needs no model (no PDF to make) and finds the record
whole, of the same inputs and of the same day (a date in the data may not be after today), reports those
findings again instead of checking again: the same files, engine and libraries give the same findings.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from compendium.diagnostics import Diagnostic, Report
from compendium.edition import Edition, current_edition
from compendium.files import has_shape, read_record, write_file
from compendium.paths import CACHE_DIR, CONFIG_FILE, data_paths

RECORD = f"{CACHE_DIR}/pages.json"  # under the compendium's root: the inputs' hash and the files written from them
ENGINE = Path(__file__).parent.parent  # the whole engine: its code, templates and schemas
# Libraries whose output is written into the pages as it is (templates, formatted references, parsed data).
LIBRARIES = ("jinja2", "markupsafe", "citeproc-py", "bibtexparser", "pylatexenc", "pyyaml")


def _files_under(path: Path) -> Iterator[Path]:
    """Every file at path or under it (a folder), in the order of their names, without following links (a link
    or a special file counts by its name and kind: the loader reads none of them, and a named pipe would block
    a read). Folders are walked with a list, not by recursion: a contributor's folders may nest deeper than
    Python's recursion goes."""
    todo = [path]
    while todo:
        current = todo.pop()
        try:
            info = current.lstat()
        except FileNotFoundError:
            continue
        if not stat.S_ISDIR(info.st_mode):
            yield current
            continue
        with os.scandir(current) as entries:
            names = sorted(entry.name for entry in entries if entry.name != "__pycache__")
        todo.extend(current / name for name in reversed(names))


def _file_parts(root: Path, paths: Iterable[Path]) -> Iterator[bytes]:
    """Each file's name (relative to root), kind and, for a regular file, bytes: what its hash is made of."""
    for path in paths:
        for file in _files_under(path):
            info = file.lstat()
            yield f"\0{file.relative_to(root).as_posix()}\0{stat.S_IFMT(info.st_mode)}\0".encode()
            if stat.S_ISREG(info.st_mode):
                with file.open("rb") as handle:
                    yield hashlib.file_digest(handle, "sha256").digest()


def inputs_key(root: Path, edition: Edition) -> str:
    """The hash of everything the generated pages are made from (see the module's docstring)."""
    digest = hashlib.sha256(f"{edition.date}\0{edition.commit}\0{edition.epoch}".encode())
    for library in LIBRARIES:
        try:
            digest.update(f"\0{library} {metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"\0{library} none".encode())
    for part in _file_parts(root, [root / name for name in [*data_paths(), CONFIG_FILE]]):
        digest.update(part)
    for part in _file_parts(ENGINE.parent, [ENGINE]):
        digest.update(part)
    return digest.hexdigest()


def _stamp(path: Path) -> list[int] | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns] if stat.S_ISREG(info.st_mode) else None


_RECORD_SHAPE = {"key": str, "pages": int, "files": dict}


def unchanged_pages(root: Path, docs_dir: Path, key: str) -> int | None:
    """How many pages the last build generated under docs_dir, when they were made from inputs of this key
    and every file it wrote is still as it was then; None when the pages are to be rendered."""
    record = read_record(root / RECORD, _RECORD_SHAPE)
    if record is None or record["key"] != key or not record["files"]:
        return None
    for name, stamp in record["files"].items():
        if not isinstance(name, str) or _stamp(docs_dir / name) != stamp:
            return None
    return int(record["pages"])


def record_pages(root: Path, docs_dir: Path, key: str, pages: Iterable[str], others: Iterable[str]) -> None:
    """Remember that the pages and the other files the build wrote beside them (under docs_dir) were made
    from inputs of this key, as they are now."""
    pages = sorted(pages)
    stamps = {name: _stamp(docs_dir / name) for name in sorted({*pages, *others})}
    write_file(root / RECORD, json.dumps({"key": key, "pages": len(pages), "files": stamps}))


def record_checks(root: Path, report: Report, fallback_date: str) -> None:
    """Keep, beside the pages' record, what today's checks found and the edition's fallback date."""
    record = read_record(root / RECORD, _RECORD_SHAPE)
    if record is None:
        return
    checks = {"on": datetime.date.today().isoformat(), "fallback_date": fallback_date,
              "diagnostics": [asdict(d) for d in report.diagnostics]}
    if record.get("checks") != checks:  # the cache is left untouched by a build that changes nothing
        write_file(root / RECORD, json.dumps({**record, "checks": checks}))


def reused_checks(root: Path, docs_dir: Path) -> tuple[Report, Edition, int] | None:
    """The last build's findings, the edition and how many pages it wrote, when it checked today, no input
    changed since and every file it wrote is as it was; else None (and the checks are to be made)."""
    record = read_record(root / RECORD, {**_RECORD_SHAPE, "checks": dict})
    checks = record["checks"] if record else {}
    if checks.get("on") != datetime.date.today().isoformat() or not isinstance(checks.get("fallback_date"), str) \
            or not isinstance(checks.get("diagnostics"), list):
        return None
    shape = {"path": str, "line": int, "column": int, "message": str, "hint": str, "severity": str}
    if not all(isinstance(d, dict) and has_shape(d, shape) and d["severity"] in ("error", "warning")
               for d in checks["diagnostics"]):
        return None  # a record not of this engine's making: check again
    try:
        edition = current_edition(root, checks["fallback_date"])
    except ValueError:  # not a date
        return None
    diagnostics = [Diagnostic(**{name: d[name] for name in shape}) for d in checks["diagnostics"]]
    pages = unchanged_pages(root, docs_dir, inputs_key(root, edition))
    return None if pages is None else (Report(diagnostics), edition, pages)

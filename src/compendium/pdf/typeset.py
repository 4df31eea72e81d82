"""Lays the print document out with Typst, in one compile, into a tagged PDF (PDF/UA-1).

The Python package `typst` ships the compiler as a wheel: no program or library to install besides it.
Typst numbers the pages, resolves every cross-reference ("see p. 34") and running header, writes the
links, named destinations (one per label) and bookmarks (one per heading of a section or item), tags
the content for screen readers and reflow, and embeds the fonts, subset.

One compile is two layout passes: the first finds where every label is, the second prints the pages
found (the template keeps every page number at one width, so that nothing moves and Typst needs no third
pass to check). Its memory is Typst's own: about 1.2 MiB a page laid out (0.9 MiB without the second
pass, about 1 MiB for plain paragraphs of text), kept until the PDF is written, so that a document of
thousands of pages needs gigabytes. The compile runs in a process of its own (pdf/worker.py), so that this
memory goes back to the system with the PDF, rather than staying with the build for its remaining steps.

The template (pdf/compendium.typ) reads the print document from sys.inputs as JSON: contributor
text reaches Typst only as strings, which it shows as text. The compiler's root is the folder of the
chart SVGs, so that the template, or anything in the data, can read no other file.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import suppress
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from compendium.files import read_record, write_file
from compendium.pdf.errors import PdfError

TEMPLATE = "compendium.typ"
WORKER = "worker.py"  # run by path in a fresh interpreter: one compile, and its memory freed after
STANDARDS = ["ua-1"]  # PDF/UA-1: tagged, with language, title and alternative text on every chart
# The fonts the template asks for first; Typst falls back to its own (Libertinus Serif) when missing.
FONTS = ("Liberation Serif", "Liberation Sans", "DejaVu Sans")
# Where Typst finds the system's fonts on Linux (fontconfig's configuration, in /etc/fonts, names them):
# watched, with the folders of the fonts found, to tell whether the fonts changed without asking Typst.
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts", "/etc/fonts")
FONT_PACKAGES = "On Debian or Ubuntu: sudo apt-get install fonts-liberation2 fonts-dejavu-core"

MISSING_TYPST = """\
the PDF edition is made with Typst, which the Python package `typst` ships; it is not installed in this \
environment ({detail}).
  Run `make pdf`, which installs the pinned requirements, or: pip install -r requirements.txt"""


def load_typst() -> Any:
    """The typst module, or a PdfError that says how to install it."""
    try:
        import typst
    except ImportError as exc:
        raise PdfError(MISSING_TYPST.format(detail=str(exc) or type(exc).__name__)) from exc
    return typst


def typst_version() -> str:
    try:
        return metadata.version("typst")
    except metadata.PackageNotFoundError:
        return "not installed"


@cache
def template() -> str:
    return resources.files("compendium.pdf").joinpath(TEMPLATE).read_text("utf-8")


@cache
def _font_scan() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    typst = load_typst()
    found, files = [], set()
    for font in typst.Fonts().fonts():
        path = Path(font.path) if font.path else None
        size = path.stat().st_size if path is not None and path.is_file() else 0
        found.append(f"{font.family}|{font.style}|{font.weight}|{font.stretch}|{font.path}|{font.index}|{size}")
        if path is not None:
            files.add(str(path))
    families = {line.split("|", 1)[0] for line in found}
    return tuple(sorted(found)), tuple(f for f in FONTS if f not in families), tuple(sorted(files))


def fonts() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fonts Typst can use (family, style, weight, file and its size), and which of FONTS are missing.

    Part of the PDF's cache key: another version of a font gives another PDF."""
    found, missing, _ = _font_scan()
    return found, missing


def _fonts_stamp(files: list[str]) -> str:
    """What changes when a font is installed, removed or replaced where Typst looks: the time of every
    folder under FONT_FOLDERS and under those of the font files found (adding or removing a file changes
    its folder's), the size and time of each of those files, and Typst's version (its own fonts)."""
    folders = {Path(folder).expanduser() for folder in FONT_FOLDERS} | {Path(file).parent for file in files}
    parts = [f"typst {typst_version()}"]
    for top in sorted(folders):
        for folder, _, _ in os.walk(top):
            with suppress(OSError):
                parts.append(f"{folder}|{os.stat(folder).st_mtime_ns}")
    for file in files:
        try:
            info = os.stat(file)
            parts.append(f"{file}|{info.st_size}|{info.st_mtime_ns}")
        except OSError:
            parts.append(f"{file}|gone")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def recorded_fonts(record_file: Path) -> tuple[str, ...]:
    """fonts()[0], as recorded in record_file when nothing has changed in the font folders since (see
    _fonts_stamp), so that a build whose PDF comes from the cache never loads Typst; else asked of Typst,
    and recorded."""
    record = read_record(record_file, {"stamp": str, "fonts": list, "files": list})
    if record is not None and all(isinstance(v, str) for v in [*record["fonts"], *record["files"]]) \
            and record["stamp"] == _fonts_stamp(record["files"]):
        return tuple(record["fonts"])
    found, _, files = _font_scan()
    write_file(record_file, json.dumps({"stamp": _fonts_stamp(list(files)), "fonts": found, "files": files}))
    return found


def typeset(document: str, charts_dir: Path, timestamp: int, log: Callable[[str], None] = lambda _: None) -> bytes:
    """The print document (document.py's data, as JSON) laid out by the template, as a tagged PDF's bytes.

    charts_dir: the compiler's root, the only folder it may read (the chart SVGs are in it);
    timestamp: the PDF's creation date in seconds since 1970 (so that one edition gives the same bytes).
    Typst runs in a process of its own (pdf/worker.py), whose memory is freed when the PDF is written."""
    load_typst()  # the message that says how to install it, before a process is started for it
    missing = fonts()[1]
    if missing:
        log(f"pdf: the fonts {', '.join(missing)} are not installed; Typst uses its own instead ({FONT_PACKAGES})")
    source = template().encode("utf-8")
    worker = Path(__file__).with_name(WORKER)
    # -P: the worker's folder is not put on the module path, where its neighbours could shadow a module.
    command = [sys.executable, "-P", str(worker), str(charts_dir), str(timestamp), ",".join(STANDARDS),
               str(len(source))]
    done = subprocess.run(command, input=source + document.encode("utf-8"), capture_output=True, check=False)
    outcome = _outcome(done.stderr)
    if done.returncode != 0 or "warnings" not in outcome:
        raise PdfError(_failure(done.returncode, outcome, done.stderr))
    for warning in outcome["warnings"]:
        log(f"pdf: Typst: {warning}")
    if not done.stdout:
        raise PdfError("Typst returned no PDF")
    return done.stdout


def _outcome(stderr: bytes) -> dict[str, Any]:
    """The worker's last line on its standard error (see worker.py), or {} when it wrote none."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    try:
        outcome = json.loads(lines[-1]) if lines else {}
    except ValueError:
        return {}
    return outcome if isinstance(outcome, dict) else {}


def _failure(status: int, outcome: dict[str, Any], stderr: bytes) -> str:
    """What to tell the reader when the worker wrote no PDF."""
    if "error" in outcome:
        hints = "".join(f"\n  hint: {hint}" for hint in outcome.get("hints", []))
        return f"Typst could not lay out the PDF edition: {outcome['error']}{hints}"
    if status < 0:
        how = "signal 9, which is how the system stops a process that runs out of memory" if status == -9 \
            else f"signal {-status}"
        return f"Typst's process was stopped before it wrote the PDF edition ({how})"
    said = stderr.decode("utf-8", "replace").strip()[-2000:]
    return f"Typst's process ended (status {status}) without writing the PDF edition" + (f": {said}" if said else "")

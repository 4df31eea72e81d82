"""How untrusted files are taken in: what is refused before any parsing, and what text may hold.

Every data file arrives by pull request from people we do not know. Before a byte is parsed, a file
must be a regular file (not a link, which could point anywhere on the machine, nor a device or pipe,
which could never end), no larger than its limit, and one of a bounded number. Text values may hold
no character that a page, a feed or a terminal would act on. Every limit is here, in one place.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_YAML_BYTES = 1_000_000  # one data file
MAX_BIB_BYTES = 5_000_000  # references.bib: about 10,000 entries
MAX_FILES = 50_000  # data files in all: 3,000 claims with 3 evidence items each, and room to spare
MAX_TEXT_CHARS = 20_000  # any one string, before its schema's own (smaller) limit is checked
MAX_BIB_FIELD_CHARS = 10_000  # any one field of references.bib, before its LaTeX is read
MAX_BRACE_DEPTH = 20  # {nested {braces}} in one field of references.bib
QUOTE_CHARS = 80  # how much of a value a message quotes

# Characters no text may hold: the C0 controls but tab, newline and carriage return, DEL and the C1 controls,
# lone surrogates, and the two non-characters XML 1.0 forbids. Any of them makes the feed ill-formed XML,
# and some rewrite a terminal or a CI log.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class IntakeError(Exception):
    """A file refused before parsing; the message says why, the hint what to do."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


LINK_HINT = "commit the file itself here: links and special files are not read, as they could point anywhere"


def refuse_special(path: Path) -> None:
    """Raise IntakeError unless path is a regular file, looked at without following a link."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        raise IntakeError(f"cannot read the file: {exc.strerror}", "") from None
    if not stat.S_ISREG(mode):
        raise IntakeError(f"the file is {_kind(mode)}", LINK_HINT)


def read_limited(path: Path, limit: int | None) -> bytes:
    """The bytes of a regular file of at most limit bytes (None: any size, for the build's own outputs);
    never follows a link, never blocks on a pipe, and never reads more than limit + 1 bytes, whatever the
    file claims to be."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IntakeError("the file is a symbolic link", LINK_HINT) from None
        raise IntakeError(f"cannot read the file: {exc.strerror}", "") from None
    with os.fdopen(descriptor, "rb") as handle:
        try:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise IntakeError(f"the file is {_kind(mode)}", LINK_HINT)
            content = handle.read() if limit is None else handle.read(limit + 1)
        except OSError as exc:  # a disk error while reading: the file cannot be read, like one that cannot be opened
            raise IntakeError(f"cannot read the file: {exc.strerror}", "") from None
    if limit is not None and len(content) > limit:
        raise IntakeError(f"the file is larger than {limit} bytes", "split it, or check that it is the file you meant")
    return content


@dataclass(frozen=True)
class Entry:
    """One name found in a folder that is read: a regular file, or something refused (reason says why)."""

    path: Path
    reason: str = ""


def scan_folder(folder: Path) -> list[Entry]:
    """The names in folder, sorted, each with why it cannot be read ('' for a regular file)."""
    entries = []
    with os.scandir(folder) as found:
        for item in found:
            mode = item.stat(follow_symlinks=False).st_mode
            entries.append(Entry(Path(item.path), "" if stat.S_ISREG(mode) else _kind(mode)))
    return sorted(entries, key=lambda e: e.path.name)


def special_files(folder: Path) -> list[Entry]:
    """Every link or special file under folder (not followed into), for a tree that is copied whole."""
    refused = []
    for parent, folders, files in os.walk(folder, followlinks=False):
        for name in sorted([*folders, *files]):
            path = Path(parent) / name
            mode = os.lstat(path).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                refused.append(Entry(path, _kind(mode)))
    return refused


def text_problem(value: str) -> tuple[str, str] | None:
    """What is wrong with a piece of contributor text, as (message, hint), or None."""
    if len(value) > MAX_TEXT_CHARS:
        return (f"the text is {len(value)} characters long, more than {MAX_TEXT_CHARS}",
                "shorten it: no field needs this much")
    if found := _FORBIDDEN.search(value):
        return (f"the text holds the control character U+{ord(found.group()):04X} at character {found.start() + 1}",
                "remove it: it is invisible, and pages, feeds and logs cannot show it")
    if value and not value.strip():
        return "the text is only white space", "write the text, or leave the field out"
    return None


def may_hide_problems(whole: str) -> bool:
    """Whether a text cut from whole (a YAML file's scalar, say) could hold a problem text_problem finds
    other than white space alone. Not when whole is no longer than any text may be, holds no forbidden
    character, and no backslash: such a text is made of whole's own characters (and of the spaces and line
    breaks that folding lines makes), since only an escape (\\x01) could bring in another."""
    return len(whole) > MAX_TEXT_CHARS or "\\" in whole or _FORBIDDEN.search(whole) is not None


def quote(value: object) -> str:
    """A value as a message quotes it: in quotes, control characters made visible, at most about 80 characters."""
    text = str(value)
    shortened = len(text) > QUOTE_CHARS
    text = visible(text[:QUOTE_CHARS])
    return f"'{text}...' ({len(str(value))} characters)" if shortened else f"'{text}'"


_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def visible(text: str) -> str:
    """text with every control character written as an escape (\\n, \\x1b), so that no message printed
    to a terminal or a CI log can move the cursor, start a new line or forge a line of its own."""
    return _INVISIBLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)

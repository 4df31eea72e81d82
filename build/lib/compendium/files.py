"""Output files written whole or not at all, cache records read without trusting them, and how to say
what went wrong with a file.

Every file the build writes goes through write_file: a temporary file in the same folder, renamed over
the target only once it is complete, so that a full disk, a read-only folder or a `kill -9` leaves
the previous file (or none), never half of one. Every cache record goes through read_record: a cache
that is missing, truncated, of another shape or not a regular file is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compendium.intake import IntakeError, read_limited

RECORD_LIMIT = 256 * 1024 * 1024  # bytes: a cache record larger than this is not read (a miss)


def write_file(path: Path, content: str | bytes, mode: int = 0o644) -> None:
    """Write content (text as UTF-8) to path by a temporary file and a rename: path then holds either
    its previous content or all of the new. An OSError names the path it could not write."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)  # its error names the folder it could not make
    try:
        # A dot file: MkDocs leaves it out of the site should one be left behind by a killed build.
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise _naming(error, path) from error
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
        finally:
            os.close(handle)
        os.chmod(temporary, mode)  # mkstemp makes the file private; what is published is for all to read
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _naming(error, path) from error
        raise


def _naming(error: OSError, path: Path) -> OSError:
    """The error, naming the file that was to be written (a failed write says no file, a failed rename
    the temporary one)."""
    if error.filename == str(path) and error.filename2 is None:
        return error
    return OSError(error.errno, error.strerror or str(error), str(path))


def describe(error: OSError) -> str:
    """An OSError as one line: the path or paths, and the reason in the system's words."""
    reason = error.strerror or str(error)
    if error.filename is None:
        return reason
    paths = str(error.filename) if error.filename2 is None else f"{error.filename} -> {error.filename2}"
    return f"{paths}: {reason}"


def sha256_file(path: Path) -> str | None:
    """The SHA-256 of a regular file's bytes, or None when path is not one (or cannot be read)."""
    data = read_regular(path)
    return None if data is None else hashlib.sha256(data).hexdigest()


def read_regular(path: Path, limit: int | None = None) -> bytes | None:
    """The bytes of path when it is a regular file (a symlink is not followed) of at most limit bytes,
    else None (also when it cannot be read): intake.read_limited, with a refusal as a miss, for the build's
    own outputs and caches."""
    try:
        return read_limited(path, limit)
    except IntakeError:
        return None


def has_shape(value: Any, shape: Mapping[str, type]) -> bool:
    """Whether value is a JSON object with each field of shape holding a value of its type (an int
    field does not take true or false, which Python counts as integers)."""
    if not isinstance(value, dict):
        return False
    for name, kind in shape.items():
        field = value.get(name)
        if not isinstance(field, kind) or (kind is int and isinstance(field, bool)):
            return False
    return True


def read_record(path: Path, shape: Mapping[str, type] | None = None) -> dict[str, Any] | None:
    """The JSON object in the cache file path, or None when it is missing, unreadable, not JSON, not an
    object, or lacks a field of shape (or holds one of another type): a bad cache is a miss."""
    data = read_regular(path, RECORD_LIMIT)
    if data is None:
        return None
    try:
        value = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError; deep nesting a RecursionError
        return None
    return value if has_shape(value, shape or {}) else None


@dataclass(frozen=True)
class WriteStats:
    """What writing the generated pages did: files written, left as they were (the same text), removed."""

    written: int
    unchanged: int
    removed: int

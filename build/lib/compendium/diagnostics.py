"""Problems found in the input, collected rather than raised, so that one run reports them all."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from compendium.intake import visible

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, at a place in a file. Lines and columns count from 1; 0 means 'the whole file'."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Severity = "error"

    def format_text(self) -> str:
        # File names and quoted values come from contributors: every control character is shown as an
        # escape, so that one problem is always one line (and its hint the next), whatever they hold.
        path = visible(self.path)
        where = f"{path}:{self.line}:{self.column}" if self.line else path
        text = f"{where}: {self.severity}: {visible(self.message)}"
        return f"{text}\n    hint: {visible(self.hint)}" if self.hint else text

    def format_github(self) -> str:
        # GitHub Actions workflow command: shows the message on the pull request's diff line. One problem is
        # one command: the data and the properties are escaped as GitHub's toolkit escapes them.
        message = f"{self.message} ({self.hint})" if self.hint else self.message
        kind = "error" if self.severity == "error" else "warning"
        return (f"::{kind} file={_github_property(self.path)},line={max(self.line, 1)},"
                f"col={max(self.column, 1)}::{_github_data(message)}")


def _github_data(text: str) -> str:
    return visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Report:
    """Every diagnostic of a run, in the order found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    def note_prevented(self, prevented: Mapping[str, int]) -> None:
        """Say once, on the first error of each file that could not be read, how many checks of other
        files it prevented, instead of reporting each of those as a problem of its own."""
        for path, count in prevented.items():
            for i, diagnostic in enumerate(self.diagnostics):
                if diagnostic.path == path and diagnostic.severity == "error":
                    note = f"until it is fixed, {count} check(s) of ids or keys in other files cannot be made"
                    hint = f"{diagnostic.hint.rstrip(',.;')}. {note[0].upper()}{note[1:]}" if diagnostic.hint \
                        else f"{note[0].upper()}{note[1:]}"
                    self.diagnostics[i] = replace(diagnostic, hint=hint)
                    break

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.diagnostics), key=lambda d: (d.path, d.line, d.column, d.message))


def display_path(path: Path, root: Path) -> str:
    """The path as a contributor sees it in the repository: relative to the compendium's root.

    Paths found under root are taken relative to it directly; only others are resolved (through the
    file system, which costs a system call or more a path: too slow for thousands of files)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A 'did you mean' hint naming the nearest candidate, or '' when none is near."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else ""

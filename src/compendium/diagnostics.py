"""Problems found in the input, collected rather than raised, so that one run reports them all."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

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
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def format_github(self) -> str:
        # GitHub Actions workflow command: shows the message on the pull request's diff line.
        message = f"{self.message} ({self.hint})" if self.hint else self.message
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        kind = "error" if self.severity == "error" else "warning"
        return f"::{kind} file={self.path},line={max(self.line, 1)},col={max(self.column, 1)}::{message}"


@dataclass
class Report:
    """Every diagnostic of a run, in the order found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

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

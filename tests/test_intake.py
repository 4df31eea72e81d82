"""What is refused before parsing (links, pipes, devices, sizes, counts), and how values are quoted in messages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compendium.diagnostics import Diagnostic
from compendium.input import load
from compendium.intake import QUOTE_CHARS, IntakeError, quote, read_limited, text_problem, visible
from compendium.pipeline import check


def test_read_limited_never_reads_past_the_limit_or_follows_a_link(tmp_path: Path) -> None:
    (tmp_path / "zero").symlink_to("/dev/zero")
    with pytest.raises(IntakeError, match="symbolic link"):
        read_limited(tmp_path / "zero", 10)
    with pytest.raises(IntakeError, match="a device"):
        read_limited(Path("/dev/zero"), 10)  # a device that never ends is refused, not read
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(IntakeError, match="named pipe"):
        read_limited(tmp_path / "pipe", 10)  # no writer: opening it must not block
    (tmp_path / "big").write_bytes(b"x" * 11)
    with pytest.raises(IntakeError, match="larger than 10 bytes"):
        read_limited(tmp_path / "big", 10)
    assert read_limited(tmp_path / "big", 11) == b"x" * 11


def test_too_many_data_files_are_refused_before_any_is_read(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_FILES", 3)
    read: list[Path] = []
    real_read = load._read

    def counting(path: Path, root: Path, problems: list[Diagnostic]) -> object:
        read.append(path)
        return real_read(path, root, problems)

    monkeypatch.setattr(load, "_read", counting)
    report, compendium = check(sample)
    assert compendium is None
    assert next(d.message for d in report.errors) == "there are more than 3 data files"
    assert not [p for p in read if p.parent.name in load.FOLDERS]


def test_quotes_are_short_and_show_control_characters() -> None:
    assert quote("x" * 100_000) == f"'{'x' * QUOTE_CHARS}...' (100000 characters)"
    assert quote("a\nb\x1b[2K") == "'a\\nb\\x1b[2K'"
    assert "\n" not in visible("line\n::error file=x::forged") and "\x1b" not in visible("\x1b")


@pytest.mark.parametrize("text", ["\x00", "a\x08b", "\x1b[31m", "\x7f", "\x85", "\ud800", "\ufffe", "   ", "\t\n"])
def test_text_that_no_output_can_hold_is_refused(text: str) -> None:
    assert text_problem(text) is not None


@pytest.mark.parametrize("text", ["plain", "tab\tand\nnewline", "é ✓ 😀", "\u00a0x"])
def test_ordinary_text_passes(text: str) -> None:
    assert text_problem(text) is None

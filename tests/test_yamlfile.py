"""Loading YAML: positions kept, duplicates caught, dates left as text, bad files reported with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from compendium.yamlfile import YamlError, load_yaml


def _load(tmp_path: Path, text: str | bytes) -> tuple[object, list[str]]:
    path = tmp_path / "x.yml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    document, problems = load_yaml(path, "x.yml")
    return document, [p.format_text() for p in problems]


def test_positions_of_values_and_keys(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text("title: A\nevidence:\n  - id: one\n    stance: supports\n  - id: two\n")
    document, problems = load_yaml(path, "x.yml")
    assert problems == []
    assert (document.position(("evidence", 1, "id")).line, document.position(("evidence", 1, "id")).column) == (5, 9)
    assert document.position(("evidence", 0, "stance"), key=True).line == 4
    assert document.position(("evidence", 7, "missing")).line == 3  # falls back to the list it is in


def test_dates_stay_text_and_numbers_stay_numbers(tmp_path: Path) -> None:
    document, _ = _load(tmp_path, "date: 2018-02-02\nmonth: 2017-05\nvalue: 50.8\nn: 90\nyes: no\n")
    assert document.data == {"date": "2018-02-02", "month": "2017-05", "value": 50.8, "n": 90, "yes": False}


def test_duplicate_key_reported_with_both_lines(tmp_path: Path) -> None:
    document, problems = _load(tmp_path, "title: A\nother: 1\ntitle: B\n")
    assert problems == ["x.yml:3:1: error: duplicate field 'title'\n"
                        "    hint: 'title' is already given on line 1; keep one of them"]
    assert document.data["title"] == "A"


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    document, problems = _load(tmp_path, b"\xef\xbb\xbftitle: A\n")
    assert document.data == {"title": "A"} and problems == []


@pytest.mark.parametrize(("text", "expected"), [
    ("title: [unclosed\n", "x.yml:2:1: error: YAML syntax"),
    (b"title: caf\xe9\n", "x.yml:1:11: error: the file is not valid UTF-8 text"),
    ("title:\n\t- tab\n", "x.yml:2:1: error: YAML syntax"),
    ("", "x.yml:1:1: error: the file is empty"),
    ("a: &a [1, 2]\nb: {<<: *a}\n", "x.yml:2:5: error: merge keys (<<) are not supported"),
])
def test_unusable_files_raise_with_position(tmp_path: Path, text: str | bytes, expected: str) -> None:
    try:
        _, problems = _load(tmp_path, text)
    except YamlError as error:
        problems = [d.format_text() for d in error.diagnostics]
    assert problems and problems[0].startswith(expected), problems


@pytest.mark.parametrize(("text", "expected"), [
    # No backslash and no forbidden character in the file: only white space is looked for, and found.
    ('title: "   "\nother: fine\n', ["x.yml:1:8: error: the text is only white space"]),
    # An escape can bring in a character the file does not hold: every text is then checked in full.
    ('title: "a\\x07b"\n', ["x.yml:1:8: error: the text holds the control character U+0007 at character 2"]),
    ('"k\\x01": 1\n', ["x.yml:1:1: error: the text holds the control character U+0001 at character 2"]),
    (f"title: {'a' * 20_001}\n", ["x.yml:1:8: error: the text is 20001 characters long, more than 20000"]),
])
def test_text_problems_found_with_or_without_the_full_check(tmp_path: Path, text: str, expected: list[str]) -> None:
    _, problems = _load(tmp_path, text)
    assert [p.split("\n")[0] for p in problems] == expected


def test_positions_found_later_match_the_walk(tmp_path: Path) -> None:
    """Positions are worked out only when asked for: a duplicate's second value and a refused collection's
    insides have none, as they are not read."""
    path = tmp_path / "x.yml"
    path.write_text("a: 1\nb:\n  - x\n  - {c: 2}\na: [9, 9]\nd: !!set {e: null}\n")
    document, problems = load_yaml(path, "x.yml")
    assert len(problems) == 2
    assert document.values == {(): (1, 1), ("a",): (1, 4), ("b",): (3, 3), ("b", 0): (3, 5), ("b", 1): (4, 5),
                               ("b", 1, "c"): (4, 9), ("d",): (6, 4)}
    assert document.keys == {("a",): (1, 1), ("b",): (2, 1), ("b", 1, "c"): (4, 6), ("d",): (6, 1)}

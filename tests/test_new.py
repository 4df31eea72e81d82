"""`compendium new claim|evidence|chart|topic|reference ID` in a compendium of one's own: it works before
anything exists to point at, says which command adds what is missing, and refuses bad or taken ids with
what to do."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from test_init import compendium

from compendium.bibliography import load_references
from compendium.input.placeholders import MARK
from compendium.schemas import schema

from conftest import REPO

SCHEMAS = REPO / "src" / "compendium" / "schemas"


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """A new compendium with its examples taken away: no claim, evidence item, chart, topic or reference."""
    root = tmp_path / "bare"
    assert compendium("init", str(root)).returncode == 0
    for folder in ("claims", "evidence", "charts"):
        shutil.rmtree(root / folder)
    (root / "topics.yml").unlink()
    (root / "references.bib").unlink()
    return root


def _new(root: Path, *args: str) -> tuple[int, str, str]:
    run = compendium("new", *args, "--root", str(root))
    return run.returncode, run.stdout, run.stderr


def test_new_works_with_nothing_to_point_at_and_says_what_to_add(bare: Path) -> None:
    code, out, err = _new(bare, "claim", "buses-on-time")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"wrote {bare}/claims/buses-on-time.yml: replace each text starting with {MARK}, then run " \
                       "`compendium validate`"
    todo = [line.removeprefix("  to do: ") for line in lines[1:]]
    assert todo == [
        "it points at the reference 'smith2021uptake', which does not exist yet: add it with "
        "`compendium new reference smith2021uptake`, or point at one that exists",
        "it points at the topic 'retention', which does not exist yet: add it with `compendium new topic "
        "retention`, or point at one that exists",
        "it points at the evidence item 'smith-2021-retention', which does not exist yet: add it with "
        "`compendium new evidence smith-2021-retention`, or point at one that exists"]
    code, out, err = _new(bare, "chart", "punctuality")
    assert code == 0, err
    assert "`compendium new evidence smith-2021-retention`" in out
    # Doing what the notes say makes the compendium valid: every id the new files point at then exists.
    for command in dict.fromkeys(re.findall(r"`compendium new ([a-z]+ [a-z0-9-]+)`", out + "\n".join(todo))):
        code, _, err = _new(bare, *command.split())
        assert code == 0, (command, err)
    check = compendium("validate", "--root", str(bare))
    assert check.returncode == 0, check.stderr
    assert ": error:" not in check.stderr
    strict = compendium("validate", "--strict", "--root", str(bare))
    assert strict.returncode == 1 and "placeholder text not replaced yet" in strict.stderr


def test_new_points_at_what_exists(tmp_path: Path) -> None:
    root = tmp_path / "c"
    assert compendium("init", str(root)).returncode == 0
    code, out, err = _new(root, "claim", "second-claim")
    assert code == 0 and "to do" not in out, err
    data = yaml.safe_load((root / "claims" / "second-claim.yml").read_text("utf-8"))
    assert data["source"]["ref"] == "example-source" and data["topics"] == ["example-topic"]
    assert data["evidence"][0]["id"] == "example-evidence"
    assert data["claimant"]["name"].startswith(MARK)


def test_new_topic_makes_topics_yml_then_adds_to_it(bare: Path) -> None:
    code, out, err = _new(bare, "topic", "punctuality")
    assert code == 0, err
    assert out == f"added the topic punctuality to {bare}/topics.yml: replace each text starting with {MARK}, " \
                  "then run `compendium validate`\n"
    text = (bare / "topics.yml").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=schemas/topics.schema.json\n")
    assert _new(bare, "topic", "fares")[0] == 0
    topics = yaml.safe_load((bare / "topics.yml").read_text("utf-8"))
    assert list(topics) == ["punctuality", "fares"]
    assert all(topic["title"].startswith(MARK) and topic["description"].startswith(MARK) for topic in topics.values())


def test_new_topic_refuses_a_taken_or_bad_id(bare: Path) -> None:
    assert _new(bare, "topic", "fares")[0] == 0
    before = (bare / "topics.yml").read_bytes()
    code, out, err = _new(bare, "topic", "fares")
    assert (code, out) == (1, "")
    assert err == "error: the topic 'fares' is already in topics.yml: choose another id, or edit it there\n"
    code, _, err = _new(bare, "topic", "Fares_2024")
    assert code == 1 and err == "error: 'Fares_2024' is not a valid id: use lowercase letters, digits and single " \
                                "hyphens, starting with a letter, e.g. waiting-times\n"
    assert (bare / "topics.yml").read_bytes() == before


def test_new_topic_leaves_a_file_it_cannot_add_to_as_it_was(bare: Path) -> None:
    flow = '{"fares": {"title": "Fares", "description": "What a ticket costs."}}\n'
    (bare / "topics.yml").write_text(flow, "utf-8")
    code, _, err = _new(bare, "topic", "punctuality")
    assert code == 1
    assert err == "error: topics.yml did not take the new topic (it is not written in the usual form): add it by " \
                  "hand, as topics.yml's schema describes; topics.yml was left as it was\n"
    assert (bare / "topics.yml").read_text("utf-8") == flow
    (bare / "topics.yml").write_text("fares: [unclosed\n", "utf-8")
    code, _, err = _new(bare, "topic", "punctuality")
    assert code == 1 and err == "error: topics.yml cannot be read as it is: run `compendium validate`, fix the " \
                                "problems it names in topics.yml, then run this again\n"


def test_new_reference_adds_an_entry_bibtex_reads(bare: Path) -> None:
    code, out, err = _new(bare, "reference", "riverton2023timetable")
    assert code == 0, err
    assert out == f"added the reference riverton2023timetable to {bare}/references.bib: replace each text " \
                  f"starting with {MARK}, then run `compendium validate`\n"
    assert _new(bare, "reference", "Council:2024.fares")[0] == 0
    loaded = load_references(bare / "references.bib", "references.bib")
    assert loaded.problems == [] and list(loaded.references) == ["riverton2023timetable", "Council:2024.fares"]
    entry = loaded.references["riverton2023timetable"]
    assert str(entry.csl["title"]).startswith(MARK) and entry.offline.startswith(MARK)


def test_new_reference_refuses_a_taken_or_bad_key(bare: Path) -> None:
    assert _new(bare, "reference", "smith2021")[0] == 0
    before = (bare / "references.bib").read_bytes()
    for key, message in (
            ("smith2021", "error: the key 'smith2021' is already in references.bib: choose another key\n"),
            ("Smith2021", "error: the key 'Smith2021' differs only in case from 'smith2021', which is already in "
                          "references.bib: choose another key\n"),
            ("2021smith", "error: '2021smith' is not a valid reference key: start with a letter, then use letters, "
                          "digits and _ : . -, e.g. smith2021uptake (author, year, a word of the title)\n"),
            ("smith 2021", "error: 'smith 2021' is not a valid reference key: start with a letter, then use "
                           "letters, digits and _ : . -, e.g. smith2021uptake (author, year, a word of the title)\n")):
        code, out, err = _new(bare, "reference", key)
        assert (code, out, err) == (1, "", message), key
    assert (bare / "references.bib").read_bytes() == before
    (bare / "references.bib").write_bytes(b"@misc{x,\n  title = {caf\xe9}\n}\n")
    code, _, err = _new(bare, "reference", "jones2020")
    assert code == 1 and err == "error: references.bib cannot be read as it is: run `compendium validate`, fix the " \
                                "problems it names in references.bib, then run this again\n"


@pytest.mark.parametrize("kind", ["claim", "evidence", "chart"])
def test_new_item_refuses_a_taken_or_bad_id(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "c"
    assert compendium("init", str(root)).returncode == 0
    folder = {"claim": "claims", "evidence": "evidence", "chart": "charts"}[kind]
    code, out, err = _new(root, kind, f"example-{kind}")
    assert (code, out) == (1, "")
    assert err == f"error: {folder}/example-{kind}.yml already exists: choose another id, or edit that file\n"
    longest = schema("common")["$defs"]["id"]["maxLength"]
    for bad, why in (("Bad_Id", "'Bad_Id' is not a valid id"), ("index", "'index' is reserved for a page the build "
                                                                       "writes"),
                     ("a" * 200, f"'{'a' * 80}...' (200 characters) is 200 characters long, more than the {longest} "
                                 "an id may have")):
        code, out, err = _new(root, kind, bad)
        assert code == 1 and err == f"error: {why}: use lowercase letters, digits and single hyphens, starting " \
                                    "with a letter, e.g. completion-rate-62-percent\n", err
    assert sorted(p.name for p in (root / folder).iterdir()) == [f"example-{kind}.yml"]


def test_new_keeps_the_schema_copies_the_engines(tmp_path: Path) -> None:
    root = tmp_path / "c"
    assert compendium("init", str(root)).returncode == 0
    (root / "schemas" / "claim.schema.json").write_text("{}", "utf-8")  # an older engine's, say
    (root / "schemas" / "evidence.schema.json").unlink()
    assert _new(root, "claim", "another-claim")[0] == 0
    for source in SCHEMAS.glob("*.schema.json"):
        assert (root / "schemas" / source.name).read_bytes() == source.read_bytes(), source.name
    first = (root / "claims" / "another-claim.yml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/claim.schema.json"


def test_new_in_this_repository_points_at_the_engines_own_schemas(tmp_path: Path) -> None:
    # Kept with the engine's source, a compendium's files point at src/compendium/schemas/, and no copy is made.
    root = tmp_path / "repo"
    root.mkdir()
    (root / "src").symlink_to(REPO / "src")
    code, _, err = _new(root, "topic", "fares")
    assert code == 0, err
    assert (root / "topics.yml").read_text("utf-8").startswith(
        "# yaml-language-server: $schema=src/compendium/schemas/topics.schema.json\n")
    assert not (root / "schemas").exists()

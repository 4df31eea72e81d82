"""The docs match the code: the method page defines every verdict as the schema does; every schema
field has a description and an example (the schemas are the one place the rules live)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import pytest

from compendium.paths import is_generated
from compendium.schemas import KINDS, schema

from conftest import REPO, SAMPLE


@pytest.mark.parametrize("method", [REPO / "docs" / "method.md", SAMPLE / "docs" / "method.md"])
def test_method_page_defines_every_verdict_as_the_schema_does(method: Any) -> None:
    text = method.read_text("utf-8")
    rating = schema("claim")["$defs"]["rating"]
    for value in rating["enum"]:
        heading = re.search(rf"^### (.+) \{{ #verdict-{value} \}}\n\n(.+)$", text, re.M)
        assert heading, f"{method.name} has no heading with anchor #verdict-{value}"
        assert heading.group(2) == rating["x-enum-descriptions"][value]
    assert "{ #verdicts }" in text and "{ #certainty }" in text


def _fields(node: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            found.append((f"{where}.{name}", sub))
            found.extend(_fields(sub, f"{where}.{name}"))
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                found.extend(_fields(node[key], f"{where}[]"))
        for name, sub in node.get("$defs", {}).items():
            found.extend(_fields(sub, f"{where}#{name}"))
    return found


def _resolve(sub: dict[str, Any]) -> dict[str, Any]:
    ref = sub.get("$ref", "")
    if ref.startswith("common.schema.json#/$defs/"):
        return {**schema("common")["$defs"][ref.rsplit("/", 1)[1]], **sub}
    if ref.startswith("#/$defs/rating"):
        return {**schema("claim")["$defs"]["rating"], **sub}
    if ref.startswith("#/$defs/"):
        return {**schema("common")["$defs"][ref.rsplit("/", 1)[1]], **sub}
    return sub


@pytest.mark.parametrize("kind", [*KINDS, "common"])
def test_every_field_has_a_description_and_an_example(kind: str) -> None:
    for where, sub in _fields(schema(kind), kind):
        resolved = _resolve(sub)
        assert resolved.get("description"), f"{where} has no description"
        has_example = "examples" in resolved or resolved.get("type") in ("object", "array", "boolean") \
            or "items" in resolved
        assert has_example, f"{where} has no example"


def test_schemas_are_draft_2020_12() -> None:
    for kind in [*KINDS, "common"]:
        assert schema(kind)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_method_page_gives_the_number_of_every_verdict() -> None:
    text = (REPO / "docs" / "method.md").read_text("utf-8")
    for rating, value in schema("claim")["$defs"]["rating"]["x-rating-values"].items():
        label = rating.replace("-", " ").capitalize()
        assert f"| {label} | {value} |" in text, rating


def test_every_method_anchor_the_templates_link_to_is_checked_in_the_method_page() -> None:
    # validate.check_method_page names docs/method.md when an anchor is missing: it must know every anchor that
    # a template or the engine links to, or a new compendium would find the broken link only in the built site.
    from compendium.input.validate import required_method_anchors

    package = Path(__file__).parent.parent / "src" / "compendium"
    texts = [p.read_text("utf-8") for p in [*package.glob("**/templates/**/*.j2"), *package.glob("**/*.py")]]
    linked = {m for text in texts for m in re.findall(r"method\.md#([a-z-]+)(?![a-z{-])", text)}
    assert linked and linked <= set(required_method_anchors())
    assert any("method.md#verdict-{" in text for text in texts)  # the verdict-<rating> anchors, one a rating


def test_developing_names_every_module_and_only_modules_that_exist() -> None:
    """DEVELOPING.md's map of the code stays the code's: every module and package of the engine is named
    there, and every file or folder it names in backticks exists (under src/compendium/, or from the top)."""
    text = (REPO / "DEVELOPING.md").read_text("utf-8")
    package = REPO / "src" / "compendium"
    named = set(re.findall(r"`([\w/.*-]+(?:\.py|\.json|\.j2|\.typ|/))`", text))
    # What the build generates is named by paths.generated(), not found on disk (a fresh clone has none of it).
    missing = sorted(n for n in named if "*" not in n and not is_generated(n.rstrip("/")) and not any(
        (base / n.removeprefix("src/compendium/")).exists() for base in (package, REPO)))
    assert not missing, f"DEVELOPING.md names what does not exist: {missing}"
    # Every module by its path in the package (web/render.py), every package by its folder (web/).
    modules = {p.relative_to(package).as_posix() for p in package.rglob("*.py") if p.name != "__init__.py"}
    modules |= {f"{p.relative_to(package).as_posix()}/" for p in package.rglob("*") if (p / "__init__.py").is_file()}
    unnamed = sorted(m for m in modules if m not in named and f"src/compendium/{m}" not in named)
    assert not unnamed, f"DEVELOPING.md does not say what these are for: {unnamed}"


def _commands() -> dict[str, argparse.ArgumentParser]:
    from compendium.cli import parser

    (subcommands,) = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(subcommands.choices)


def _options(command: argparse.ArgumentParser) -> dict[str, tuple[str, ...]]:
    """Each option of a command, with its choices (empty when it takes any value, or none)."""
    return {name: tuple(action.choices or ()) for action in command._actions for name in action.option_strings
            if name.startswith("--") and name != "--help"}


def _readme_commands() -> tuple[dict[str, str], str]:
    """The README's command reference: each command's usage (continuation lines joined), and the paragraph
    after it (the options most commands share)."""
    text = (REPO / "README.md").read_text("utf-8")
    block, after = re.search(r"^## Command line\n\n```\n(.*?)\n```\n\n(.*?)\n\n", text, re.S | re.M).groups()
    usages: dict[str, str] = {}
    for line in block.splitlines():
        if line.startswith("compendium "):
            name, _, rest = line.removeprefix("compendium ").partition(" ")
            usages[name], last = rest, name
        else:
            usages[last] += " " + line
    return usages, after


def _said(usage: str) -> dict[str, tuple[str, ...]]:
    """The options a text names (but argparse's own --help), each with the choices it shows (a|b)."""
    return {name: tuple(choices.split("|")) if "|" in choices else ()
            for name, choices in re.findall(r"(--[a-z-]+)(?: ([^\s\]`]+))?", usage) if name != "--help"}


def test_the_readme_lists_every_command_and_option_of_the_command_line() -> None:
    commands, (usages, shared_text) = _commands(), _readme_commands()
    assert sorted(usages) == sorted(commands)
    shared = _options(commands["validate"])  # validate takes only the options every command() is given
    assert _said(shared_text) == shared
    for name, command in commands.items():
        options = _options(command)
        own = {o: c for o, c in options.items() if o not in shared} if shared.keys() <= options.keys() else options
        assert _said(usages[name]) == own, name
        for action in command._actions:  # the positional arguments' choices (new's kinds)
            if not action.option_strings and action.choices:
                assert "|".join(action.choices) in usages[name], name

"""The contributor's path: scaffolding, editor schema lines, the field reference, the docs' commands,
and the GitHub files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compendium.schemas import schema
from compendium.web.fieldref import FILES, field_rows

from conftest import REPO


def _compendium(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compendium", *args], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("kind", ["claim", "evidence", "chart"])
def test_new_file_validates_with_every_field(kind: str, sample: Path) -> None:
    run = _compendium("new", kind, f"brand-new-{kind}", "--root", str(sample))
    assert run.returncode == 0, run.stderr
    folder = {"claim": "claims", "evidence": "evidence", "chart": "charts"}[kind]
    text = (sample / folder / f"brand-new-{kind}.yml").read_text()
    # The sample is not kept with the engine's source: its schema lines point at copies written beside it.
    assert text.startswith(f"# yaml-language-server: $schema=../schemas/{kind}.schema.json\n")
    assert (sample / "schemas" / f"{kind}.schema.json").read_bytes() == \
        (REPO / "src" / "compendium" / "schemas" / f"{kind}.schema.json").read_bytes()
    for row in field_rows(kind):
        name = row.path.rsplit(".", 1)[-1].removesuffix("[]")
        assert re.search(rf"^\s*(- |# )?{re.escape(name)}:", text, re.M), f"{row.path} missing from the new {kind}"
        assert row.description.split()[0] in text
    validate = _compendium("validate", "--root", str(sample))
    assert validate.returncode == 0, validate.stderr
    assert ": error:" not in validate.stderr


def test_new_refuses_existing_and_invalid_ids(sample: Path) -> None:
    exists = _compendium("new", "claim", "most-participants-keep-walking", "--root", str(sample))
    assert exists.returncode == 1 and "claims/most-participants-keep-walking.yml already exists" in exists.stderr
    bad = _compendium("new", "evidence", "Bad_Id", "--root", str(sample))
    assert bad.returncode == 1 and "'Bad_Id' is not a valid id" in bad.stderr
    assert not (sample / "evidence" / "Bad_Id.yml").exists()


def test_every_data_file_names_its_schema_for_editors() -> None:
    for folder, kind in (("claims", "claim"), ("evidence", "evidence"), ("charts", "chart")):
        for path in (REPO / folder).glob("*.yml"):
            first = path.read_text("utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema=../src/compendium/schemas/{kind}.schema.json", path
    for name, kind in (("topics.yml", "topics"), ("timeline.yml", "timeline")):
        first = (REPO / name).read_text("utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=src/compendium/schemas/{kind}.schema.json", name


def test_field_reference_page_agrees_with_the_schemas(real_site: Path) -> None:
    # The site built for this run from the schemas as they are now, not whatever an earlier build left in site/.
    text = (real_site / "fields" / "index.html").read_text("utf-8")
    for kind, _ in FILES:
        rows = field_rows(kind)
        assert rows, kind
        for row in rows:
            cell = f"<code>{row.path.replace('<', '&lt;').replace('>', '&gt;')}</code>"
            assert cell in text.replace("&#60;", "&lt;").replace("&#62;", "&gt;").replace("&#95;", "_")\
                .replace("&#91;", "[").replace("&#93;", "]"), f"{kind}: {row.path} not on the page"
            for value in row.allowed:
                assert f"<code>{value}</code>" in text.replace("&#45;", "-")
    rating = schema("claim")["$defs"]["rating"]
    assert all(f"<code>{v}</code>" in text for v in rating["enum"])


def test_contributing_commands_exist() -> None:
    text = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    targets = set(re.findall(r"^([a-z-]+):", (REPO / "Makefile").read_text(), re.M))
    for target in re.findall(r"\bmake ([a-z-]+)", text):
        assert target in targets, f"CONTRIBUTING.md mentions make {target}, which the Makefile lacks"
    for command in re.findall(r"\.venv/bin/compendium ([a-z]+(?: [a-z]+)?)", text):
        words = command.split()
        run = _compendium(*words[:1], "--help")
        assert run.returncode == 0, command
    # The page is the file, included whole; its front matter only labels it in search results.
    page = (REPO / "docs" / "contributing.md").read_text()
    assert re.fullmatch(r'(---\n(?:[^\n]*\n)*?---\n\n)?--8<-- "CONTRIBUTING.md"\n', page), page


def test_github_workflow_is_valid_and_runs_the_make_targets() -> None:
    workflow = REPO / ".github" / "workflows" / "ci.yml"
    run = subprocess.run([str(Path(sys.executable).with_name("check-jsonschema")), "--builtin-schema",
                          "vendor.github-workflows", str(workflow)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    steps = " ".join(str(step.get("run", "")) for step in jobs["check"]["steps"])
    assert ".ci/run" in steps and "--format github" in steps
    ci = (REPO / ".ci" / "run").read_text()
    assert "make lint" in ci and "make test" in ci
    for template in ("pull_request_template.md", "ISSUE_TEMPLATE/suggest-a-claim.yml",
                     "ISSUE_TEMPLATE/report-an-error.yml"):
        assert (REPO / ".github" / template).is_file()

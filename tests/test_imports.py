"""Each command imports only what it uses: the real commands, each in a fresh interpreter, their imports
read from Python's own record of them (-X importtime), so that a top-level import added back anywhere
fails here.

Validation must stay quick for contributors (it runs on every save and in CI): it never loads the page
templates, the charts, the PDF engine, the bibliography's formatter, MkDocs, or python-jsonschema (which
only explains a rejected document; jsonschema-rs decides). A build with nothing changed draws no chart and
lays out no PDF, so it never loads matplotlib or Typst either.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

# The top-level packages each command must never import, and why.
VALIDATE_NEVER = {
    "jinja2": "the page templates", "markupsafe": "the page templates", "matplotlib": "the charts",
    "typst": "the PDF engine", "pypdf": "PDF reading", "markdown": "the PDF's method page, and MkDocs",
    "citeproc": "the bibliography's formatter", "lxml": "the bibliography's formatter",
    "mkdocs": "the site generator", "material": "the site's theme", "jsonschema": "only explains rejected files",
}
NO_CHANGE_BUILD_NEVER = {"matplotlib": "the charts are in the cache", "typst": "the PDF is in the cache",
                         "pypdf": "PDF reading", "citeproc": "the formatted references are in the cache",
                         "jsonschema": "only explains rejected files"}
# Without a PDF to make, a build with nothing changed reports the last build's findings: it reads no data file.
NOT_CHECKED_AGAIN = {**NO_CHANGE_BUILD_NEVER, "bibtexparser": "references.bib is not read again",
                     "jsonschema_rs": "no file is validated again",
                     "PIL": "the share cards are as they were"}
STAGES_NOT_RUN = ("compendium.input.load", "compendium.input.validate", "compendium.input.resolve", "compendium.model",
                  "compendium.web.render", "compendium.charts.draw")

_IMPORT_LINE = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|(?P<indent> *)(?P<module>[\w.]+)$")


def _run(*args: str, root: Path) -> tuple[set[str], str]:
    """`python -X importtime -m compendium ARGS --root root` in a fresh interpreter: the modules it imported
    (every one, nested ones included), and what it printed."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "compendium", *args, "--root", str(root)],
                          capture_output=True, text=True, env=env, check=False)
    modules, other = set(), []
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            modules.add(match["module"])
        elif not line.startswith("import time:"):
            other.append(line)
    assert done.returncode == 0, "\n".join(other)[-3000:]
    return modules, done.stdout + "\n".join(other)


def _forbidden(modules: set[str], never: dict[str, str]) -> dict[str, str]:
    return {name: why for name, why in never.items() if name in {m.split(".")[0] for m in modules}}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample, built once in full (charts, pages, PDF, site), so that the next build has nothing to do."""
    from conftest import copy_sample

    root = copy_sample(tmp_path_factory.mktemp("imports"))
    _run("build", root=root)
    return root


def test_the_import_record_is_read(built: Path) -> None:
    """The parser sees every import, third-party and nested ones included (else the tests below prove nothing)."""
    modules, _ = _run("validate", root=built)
    assert {"compendium.cli", "compendium.pipeline", "compendium.schemas", "yaml", "jsonschema_rs",
            "bibtexparser", "json"} <= modules


def test_validate_imports_no_stage_after_validation(built: Path) -> None:
    modules, output = _run("validate", root=built)
    assert output.startswith("ok:")
    assert _forbidden(modules, VALIDATE_NEVER) == {}
    assert not {m for m in modules if m.startswith(("compendium.web.render", "compendium.charts.draw", "compendium.pdf",
                                                     "compendium.web.site"))}


def test_validate_of_a_rejected_file_explains_it_with_python_jsonschema(built: Path, tmp_path: Path) -> None:
    """The other side of the lazy import: a rejected document still gets its teaching message."""
    claim = next((built / "claims").glob("*.yml"))
    original = claim.read_text("utf-8")
    claim.write_text(original.replace("\nverdict:", "\nverdikt:", 1), "utf-8")
    try:
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "compendium", "validate", "--root",
                               str(built)], capture_output=True, text=True, env=env, check=False)
    finally:
        claim.write_text(original, "utf-8")
    assert done.returncode == 1
    assert "unknown field 'verdikt'" in done.stderr and "did you mean 'verdict'?" in done.stderr
    assert re.search(r"\| +jsonschema$", done.stderr, re.M)


@pytest.mark.parametrize("pdf", [False, True], ids=["--no-pdf", "with the PDF"])
def test_a_build_with_nothing_changed_imports_neither_matplotlib_nor_typst(built: Path, pdf: bool) -> None:
    modules, output = _run("build", *([] if pdf else ["--no-pdf"]), root=built)
    if pdf:  # the PDF is made from the model, so the checks are made again, and the charts found unchanged
        assert "charts: 0 rendered, 1 from the cache" in output and "pdf: unchanged" in output
        assert _forbidden(modules, NO_CHANGE_BUILD_NEVER) == {}
        return
    assert "no input changed since the last build: its checks and pages stand" in output
    assert _forbidden(modules, NOT_CHECKED_AGAIN) == {}
    assert not {m for m in modules if m.startswith(STAGES_NOT_RUN)}, modules


def test_a_build_with_nothing_changed_reports_the_last_builds_findings(built: Path) -> None:
    """The findings reported again are the ones a check would make: the same warnings, at the same lines."""
    claim = next((built / "claims").glob("*.yml"))
    original = claim.read_text("utf-8")
    claim.write_text(original.replace("prominence: ", "# a comment\nprominence: ", 1), "utf-8")
    try:
        _, checked = _run("build", "--no-pdf", root=built)
        _, reused = _run("build", "--no-pdf", root=built)
    finally:
        claim.write_text(original, "utf-8")
        _run("build", root=built)  # as the fixture left it, for the tests after this one
    assert "its checks and pages stand" not in checked and "its checks and pages stand" in reused
    def findings(output: str) -> list[str]:
        return [line for line in output.splitlines() if ": warning: " in line or "hint:" in line]
    assert findings(reused) == findings(checked)


def test_the_pages_step_with_nothing_changed_imports_no_template(built: Path) -> None:
    """`compendium charts` (what `compendium serve` runs before each reload): the pages' inputs are as
    recorded, so no page is rendered and the templates are never loaded."""
    modules, output = _run("charts", root=built)
    assert "(no input changed since the last build: its checks and pages stand)" in output
    assert _forbidden(modules, {**NO_CHANGE_BUILD_NEVER, "jinja2": "no page is rendered"}) == {}
    assert "compendium.web.render" not in modules

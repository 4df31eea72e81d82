"""The second builder, Zensical (`compendium build --builder zensical`): the same compendium built into the staging
folder and swapped in, its cache apart from the engine's, the home page whole, and its problems reported at
the page, line and column they name, with the published site left as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compendium.cli import main
from compendium.pipeline import build
from compendium.web import zensical_build
from compendium.web.site import STAGING

pytestmark = pytest.mark.skipif(not zensical_build.installed(), reason="Zensical is not installed "
                                "(pip install -r requirements-dev.txt)")

# What Zensical 0.0.73 prints for a link to no page, colours and box drawing included (it draws them whatever
# the terminal), cut to one problem.
PRINTED = ("Build started\n\x1b[33mWarning:\x1b[0m page does not exist\n"
           "    \x1b[38;5;246m\u256d\u2500\x1b[0m\x1b[38;5;246m[\x1b[0m claims/x.md:12:7 \x1b[38;5;246m]\x1b[0m\n"
           "    \x1b[38;5;246m\u2502\x1b[0m\n 12 \u2502 [a](nope.md)\n1 issues found\n"
           "Traceback (most recent call last):\n  File \"main.py\", line 81\n"
           "RuntimeError: Aborted because --strict flag is set\n")


def test_zensicals_report_is_read_as_problems_at_their_page(tmp_path: Path) -> None:
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "x.yml").write_text("id: x\n")
    output, problems = zensical_build.read_output(PRINTED, tmp_path, tmp_path / "docs", "mkdocs.yml")
    (problem,) = problems
    assert (problem.path, problem.line, problem.column, problem.severity) == ("docs/claims/x.md", 12, 7, "warning")
    assert problem.message == "page does not exist"
    assert output == problem.format_text() + "\n" and "\x1b" not in output


def test_without_zensical_the_build_says_how_to_get_it(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zensical_build, "installed", lambda: False)
    result = build(sample, pdf=False, builder="zensical")
    assert result.site_ok is False and not (sample / "site").exists()
    (problem,) = result.site_problems
    assert "Zensical is not installed" in problem.message and zensical_build.VERSION in problem.hint


def test_zensical_builds_the_compendium_apart_from_the_engines_cache(sample: Path, capsys: pytest.CaptureFixture[str],
                                                                     tmp_path: Path) -> None:
    site = tmp_path / "elsewhere" / "site"  # outside the compendium's folder, which Zensical's own site_dir cannot be
    assert main(["build", "--root", str(sample), "--no-pdf", "--builder", "zensical", "--site-dir", str(site)]) == 0
    assert f"site: built into {site}" in capsys.readouterr().out
    cache = sample / ".cache"
    engine_files = sorted(p.name for p in cache.iterdir() if p.is_file())
    assert "pages.json" in engine_files and "charts.json" in engine_files
    assert all(not re.fullmatch(r"\d+", name) for name in engine_files), "Zensical's cache is among the engine's"
    assert any(re.fullmatch(r"\d+", p.name) for p in (cache / "zensical" / ".cache").iterdir())
    assert not list(site.parent.glob(f"{STAGING}*")) and not list(sample.glob(f"{STAGING}*"))
    assert not (sample / ".cache" / "zensical" / "site").exists(), "the built site was left in the workspace"

    home = (site / "index.html").read_text("utf-8")
    assert re.search(r"<title>\s*Sample Compendium\s*</title>", home), re.findall(r"<title>.*?</title>", home, re.S)
    assert 'class="cx-pdf-edition"' in home and 'property="og:type" content="website"' in home
    assert 'href="https://zensical.org/"' in home and "mkdocs-material" not in home  # the footer and generator
    claim = next((site / "claims").glob("*/index.html")).read_text("utf-8")
    assert 'property="og:type" content="article"' in claim and "application/ld+json" in claim
    assert "In short" in claim
    assert (site / "search.json").is_file()
    # Material for MkDocs' search dialog, which Zensical's script does not drive: the engine's copy is left out.
    assert 'class="md-search__input"' not in home
    assert not (sample / ".cache" / "zensical" / "theme" / "partials" / "search.html").exists()

    # A link to no page: the build stops at it, and the site built before is left as it was.
    home_page = sample / "docs" / "index.md"
    lines = [*home_page.read_text("utf-8").splitlines(), "", "See [the method, misspelt](methd.md)."]
    home_page.write_text("\n".join(lines) + "\n", "utf-8")
    before = (site / "index.html").read_bytes()
    assert main(["build", "--root", str(sample), "--no-pdf", "--builder", "zensical", "--site-dir", str(site)]) == 1
    err = capsys.readouterr().err
    assert f"docs/index.md:{len(lines)}:{len('See [the method, misspelt](') + 1}: warning: page does not exist" in err
    assert "zensical build --strict failed: the previous site/ was left as it was" in err
    assert (site / "index.html").read_bytes() == before

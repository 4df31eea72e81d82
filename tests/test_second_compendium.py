"""A second compendium, on an obviously fictional subject (tests/bus_compendium: the buses of a made-up town),
made with `compendium init` and `compendium new` and a plain Material mkdocs.yml, builds with no change to the
engine; its pages are read back with an HTML parser, and nothing of the IAPT record is in any of them."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from test_init import compendium
from test_neutral_engine import iapt_words

from compendium.input.placeholders import MARK
from compendium.wording import rating_label

from conftest import TESTS, copy_compendium

SOURCE = TESTS / "bus_compendium"
# Material's own scripts and styles, the same in every site: not the compendium's words.
THEME_FILES = ("assets/javascripts", "assets/stylesheets")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_compendium(SOURCE, tmp_path_factory.mktemp("second") / "bus_compendium")
    # With its PDF edition: the engine's theme links every page to it.
    run = compendium("build", "--root", str(root))
    assert run.returncode == 0, run.stdout + run.stderr
    return root


def _page(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page / "index.html" if page else site / "index.html").read_text("utf-8"), "lxml")


def _claims() -> dict[str, dict[str, object]]:
    return {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in sorted((SOURCE / "claims").glob("*.yml"))}


def test_it_is_what_init_and_new_write_filled_in(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    assert compendium("init", str(fresh)).returncode == 0
    ours = (SOURCE / "mkdocs.yml").read_text("utf-8").splitlines()
    changed = [line for line in difflib.ndiff((fresh / "mkdocs.yml").read_text("utf-8").splitlines(), ours)
               if line[:1] in "+-"]
    # The same plain Material configuration: only the placeholders init leaves for the editors were filled in.
    assert [line[2:].split(":")[0] for line in changed if line.startswith("- ")] == \
        ["site_name", "site_description", "copyright"]
    assert all(MARK in line for line in changed if line.startswith("- "))
    assert "custom_dir" not in "\n".join(ours) and "src/compendium" not in "\n".join(ours)
    for path in SOURCE.rglob("*"):
        if path.is_file():
            assert MARK not in path.read_text("utf-8"), path
            assert iapt_words(path.read_text("utf-8")) == [], path
    # Its sources say that they are made up.
    bib = (SOURCE / "references.bib").read_text("utf-8")
    assert bib.count("it does not exist.") == bib.count("\n@")


def test_it_validates_strictly() -> None:
    run = compendium("validate", "--strict", "--root", str(SOURCE))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ok: 3 claims, 3 evidence items, 1 charts, 3 references")


def test_its_pages_read_back(built: Path) -> None:
    site = built / "site"
    home = _page(site, "")
    assert home.title is not None and home.title.get_text() == "Examplebury Buses Compendium"
    assert home.h1 is not None and home.h1.contents[0].strip() == "Examplebury Buses Compendium"
    index = _page(site, "claims")
    for claim_id, data in _claims().items():
        assert index.find("a", href=f"{claim_id}/") is not None, claim_id
        page = _page(site, f"claims/{claim_id}")
        assert page.h1 is not None and page.h1.contents[0].strip() == data["title"]
        verdict = data["verdict"]
        assert isinstance(verdict, dict)
        text = page.get_text(" ", strip=True)
        assert rating_label(str(verdict["rating"])) in text and str(verdict["conclusion"]) in text
        for link in data["evidence"]:  # type: ignore[attr-defined]
            anchor = page.find("a", href=f"../../evidence/{link['id']}/")
            assert anchor is not None, (claim_id, link["id"])
            assert (site / "evidence" / link["id"] / "index.html").is_file()
    chart = _page(site, "claims/most-buses-run-on-time").find("img", src=lambda s: bool(s) and "punctuality-compared"
                                                                 in s)
    assert chart is not None and chart.get("alt", "").startswith("Bar chart. Buses on time")
    assert (site / "claims" / "most-buses-run-on-time" / str(chart["src"])).resolve().is_file()
    references = _page(site, "references").get_text(" ", strip=True)
    assert "Journal of Made-up Transport Studies" in references and "Single bus fare goes up to £2.50" in references


def test_no_iapt_word_and_no_placeholder_in_any_output(built: Path) -> None:
    site = built / "site"
    checked = 0
    for path in site.rglob("*"):
        relative = path.relative_to(site).as_posix()
        if not path.is_file() or relative.startswith(THEME_FILES) or path.suffix not in (
                ".html", ".json", ".csv", ".xml", ".svg", ".txt", ".md"):
            continue
        text = path.read_text("utf-8")
        assert iapt_words(text) == [], relative
        assert MARK not in text, relative
        checked += 1
    assert checked > 20


def test_its_links_hold(built: Path) -> None:
    run = compendium("check-links", "--root", str(built))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken link(s), 0 broken anchor(s)" in run.stdout

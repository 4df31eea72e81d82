"""The engine's theme, stylesheet and Markdown extensions apply whatever a compendium's mkdocs.yml says: a plain
Material one (no custom_dir, no extra_css, no extensions) gets the escaped title, the JSON-LD, the PDF and edit
links and the stylesheet; a compendium's own custom_dir still overrides Material; a setting that would switch
a safety part off stops the build at its line in mkdocs.yml."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
import yaml

from compendium.pipeline import BuildResult, build
from compendium.web.engine_config import theme_folder

from conftest import REPO, copy_sample

HOSTILE = '</title><script>alert("title")</script><b>Bold</b> & more'
CLAIM = "programme-pays-for-itself"
PLAIN = """\
site_name: Plain Compendium
site_url: https://example.org/plain/
repo_url: https://example.org/plain/compendium
edit_uri: edit/main/docs/
theme:
  name: material
"""


def _plain(destination: Path, config: str = PLAIN) -> Path:
    root = copy_sample(destination)
    (root / "mkdocs.yml").write_text(config, "utf-8")
    claim = root / "claims" / f"{CLAIM}.yml"
    text = claim.read_text("utf-8")
    claim.write_text(re.sub(r"^title: .*$", f"title: {json.dumps(HOSTILE)}", text, count=1, flags=re.M), "utf-8")
    return root


def _built(root: Path) -> BuildResult:
    result = build(root, pdf=False)
    assert result.site_ok, result.site_output + "\n".join(d.format_text() for d in result.report.diagnostics)
    return result


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _plain(tmp_path_factory.mktemp("plain"))
    _built(root)
    return root / "site"


def _page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path / "index.html").read_bytes())


def test_a_hostile_title_stays_text_in_the_head(plain_site: Path) -> None:
    page = _page(plain_site, f"claims/{CLAIM}")
    head = page.find("head")
    assert head is not None
    # The title element holds the title as text: its markup did not end the element or add one.
    assert head.findtext("title") == f"{HOSTILE} - Plain Compendium"
    assert [e.tag for e in head if e.tag not in ("meta", "link")] == ["title", "script", "script"]
    # The title's script is in no script element that runs (the JSON-LD holds it as data: its own test below).
    assert not [s for s in page.iter("script") if "alert(" in (s.text or "") and s.get("type") != "application/ld+json"]
    assert head.xpath("meta[@property='og:title']/@content") == [HOSTILE]


def test_a_claim_page_has_its_json_ld_its_links_and_the_stylesheet(plain_site: Path) -> None:
    page = _page(plain_site, f"claims/{CLAIM}")
    blocks = page.xpath("//script[@type='application/ld+json']/text()")
    assert len(blocks) == 1
    review = json.loads(blocks[0])
    assert review["@type"] == "ClaimReview" and review["claimReviewed"]
    assert page.xpath("//link[@rel='stylesheet']/@href[contains(., 'assets/compendium/compendium.css')]")
    assert page.xpath("//a[contains(@href, 'compendium.pdf')]")
    assert page.xpath("//a[@rel='edit']/@href") == [f"https://example.org/plain/compendium/edit/main/claims/{CLAIM}.yml"]
    # Material's default font would be fetched from Google: the engine turns it off.
    assert not [href for href in page.xpath("//link/@href") if "fonts.g" in href]
    home = _page(plain_site, ".")
    assert home.xpath("//p[@class='cx-pdf-edition']/a[@href='compendium.pdf']")


def test_the_repository_mkdocs_yml_names_no_theme_folder_or_stylesheet() -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    assert "custom_dir" not in config["theme"] and "extra_css" not in config


def test_a_compendiums_own_custom_dir_still_overrides_material(tmp_path: Path) -> None:
    root = _plain(tmp_path, PLAIN + "  custom_dir: overrides\n")
    (root / "overrides" / "partials").mkdir(parents=True)
    (root / "overrides" / "partials" / "logo.html").write_text('<span id="own-logo">Logo</span>', "utf-8")
    _built(root)
    page = _page(root / "site", f"claims/{CLAIM}")
    assert page.xpath("//span[@id='own-logo']")
    assert page.findtext("head/title", "").startswith("</title><script>")
    assert page.xpath("//script[@type='application/ld+json']")


def test_the_engine_folder_named_as_custom_dir_is_the_engine_s_own(tmp_path: Path) -> None:
    # mkdocs.yml files written before the engine applied its theme named it; they build as they did.
    root = _plain(tmp_path, PLAIN + f"  custom_dir: {theme_folder()}\n")
    _built(root)
    assert _page(root / "site", f"claims/{CLAIM}").xpath("//script[@type='application/ld+json']")


def _refused(root: Path) -> list[str]:
    result = build(root, pdf=False)
    assert not result.site_ok
    return [d.format_text() for d in result.site_problems]


def test_a_custom_dir_that_replaces_an_engine_template_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = _plain(tmp_path, PLAIN + "  custom_dir: overrides\n")
    (root / "overrides").mkdir()
    (root / "overrides" / "main.html").write_text('{% extends "base.html" %}', "utf-8")
    problems = _refused(root)
    assert len(problems) == 1 and problems[0].startswith("mkdocs.yml:7:15: error: custom_dir holds main.html")
    assert not (root / "site").exists()


@pytest.mark.parametrize(("setting", "where", "says"), [
    ("theme:\n  name: readthedocs\n", "mkdocs.yml:6:9", "the theme is 'readthedocs'"),
    ("theme:\n  name: material\n  font:\n    text: Roboto\n", "mkdocs.yml:8:5", "theme.font"),
    ("theme:\n  name: material\nmarkdown_extensions:\n  - pymdownx.snippets:\n      check_paths: false\n",
     "mkdocs.yml:8:3", "check_paths: false"),
])
def test_a_setting_the_engine_cannot_merge_is_an_error_at_its_line(tmp_path: Path, setting: str, where: str,
                                                                   says: str) -> None:
    root = _plain(tmp_path, PLAIN.replace("theme:\n  name: material\n", setting))
    problems = _refused(root)
    assert len(problems) == 1 and problems[0].startswith(f"{where}: error: ") and says in problems[0], problems


def test_the_theme_folder_comes_from_the_installed_package() -> None:
    import compendium

    assert theme_folder() == Path(compendium.__file__).parent / "web" / "theme"
    assert (theme_folder() / "main.html").is_file()


@pytest.mark.parametrize("base_path", ['["."]', '"."', '["parts"]'])
def test_snippets_are_read_from_the_compendiums_folder_whatever_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base_path: str) -> None:
    # `compendium serve --root DIR` loads the configuration wherever it was started: a relative base path
    # must still name the compendium's folder, or the home page's parts are not found.
    import markdown
    from mkdocs.config import load_config

    from compendium.web.engine_config import apply_engine_settings

    root = tmp_path / "compendium"
    (root / "docs" / ".includes").mkdir(parents=True)
    (root / "parts").mkdir()
    (root / "docs" / ".includes" / "part.md").write_text("From the includes folder.\n", "utf-8")
    (root / "parts" / "other.md").write_text("From the parts folder.\n", "utf-8")
    (root / "mkdocs.yml").write_text(f"site_name: X\ntheme:\n  name: material\nmarkdown_extensions:\n"
                                     f"  - pymdownx.snippets:\n      base_path: {base_path}\n", "utf-8")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "docs" / ".includes").mkdir(parents=True)
    (elsewhere / "docs" / ".includes" / "part.md").write_text("From the wrong folder.\n", "utf-8")
    monkeypatch.chdir(elsewhere)
    config = load_config(str(root / "mkdocs.yml"))
    assert apply_engine_settings(config, "mkdocs.yml") == []
    md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
    assert md.convert('--8<-- "docs/.includes/part.md"') == "<p>From the includes folder.</p>"
    if "parts" in base_path:
        assert md.reset().convert('--8<-- "other.md"') == "<p>From the parts folder.</p>"

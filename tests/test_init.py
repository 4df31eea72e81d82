"""`compendium init DIR`: a new compendium kept anywhere, which builds at once and whose placeholders
`validate --strict` refuses until each is replaced."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_neutral_engine import iapt_words

from compendium.input.placeholders import MARK
from compendium.input.validate import check_method_page
from compendium.paths import DATA_FOLDERS, REQUIRED_FILES, SINGLE_FILES

from conftest import REPO


def compendium(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "compendium", *args], capture_output=True, text=True, check=False,
                          cwd=cwd)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A compendium made by `compendium init`, far from this repository, and built with its PDF edition."""
    root = tmp_path_factory.mktemp("elsewhere") / "my-compendium"
    run = compendium("init", str(root))
    assert run.returncode == 0, run.stderr
    assert f"wrote a new compendium into {root}" in run.stdout and "compendium build" in run.stdout
    # Built from inside its folder, as its README says, with no --root.
    build = compendium("build", cwd=root)
    assert build.returncode == 0, build.stdout + build.stderr
    return root


def _new(tmp_path: Path) -> Path:
    """Another compendium just as init writes it, to change."""
    root = tmp_path / "new"
    assert compendium("init", str(root)).returncode == 0
    return root


def test_init_writes_every_required_file_and_no_path_into_the_engine(fresh: Path) -> None:
    for name in REQUIRED_FILES:
        assert (fresh / SINGLE_FILES[name]).is_file()
    for folder in DATA_FOLDERS:
        assert len(list((fresh / folder).glob("*.yml"))) == 1, folder
    for name in ("mkdocs.yml", "README.md", "references.bib", "docs/index.md", "docs/method.md", ".gitignore"):
        assert (fresh / name).is_file(), name
    config = (fresh / "mkdocs.yml").read_text("utf-8")
    assert "custom_dir" not in config and "src/compendium" not in config and str(REPO) not in config
    # Every schema line points at a schema that is there, in the compendium itself.
    for path in [*fresh.glob("*/*.yml"), fresh / "topics.yml"]:
        first = path.read_text("utf-8").splitlines()[0]
        target = first.removeprefix("# yaml-language-server: $schema=")
        assert target != first, path
        schema_file = (path.parent / target).resolve()
        assert schema_file.is_relative_to(fresh.resolve()) and schema_file.is_file(), path
        assert schema_file.read_bytes() == (REPO / "src/compendium/schemas" / schema_file.name).read_bytes()


def test_the_new_compendium_builds_a_site_and_its_pdf(fresh: Path) -> None:
    site = fresh / "site"
    assert (site / "compendium.pdf").read_bytes().startswith(b"%PDF-")
    home = BeautifulSoup((site / "index.html").read_text("utf-8"), "lxml")
    assert home.h1 is not None and home.h1.get_text(strip=True).startswith(MARK)
    claim = BeautifulSoup((site / "claims" / "example-claim" / "index.html").read_text("utf-8"), "lxml")
    assert claim.h1 is not None and claim.h1.contents[0].strip() == f"{MARK} Most participants finish the course"
    assert claim.find("a", href=re.compile(r"^\.\./\.\./evidence/example-evidence/")) is not None
    assert claim.find("a", href=re.compile(r"method/#verdict-")) is not None
    chart = site / "assets" / "compendium" / "charts" / "example-chart.svg"
    assert chart.is_file()
    data = json.loads((site / "data" / "claims.json").read_text("utf-8"))
    assert [c["id"] for c in data["claims"]] == ["example-claim"]


def test_the_new_compendium_passes_check_links(fresh: Path) -> None:
    run = compendium("check-links", "--root", str(fresh))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken link(s), 0 broken anchor(s)" in run.stdout


def test_the_build_writes_nothing_that_git_would_keep(fresh: Path, tmp_path: Path) -> None:
    # .gitignore lists every file the build generates: after a build, git sees only the files init wrote.
    copy = tmp_path / "repo"
    shutil.copytree(fresh, copy, symlinks=True)
    subprocess.run(["git", "init", "-q", str(copy)], check=True)
    listed = subprocess.run(["git", "-C", str(copy), "ls-files", "--others", "--exclude-standard"],
                            capture_output=True, text=True, check=True).stdout.split()
    new = _new(tmp_path)
    assert sorted(listed) == sorted(p.relative_to(new).as_posix() for p in new.rglob("*") if p.is_file())


def test_the_method_page_has_every_anchor_the_pages_link_to(fresh: Path) -> None:
    assert check_method_page(fresh) == []


def test_placeholders_warn_and_strict_refuses_them(tmp_path: Path) -> None:
    root = _new(tmp_path)
    plain = compendium("validate", "--root", str(root))
    assert plain.returncode == 0, plain.stderr
    assert ": error:" not in plain.stderr
    warned = set(re.findall(r"^([^:\s]+):\d+:\d+: warning: .*placeholder", plain.stderr, re.M))
    assert warned == {"mkdocs.yml", "docs/index.md", "docs/method.md", "topics.yml", "references.bib",
                      "claims/example-claim.yml", "evidence/example-evidence.yml", "charts/example-chart.yml"}
    strict = compendium("validate", "--strict", "--root", str(root))
    assert strict.returncode == 1 and "--strict: warnings count as errors" in strict.stderr


def test_only_the_placeholders_stand_between_a_new_compendium_and_strict(tmp_path: Path) -> None:
    """With every placeholder's mark taken away but the claimant's, --strict refuses the claimant, at its line;
    with that one gone too, it passes: the placeholders are what it refuses, and the claimant is one."""
    root = _new(tmp_path)
    for path in [*root.glob("*/*.yml"), *root.glob("*.yml"), root / "references.bib", *root.glob("docs/*.md")]:
        path.write_text(path.read_text("utf-8").replace(f"{MARK} ", ""), "utf-8")
    claim = root / "claims" / "example-claim.yml"
    text = claim.read_text("utf-8")
    name_line = next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith("  name:"))
    claim.write_text(text.replace('  name: "', f'  name: "{MARK} ', 1), "utf-8")
    strict = compendium("validate", "--strict", "--root", str(root))
    assert strict.returncode == 1
    assert f"claims/example-claim.yml:{name_line}:9: warning: placeholder text not replaced yet: " \
           f"'{MARK} Jane Example'" in strict.stderr
    assert "0 error(s), 1 warning(s)" in strict.stderr, strict.stderr
    claim.write_text(text, "utf-8")
    assert compendium("validate", "--strict", "--root", str(root)).returncode == 0


def test_init_names_no_iapt_word(tmp_path: Path) -> None:
    for path in _new(tmp_path).rglob("*"):
        if path.is_file():
            assert iapt_words(path.read_text("utf-8")) == [], path


def test_the_readme_says_what_to_run(fresh: Path) -> None:
    readme = (fresh / "README.md").read_text("utf-8")
    for command in re.findall(r"^compendium ([a-z-]+)", readme, re.M):
        assert compendium(command, "--help").returncode == 0, command
    assert {"validate", "build", "serve", "check-links", "new"} <= set(re.findall(r"^compendium ([a-z-]+)", readme,
                                                                                 re.M))
    assert "make" not in readme.split()


@pytest.mark.parametrize("held", ["notes.txt", ".git"])
def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, held: str) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / held).write_text("mine")
    run = compendium("init", str(target))
    assert run.returncode == 1
    assert run.stderr == f"error: {target} is not empty (it holds {held}): name a new folder, or an empty one; " \
                         "compendium init writes into no folder that holds files\n"
    assert [p.name for p in target.iterdir()] == [held]
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]  # and nothing beside it


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("mine")
    run = compendium("init", str(target))
    assert run.returncode == 1
    assert run.stderr == f"error: {target} is a file, not a folder: name a folder that does not exist yet, " \
                         "or an empty one\n"
    assert target.read_text() == "mine"


def test_init_fills_an_empty_folder_and_makes_missing_parents(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert compendium("init", str(empty)).returncode == 0
    assert (empty / "mkdocs.yml").is_file()
    deep = tmp_path / "a" / "b" / "c"
    assert compendium("init", str(deep)).returncode == 0
    assert (deep / "claims" / "example-claim.yml").is_file()
    assert sorted(p.name for p in (tmp_path / "a" / "b").iterdir()) == ["c"]  # no staging folder left


def test_init_reports_a_folder_it_cannot_make(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("mine")
    run = compendium("init", str(tmp_path / "a-file" / "new"))
    assert run.returncode == 1
    assert re.fullmatch(r"error: .*a-file.*; nothing was written\n", run.stderr), run.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]

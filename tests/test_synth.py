"""The synthetic compendium generator (`compendium synth`), which the benchmark builds at N = 100 and 1,000."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from compendium.authoring.synth import write_compendium
from compendium.cli import main
from compendium.pipeline import build, check
from compendium.settings import _TolerantLoader

from conftest import SAMPLE


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_synthetic_compendium_validates_with_no_error_or_warning(tmp_path: Path) -> None:
    root = tmp_path / "synthetic"
    stats = write_compendium(root, 20)
    report, compendium = check(root)
    assert [d.format_text() for d in report.sorted()] == []
    assert compendium is not None
    assert (len(compendium.claims), len(compendium.evidence), len(compendium.references), len(compendium.charts)) \
        == (20, 60, 20, 4) == (stats.claims, stats.evidence, stats.references, stats.charts)
    # Cross-references of every kind: claims cite several items, charts plot cited findings.
    assert all(len(c.evidence) >= 3 for c in compendium.claims.values())
    assert any(len(c.evidence) > 3 for c in compendium.claims.values())
    assert all(sum(len(s.points) for s in chart.series) >= 3 for chart in compendium.charts.values())
    assert compendium.timeline and compendium.backlinks.pages_by_chart
    # Text as long as the real record's: a rationale of several hundred characters.
    assert min(len(c.rationale.plain) for c in compendium.claims.values()) > 500


def test_synth_command_writes_what_validate_accepts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s"
    assert main(["synth", "--claims", "10", "--out", str(out)]) == 0
    assert "10 claims, 30 evidence items, 10 references, 2 charts" in capsys.readouterr().out
    assert main(["validate", "--root", str(out), "--strict"]) == 0
    assert "ok: 10 claims, 30 evidence items, 2 charts, 10 references" in capsys.readouterr().out


def test_synth_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["synth", "--claims", "5", "--out", str(out)]) == 1
    assert "already exists and is not an empty folder" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".taken-")]  # no staging folder left behind


def test_same_size_and_seed_give_the_same_bytes(tmp_path: Path) -> None:
    write_compendium(tmp_path / "a", 15)
    write_compendium(tmp_path / "b", 15)
    write_compendium(tmp_path / "c", 15, seed=1)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_mkdocs_yml_is_the_sample_compendiums(tmp_path: Path) -> None:
    # Every page the build generates must be in the navigation or not_in_nav, or mkdocs --strict stops: the
    # sample's mkdocs.yml is kept up to date with the pages, so synth's must follow it (synth.NAV).
    write_compendium(tmp_path / "s", 5)

    def settings(path: Path) -> dict[str, Any]:
        config: dict[str, Any] = yaml.load(path.read_text("utf-8"), Loader=_TolerantLoader)
        for name in ("site_name", "site_description", "site_url", "repo_url"):
            config.pop(name)
        config.pop("extra", None)  # the compendium's own settings (the sample states a licence; synth none)
        return config

    assert settings(tmp_path / "s/mkdocs.yml") == settings(SAMPLE / "mkdocs.yml")


def test_synthetic_compendium_builds_with_mkdocs_strict(tmp_path: Path) -> None:
    root = tmp_path / "synthetic"
    write_compendium(root, 20)
    result = build(root, pdf=False)
    assert result.site_ok, result.site_output
    for claim in (root / "claims").glob("*.yml"):
        assert (root / "site/claims" / claim.stem / "index.html").is_file()
    for chart in (root / "charts").glob("*.yml"):
        assert (root / "site/assets/compendium/charts" / f"{chart.stem}.svg").is_file()
    # The package's theme was used (the engine adds it, wherever the folder is): its footer.
    assert 'class="cx-pdf-edition"' in (root / "site/index.html").read_text("utf-8")

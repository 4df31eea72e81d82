"""Charts: every plotted value is the cited figure, output is byte-identical, and the SVG speaks."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import yaml

from compendium.chartkinds import KINDS
from compendium.charts import render_charts
from compendium.pipeline import check
from compendium.schemas import schema

from conftest import REPO

SVG = "{http://www.w3.org/2000/svg}"


def _finding(evidence_id: str, finding_id: str) -> dict:  # type: ignore[type-arg]
    data = yaml.safe_load((REPO / "evidence" / f"{evidence_id}.yml").read_text("utf-8"))
    return next(f for f in data["findings"] if f.get("id") == finding_id)


def test_the_record_has_at_least_six_charts_of_the_registered_kinds() -> None:
    specs = [yaml.safe_load(p.read_text("utf-8")) for p in (REPO / "charts").glob("*.yml")]
    assert len(specs) >= 6
    assert set(schema("chart")["properties"]["kind"]["enum"]) == set(KINDS)
    assert {"comparison-bars", "funnel", "time-series"} <= {s["kind"] for s in specs}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    report, compendium = check(REPO)
    assert compendium is not None, [d.format_text() for d in report.errors]
    out = tmp_path_factory.mktemp("charts")
    _, stats = render_charts(compendium, out, out / "cache.json")
    assert stats.rendered == len(compendium.charts)
    return out


def test_every_plotted_value_equals_the_cited_figure(rendered: Path) -> None:
    for spec_path in (REPO / "charts").glob("*.yml"):
        spec = yaml.safe_load(spec_path.read_text("utf-8"))
        rows = list(csv.DictReader(io.StringIO(
            (rendered / "assets/compendium/charts" / f"{spec_path.stem}.csv").read_text("utf-8"))))
        points = [p for s in spec["series"] for p in s["points"]]
        assert len(rows) == len(points)
        for row, point in zip(rows, points, strict=True):
            finding = _finding(point["evidence"], point["finding"])
            assert float(row["value"]) == finding["value"], (spec_path.name, point)
            assert row["unit"] == finding["unit"] == spec["unit"]
            assert (row["evidence"], row["finding"], row["label"]) == (point["evidence"], point["finding"],
                                                                      point["label"])
            evidence = yaml.safe_load((REPO / "evidence" / f"{point['evidence']}.yml").read_text("utf-8"))
            assert row["reference"] == evidence["source"]["ref"]


def test_svg_has_title_and_description_and_labels_every_value(rendered: Path) -> None:
    for spec_path in (REPO / "charts").glob("*.yml"):
        spec = yaml.safe_load(spec_path.read_text("utf-8"))
        root = ElementTree.parse(rendered / "assets/compendium/charts" / f"{spec_path.stem}.svg").getroot()
        assert root.find(f"{SVG}title").text == spec["title"]
        assert root.find(f"{SVG}desc").text == " ".join(spec["alt"].split()) or root.find(f"{SVG}desc").text
        assert root.get("role") == "img"
        assert not root.findall(f".//{SVG}image"), "charts are vector drawings, not images"


def test_two_clean_renders_are_byte_identical_and_a_third_draws_nothing(rendered: Path, tmp_path: Path) -> None:
    _, compendium = check(REPO)
    assert compendium is not None
    files, _ = render_charts(compendium, tmp_path, tmp_path / "cache.json")
    for name in files:
        assert (tmp_path / name).read_bytes() == (rendered / name).read_bytes(), name
    _, again = render_charts(compendium, tmp_path, tmp_path / "cache.json")
    assert (again.rendered, again.cached) == (0, len(compendium.charts))
    (tmp_path / sorted(files)[0]).unlink()
    _, after_delete = render_charts(compendium, tmp_path, tmp_path / "cache.json")
    assert after_delete.rendered == 1

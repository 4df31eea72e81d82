"""Charts: every plotted value is the cited figure, output is byte-identical, and the SVG speaks."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import yaml
from test_text import assert_no_formula_cells

from compendium.charts.draw import chart_csv, draw_svg, render_charts
from compendium.charts.kinds import KINDS, PlottedPoint
from compendium.model import Chart
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
        assert root.find(f"{SVG}desc").text == " ".join(spec["alt"].split())
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


HOSTILE_LABELS = ["$\\foo$ x", "$\\alpha$", "=HYPERLINK(\"http://evil.example\",\"x\")", "-5"]
HOSTILE_SERIES = ["_hidden series", "$\\beta$ found"]
HOSTILE_TITLE = "$\\alpha$ 100$"


def _hostile_chart(kind: str) -> tuple[Chart, list[PlottedPoint]]:
    chart = Chart(id="hostile", file="charts/hostile.yml", kind=kind, title=HOSTILE_TITLE, caption="$x$",
                  alt="$\\alpha$ & <b>", unit="percent", series=())
    points = [PlottedPoint(series, label, value, "e", "f", "ref", "p. $1$")
              for series in HOSTILE_SERIES for label, value in zip(HOSTILE_LABELS, (12.5, 40, 7, 30), strict=True)]
    return chart, points


def _svg_texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)
    return [" ".join("".join(e.itertext()).split()) for e in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_chart_text_is_drawn_as_typed(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mathtext and TeX are off: "$\\foo$ x" (an unknown command) draws, "$\\alpha$" shows its dollars
    and backslash, and a series named with a leading underscore still has its legend entry."""
    import matplotlib
    from matplotlib.figure import Figure

    chart, points = _hostile_chart(kind)
    # As drawn (text as paths): no error; the dollar and the backslash are drawn, as glyphs of DejaVu Sans.
    svg = draw_svg(chart, points)
    from matplotlib import font_manager, ft2font

    font = ft2font.FT2Font(font_manager.findfont("DejaVu Sans"))
    for char in "$\\":
        assert f'id="DejaVuSans-{font.get_char_index(ord(char)):x}"' in svg, char
    assert "Oblique" not in svg and "DejaVuSans-Bold-" in svg  # no mathtext italics; the title in bold
    root = ElementTree.fromstring(svg)
    assert root.findtext(f"{SVG}title") == HOSTILE_TITLE and root.findtext(f"{SVG}desc") == "$\\alpha$ & <b>"
    # The same drawing with text kept as text: every string exactly as typed.
    savefig = Figure.savefig

    def savefig_with_text(self: Figure, *args: object, **kwargs: object) -> None:
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            savefig(self, *args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(Figure, "savefig", savefig_with_text)
    texts = _svg_texts(draw_svg(chart, points))
    assert HOSTILE_TITLE in texts
    assert set(HOSTILE_LABELS) <= set(texts), texts
    if kind in ("comparison-bars", "time-series"):
        assert set(HOSTILE_SERIES) <= set(texts), texts


def test_chart_csv_keeps_text_as_text_and_numbers_as_numbers() -> None:
    _, points = _hostile_chart("comparison-bars")
    points.append(PlottedPoint("=1+1", "@x", -0.3, "e", "f", "ref", "+p"))
    table = chart_csv(points, "percent")
    rows = list(csv.reader(io.StringIO(table, newline="")))
    assert rows[1][:2] == [HOSTILE_SERIES[0], "$\\foo$ x"]
    assert rows[3][1] == "'=HYPERLINK(\"http://evil.example\",\"x\")" and rows[4][1] == "'-5"
    assert rows[-1][:3] == ["'=1+1", "'@x", "-0.3"] and rows[-1][-1] == "'+p"
    assert [r[2] for r in csv.reader(io.StringIO(table, newline=""), quoting=csv.QUOTE_NONNUMERIC)][1:] == \
        [p.value for p in points]
    assert_no_formula_cells(table, "chart csv")


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


SLATE = "#1e2129"  # Material's slate background, hsl(225, 15%, 14%)


def test_chart_colours_hold_their_contrast_in_both_palettes() -> None:
    """Bars and lines: 3:1 against white and slate (WCAG 1.4.11). Text: 4.5:1 in its own palette's ink."""
    from compendium.charts.style import INK, INK_DARK, PALETTE

    for colour in PALETTE:
        assert _contrast(colour, "#ffffff") >= 3 and _contrast(colour, SLATE) >= 3, colour
    assert _contrast(INK, "#ffffff") >= 4.5 and _contrast(INK_DARK, SLATE) >= 4.5


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_narrow_drawing_is_a_phones_width_with_text_of_9_points_or_more(kind: str) -> None:
    """3.6 in wide (shown at its own size on a 390 px phone: 9 pt is 12 CSS px); transparent; the dark ink rule."""
    import re

    from compendium.charts.kinds import NARROW

    chart, points = _hostile_chart(kind)
    svg = draw_svg(chart, points, NARROW)
    root = ElementTree.fromstring(svg)
    assert root.get("width") == "259.2pt"
    # Glyphs are defined 100 units to the em: a scale of 0.09 is 9 pt.
    scales = [float(s) for s in re.findall(r"scale\((0\.\d+) -0\.\d+\)", svg)]
    assert scales and min(scales) >= 0.09, sorted(set(scales))
    assert "fill: #ffffff" not in svg and "prefers-color-scheme: dark" in svg

"""Units are open: a figure's unit is any short word. The known ones are written as readers write them
(50.8%, £877, ES = 0.87); any other is written "<value> <unit>" wherever the value is shown: the evidence
page, the chart's table, its labels and axis, its CSV and the PDF."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest
from test_charts import _svg_texts

from compendium.chartdata import plotted_points
from compendium.charts.draw import chart_csv, draw_svg
from compendium.edition import Edition
from compendium.pdf.document import print_document, read_cover
from compendium.pipeline import check
from compendium.schemas import is_unit, schema
from compendium.settings import read_settings
from compendium.units import KNOWN_UNITS, axis_label, chart_value, range_text, value_text
from compendium.web.render import render_pages


def test_known_units_keep_their_writing_and_others_follow_the_number() -> None:
    assert [value_text(50.8, "percent"), value_text(877, "gbp"), value_text(0.87, "effect-size"),
            value_text(12, "sessions"), value_text(18039, "count")] == ["50.8%", "£877", "ES = 0.87",
                                                                      "12 sessions", "18,039"]
    assert value_text(3.5, "weeks") == "3.5 weeks"
    assert chart_value(1200, "referrals a month") == "1,200 referrals a month"
    assert chart_value(12, "sessions") == "12"  # the axis names a known unit; a bar's label need not
    assert range_text(40, 46, "percent") == "40–46%" and range_text(3, 5, "weeks") == "3 weeks to 5 weeks"
    assert axis_label("percent") == "per cent" and axis_label("weeks") == "weeks"


def test_every_known_unit_is_a_unit_and_the_schema_says_what_each_counts() -> None:
    described = schema("common")["$defs"]["unit"]["description"]
    for unit in KNOWN_UNITS:
        assert is_unit(unit) and unit in described, unit
    assert is_unit("weeks") and is_unit("mg/l") and is_unit("%")
    for bad in ("", " weeks", "weeks ", "a" * 25, "<b>", "$x$", "[x](y)", "weeks\n", "*", "£"):
        assert not is_unit(bad), bad


@pytest.fixture
def in_weeks(sample: Path) -> Path:
    """The sample with its chart, and the two findings it plots, in a unit the engine does not know."""
    for path in ("evidence/annual-report-retention.yml", "evidence/smith-2021-retention.yml"):
        text = (sample / path).read_text("utf-8")
        assert "    unit: percent\n" in text
        (sample / path).write_text(text.replace("    unit: percent\n", "    unit: weeks\n", 1), "utf-8")
    chart = sample / "charts/retention-compared.yml"
    chart.write_text(chart.read_text("utf-8").replace("\nunit: percent\n", "\nunit: weeks\n"), "utf-8")
    return sample


def test_an_unknown_unit_is_written_after_the_value_everywhere(in_weeks: Path, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    report, compendium = check(in_weeks)
    assert compendium is not None, [d.format_text() for d in report.diagnostics]
    pages = render_pages(compendium, read_settings(in_weeks), Edition("2026-01-01", ""))
    assert "44 weeks" in str(pages["evidence/smith-2021-retention.md"])
    chart_page = str(pages["charts/retention-compared.md"])
    assert "| 44 weeks |" in chart_page  # the table of the plotted values (its alt text is the contributor's own)
    chart = compendium.charts["retention-compared"]
    points = plotted_points(chart, compendium)
    rows = list(csv.DictReader(io.StringIO(chart_csv(points, chart.unit))))
    assert {row["unit"] for row in rows} == {"weeks"}
    import matplotlib
    from matplotlib.figure import Figure

    savefig = Figure.savefig

    def savefig_with_text(self: Figure, *args: object, **kwargs: object) -> None:
        with matplotlib.rc_context({"svg.fonttype": "none"}):  # text kept as text, to be read back
            savefig(self, *args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(Figure, "savefig", savefig_with_text)
    assert "44 weeks" in _svg_texts(draw_svg(chart, points))
    over_time = _svg_texts(draw_svg(dataclasses.replace(chart, kind="time-series"), points))
    assert "44 weeks" in over_time and "weeks" in over_time  # a point's label, and the axis's
    document = print_document(compendium, read_cover(read_settings(in_weeks), Edition("2026-01-01", "")))
    assert '"value": "44 weeks"' in json.dumps(document, ensure_ascii=False)

"""What a chart shows, apart from how it is drawn: its points, each read from the figure it cites, their
labels, and the colours every picture of the compendium shares (charts, share cards). Pages list a chart's
values from here without importing matplotlib."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from compendium.units import chart_value

if TYPE_CHECKING:  # the share cards take the colours from here in a build that reads no data file
    from compendium.model import Chart, Compendium

# A chart has a transparent background and sits on the page, in the light palette (white) or the dark one
# (Material's slate, #1e2129). Bars and lines are mid-tones with a contrast of at least 3:1 against both
# (WCAG 1.4.11): the Okabe-Ito blue, vermillion, bluish green and reddish purple (distinguishable with every
# common colour-vision deficiency), then Dark2's brown and a grey; Okabe-Ito's orange, sky blue and yellow
# are under 2.4:1 on white and are not used. Text needs 4.5:1, which no one colour has against both
# (the best grey has 4.0:1), so text and axes are drawn in INK and the SVG itself turns them to INK_DARK
# when it is shown in the dark palette (see charts/draw.py, DARK_INK_STYLE).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#A6761D", "#808080")
INK = "#222222"  # 15.9:1 on white
INK_DARK = "#dfe2e8"  # 12.4:1 on slate


@dataclass(frozen=True)
class PlottedPoint:
    series: str
    label: str
    value: float
    evidence: str
    finding: str
    reference: str
    locator: str


def value_label(value: float, unit: str) -> str:
    """The value as the source gives it (0.87 stays 0.87), with its unit: a label never rounds."""
    return chart_value(value, unit)


def plotted_points(chart: Chart, compendium: Compendium) -> list[PlottedPoint]:
    """The chart's values, each read from the figure it cites."""
    points = []
    for series in chart.series:
        for point in series.points:
            item = compendium.evidence[point.evidence]
            figure = item.finding(point.finding)
            assert figure is not None and figure.value is not None  # Checked by resolve.check_references.
            points.append(PlottedPoint(series.name, point.label, figure.value, item.id, point.finding,
                                       item.source.ref, figure.locator or item.source.locator))
    return points

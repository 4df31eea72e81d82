"""The kinds of chart, one module each, in a registry: a kind is a function that draws a chart's points
onto matplotlib axes at a layout (the page's width or a phone's), and returns the height in inches its
plot needs when it sizes the plot itself (bars on a phone), else None. Adding a kind is a module here, a
line below and a value in chart.schema.json."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from compendium.charts.kinds import bars, funnel, histogram, timeseries
from compendium.charts.style import LAYOUTS, NARROW, WIDE, Layout, PlottedPoint

Draw = Callable[[Any, str, list[PlottedPoint], Layout], float | None]

KINDS: dict[str, Draw] = {
    "comparison-bars": bars.draw,
    "funnel": funnel.draw,
    "histogram": histogram.draw,
    "time-series": timeseries.draw,
}

__all__ = ["KINDS", "LAYOUTS", "NARROW", "WIDE", "Draw", "Layout", "PlottedPoint"]

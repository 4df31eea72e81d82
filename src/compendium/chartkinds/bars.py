"""Comparison bars: one horizontal bar per point, coloured by series (claimed against found), each
labelled with its value and with its own label (which names its denominator)."""

from __future__ import annotations

from typing import Any

from compendium.chartkinds.style import PlottedPoint, colour, legend_above, value_label


def draw(axes: Any, unit: str, points: list[PlottedPoint]) -> None:
    ordered = list(reversed(points))  # matplotlib draws the first bar at the bottom
    values = [p.value for p in ordered]
    bars = axes.barh(range(len(ordered)), values, color=[colour(points, p) for p in ordered])
    axes.set_yticks(range(len(ordered)), [p.label for p in ordered])
    axes.bar_label(bars, labels=[value_label(v, unit) for v in values], padding=3)
    axes.set_xlim(0, max(values) * 1.25 if values and max(values) > 0 else 1)
    axes.set_xticks([])
    axes.spines["bottom"].set_visible(False)
    legend_above(axes, points)

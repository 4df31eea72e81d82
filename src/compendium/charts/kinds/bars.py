"""Comparison bars: one horizontal bar per point, coloured by series (claimed against found), each
labelled with its value and with its own label (which names its denominator): beside the bar on the
page, above it on a phone."""

from __future__ import annotations

from typing import Any

from compendium.charts.style import (
    BAR_PT,
    WIDE,
    Layout,
    PlottedPoint,
    bar_rows,
    colour,
    label_rows,
    legend_above,
    value_label,
)


def draw(axes: Any, unit: str, points: list[PlottedPoint], layout: Layout = WIDE) -> float | None:
    ordered = list(reversed(points))  # matplotlib draws the first bar at the bottom
    values = [p.value for p in ordered]
    rows = bar_rows([p.label for p in ordered], layout)
    bars = axes.barh(rows, values, height=BAR_PT if layout.narrow else 0.8,
                     color=[colour(points, p) for p in ordered])
    height = label_rows(axes, rows, [p.label for p in ordered], layout)
    axes.bar_label(bars, labels=[value_label(v, unit) for v in values], padding=3, fontsize=layout.font)
    axes.set_xlim(0, max(values) * 1.25 if values and max(values) > 0 else 1)
    axes.set_xticks([])
    axes.spines["bottom"].set_visible(False)
    legend_above(axes, points, layout)
    return height

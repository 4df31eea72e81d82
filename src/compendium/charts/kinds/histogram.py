"""Distribution: one vertical bar per bin (each point a bin, its label the bin's range), labelled with
its value, for how a figure spreads across services, areas or people."""

from __future__ import annotations

from typing import Any

from compendium.charts.style import (
    PALETTE,
    PLOT_HEIGHT_NARROW,
    WIDE,
    Layout,
    PlottedPoint,
    axis_label,
    value_label,
    wrapped,
)


def draw(axes: Any, unit: str, points: list[PlottedPoint], layout: Layout = WIDE) -> float | None:
    bars = axes.bar(range(len(points)), [p.value for p in points], width=0.9, color=PALETTE[0])
    # On a phone the bins are narrow: their names stand steeper and wrap.
    axes.set_xticks(range(len(points)), [wrapped(p.label, 16 if layout.narrow else 0) for p in points],
                    rotation=60 if layout.narrow else 30, ha="right",
                    rotation_mode="anchor" if layout.narrow else "default")
    axes.bar_label(bars, labels=[value_label(p.value, unit) for p in points], padding=2,
                   fontsize=layout.small if layout.narrow else layout.font)
    axes.set_ylabel(axis_label(unit))
    axes.set_ylim(0, max(p.value for p in points) * 1.2 if points else 1)
    return PLOT_HEIGHT_NARROW if layout.narrow else None

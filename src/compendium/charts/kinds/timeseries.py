"""Time series: each series a line through its points, placed on one shared axis of labels (periods) in
the order they first appear, so series covering different periods line up, and a missing period is a
gap. Percentages are drawn from zero, so that a small change does not look like a large one."""

from __future__ import annotations

from typing import Any

from compendium.charts.style import (
    PALETTE,
    PLOT_HEIGHT_NARROW,
    WIDE,
    Layout,
    PlottedPoint,
    axis_label,
    series_names,
    value_label,
)


def draw(axes: Any, unit: str, points: list[PlottedPoint], layout: Layout = WIDE) -> float | None:
    periods = list(dict.fromkeys(p.label for p in points))
    names = series_names(points)
    lines = []
    for i, name in enumerate(names):
        series = [p for p in points if p.series == name]
        xs = [periods.index(p.label) for p in series]
        lines += axes.plot(xs, [p.value for p in series], marker="o", color=PALETTE[i % len(PALETTE)])
        for n, (x, point) in enumerate(zip(xs, series, strict=True)):
            # On a phone the points are closer than their values are wide: every other value goes below.
            below = layout.narrow and n % 2 == 1
            axes.annotate(value_label(point.value, unit), (x, point.value), textcoords="offset points",
                          xytext=(0, -8 if below else 7), ha="center", va="top" if below else "baseline",
                          fontsize=layout.small)
    axes.set_xticks(range(len(periods)), periods, rotation=45 if layout.narrow else 30, ha="right",
                    rotation_mode="anchor" if layout.narrow else "default")
    if layout.narrow:  # room for the first and last values, clear of the axis
        axes.set_xlim(-0.7, len(periods) - 0.3)
    axes.set_ylabel(axis_label(unit))
    top = max(p.value for p in points) if points else 1
    axes.set_ylim(0 if unit == "percent" or min(p.value for p in points) >= 0 else None, top * 1.15)
    if len(names) > 1:
        # Lines and names given together: matplotlib would drop a series whose name starts with "_".
        axes.legend(lines, names, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=1 if layout.narrow else 3,
                    frameon=False, fontsize=layout.small)
    return PLOT_HEIGHT_NARROW if layout.narrow else None

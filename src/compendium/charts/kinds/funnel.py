"""Attrition funnel: the points as successive stages (referred, entered treatment, finished, recovered),
bars centred so that each narrows from the one above, labelled with the count and its share of the first:
beside the bar on the page; on a phone, with the stage's name above it."""

from __future__ import annotations

from typing import Any

from compendium.charts.style import BAR_PT, PALETTE, WIDE, Layout, PlottedPoint, bar_rows, label_rows, value_label


def draw(axes: Any, unit: str, points: list[PlottedPoint], layout: Layout = WIDE) -> float | None:
    ordered = list(reversed(points))
    first = points[0].value if points and points[0].value else 1
    widest = max(p.value for p in points) if points else 1

    def counted(point: PlottedPoint) -> str:
        share = f" ({100 * point.value / first:.0f}% of the first)" if point is not points[0] else ""
        return f"{value_label(point.value, unit)}{share}"

    if layout.narrow:
        # The count goes under the name, above the bar: beside a bar a phone has no room for it.
        labels = [f"{p.label}\n{counted(p)}" for p in ordered]
        rows = bar_rows(labels, layout)
        axes.barh(rows, [p.value for p in ordered], left=[(widest - p.value) / 2 for p in ordered],
                  height=BAR_PT, color=PALETTE[0])
        height = label_rows(axes, rows, labels, layout)
        axes.set_xlim(0, widest * 1.02)
    else:
        axes.barh(range(len(ordered)), [p.value for p in ordered],
                  left=[(widest - p.value) / 2 for p in ordered], color=PALETTE[0])
        for y, point in enumerate(ordered):
            # Beside the bar, not in it: a narrow bar has no room for its label.
            axes.text((widest + point.value) / 2 + widest * 0.02, y, counted(point), ha="left", va="center")
        axes.set_yticks(range(len(ordered)), [p.label for p in ordered])
        axes.set_xlim(0, widest * 1.55)
        height = None
    axes.set_xticks([])
    axes.spines["bottom"].set_visible(False)
    return height

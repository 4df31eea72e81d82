"""Attrition funnel: the points as successive stages (referred, entered treatment, finished, recovered),
bars centred so that each narrows from the one above, labelled with the count and its share of the first."""

from __future__ import annotations

from typing import Any

from compendium.chartkinds.style import PALETTE, PlottedPoint, value_label


def draw(axes: Any, unit: str, points: list[PlottedPoint]) -> None:
    ordered = list(reversed(points))
    first = points[0].value if points and points[0].value else 1
    widest = max(p.value for p in points) if points else 1
    axes.barh(range(len(ordered)), [p.value for p in ordered], left=[(widest - p.value) / 2 for p in ordered],
              color=PALETTE[0])
    for y, point in enumerate(ordered):
        share = f" ({100 * point.value / first:.0f}% of the first)" if point is not points[0] else ""
        # Beside the bar, not in it: a narrow bar has no room for its label.
        axes.text((widest + point.value) / 2 + widest * 0.02, y, f"{value_label(point.value, unit)}{share}",
                  ha="left", va="center")
    axes.set_yticks(range(len(ordered)), [p.label for p in ordered])
    axes.set_xticks([])
    axes.set_xlim(0, widest * 1.55)
    axes.spines["bottom"].set_visible(False)

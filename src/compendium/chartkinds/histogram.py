"""Distribution: one vertical bar per bin (each point a bin, its label the bin's range), labelled with
its value, for how a figure spreads across services, areas or people."""

from __future__ import annotations

from typing import Any

from compendium.chartkinds.style import AXIS_UNITS, PALETTE, PlottedPoint, value_label


def draw(axes: Any, unit: str, points: list[PlottedPoint]) -> None:
    bars = axes.bar(range(len(points)), [p.value for p in points], width=0.9, color=PALETTE[0])
    axes.set_xticks(range(len(points)), [p.label for p in points], rotation=30, ha="right")
    axes.bar_label(bars, labels=[value_label(p.value, unit) for p in points], padding=2)
    axes.set_ylabel(AXIS_UNITS.get(unit, unit))
    axes.set_ylim(0, max(p.value for p in points) * 1.2 if points else 1)

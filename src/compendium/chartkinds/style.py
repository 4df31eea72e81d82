"""What every kind of chart shares: the plotted point, the colours, and how values are labelled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Okabe-Ito colours: distinguishable with every common colour-vision deficiency, and dark enough to
# read against the white card the chart sits on in both the light and the dark palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
AXIS_UNITS = {"percent": "per cent", "count": "number", "gbp": "pounds (£)", "effect-size": "effect size (d)",
              "sessions": "sessions", "days": "days", "ratio": "ratio"}


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
    number = f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    return {"percent": f"{number}%", "gbp": f"£{number}", "effect-size": f"d = {number}"}.get(unit, number)


def series_names(points: list[PlottedPoint]) -> list[str]:
    return list(dict.fromkeys(p.series for p in points))


def colour(points: list[PlottedPoint], point: PlottedPoint) -> str:
    return PALETTE[series_names(points).index(point.series) % len(PALETTE)]


def legend_above(axes: Any, points: list[PlottedPoint]) -> None:
    """A legend above the plot, outside it, so that it never covers a bar or a value."""
    names = series_names(points)
    if len(names) < 2:
        return
    from matplotlib.patches import Patch

    axes.legend(handles=[Patch(color=PALETTE[i % len(PALETTE)], label=n) for i, n in enumerate(names)],
                loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(len(names), 2), frameon=False,
                borderaxespad=0.2, fontsize=9)

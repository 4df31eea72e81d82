"""What every kind of chart shares: the two sizes a chart is drawn at,
and how values and bars are labelled."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from compendium.chartdata import INK, INK_DARK, PALETTE, PlottedPoint, value_label
from compendium.units import axis_label

# The chart kinds take these from here, with the rest of the style.
__all__ = ["INK", "INK_DARK", "PALETTE", "PlottedPoint", "axis_label", "value_label"]



@dataclass(frozen=True)
class Layout:
    """A size to draw a chart at. Sizes are in inches and points; an SVG point is 4/3 CSS px.

    wide: the page's column (720 px), also the PDF's. narrow: a phone's, 3.6 in (346 px), which a 390 px
    wide screen shows at its own size, so that 9 pt text is 12 CSS px there; its bars are labelled above,
    not beside, and long labels and titles wrap."""

    name: str
    width: float  # in
    font: float  # pt: labels, ticks, values
    small: float  # pt: the smallest text (values on lines, legends)
    narrow: bool
    wrap: int  # characters a label line holds before it wraps (0: never)
    title_wrap: int


WIDE = Layout("wide", 7.5, 10, 9, narrow=False, wrap=0, title_wrap=0)
NARROW = Layout("narrow", 3.6, 10, 9, narrow=True, wrap=40, title_wrap=34)
LAYOUTS = (WIDE, NARROW)
BAR_PT = 11.0  # a bar's thickness on a phone, in points
PLOT_HEIGHT_NARROW = 2.4  # in: the plot of a chart with a vertical axis on a phone, whatever its labels take
ROW_GAP_PT = 9.0  # the space between one bar and the label of the next


def wrapped(text: str, width: int) -> str:
    """text in lines of at most width characters (a longer word stays whole); width 0: as it is."""
    if not width:
        return text
    return "\n".join(line for part in text.split("\n")
                     for line in textwrap.wrap(part, width, break_long_words=False, break_on_hyphens=False) or [""])


def series_names(points: list[PlottedPoint]) -> list[str]:
    return list(dict.fromkeys(p.series for p in points))


def colour(points: list[PlottedPoint], point: PlottedPoint) -> str:
    return PALETTE[series_names(points).index(point.series) % len(PALETTE)]


def legend_above(axes: Any, points: list[PlottedPoint], layout: Layout = WIDE) -> None:
    """A legend above the plot, outside it, so that it never covers a bar or a value."""
    names = series_names(points)
    if len(names) < 2:
        return
    from matplotlib.patches import Patch

    # On a phone, one name a row when two do not fit side by side.
    columns = 1 if layout.narrow and max(len(n) for n in names) > 18 else min(len(names), 2)
    axes.legend(handles=[Patch(color=PALETTE[i % len(PALETTE)], label=wrapped(n, layout.wrap))
                         for i, n in enumerate(names)],
                loc="lower left", bbox_to_anchor=(0, 1.0), ncol=columns, frameon=False,
                borderaxespad=0.2, fontsize=layout.small)


def bar_rows(labels: list[str], layout: Layout) -> list[float]:
    """Where each horizontal bar goes, bottom first (labels in that order). Wide: one unit a bar. Narrow:
    in points from the bottom, each bar under its own label of one or more lines (see label_rows)."""
    if not layout.narrow:
        return [float(i) for i in range(len(labels))]
    line = layout.font * 1.25
    rows, y = [], ROW_GAP_PT / 2 + BAR_PT / 2
    for label in labels:
        rows.append(y)
        y += BAR_PT + 2 + line * (wrapped(label, layout.wrap).count("\n") + 1) + ROW_GAP_PT
    return rows


def label_rows(axes: Any, rows: list[float], labels: list[str], layout: Layout) -> float | None:
    """Label each bar: beside it on the axis (wide), or above it, from its left end (narrow). Returns the
    height in inches the plot needs when it is sized in points (narrow), else None."""
    if not layout.narrow:
        axes.set_yticks(rows, labels)
        return None
    axes.set_yticks([])
    for y, label in zip(rows, labels, strict=True):
        axes.annotate(wrapped(label, layout.wrap), (0, y + BAR_PT / 2), xytext=(0, 2), textcoords="offset points",
                      ha="left", va="bottom", fontsize=layout.font, annotation_clip=False)
    top = rows[-1] + BAR_PT / 2 + 2 + layout.font * 1.25 * (wrapped(labels[-1], layout.wrap).count("\n") + 1) \
        + ROW_GAP_PT / 2 if rows else 1.0
    axes.set_ylim(0, top)
    return top / 72

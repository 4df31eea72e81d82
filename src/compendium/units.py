"""How a figure's value is written with its unit, everywhere a reader sees one (pages, chart labels and
axes, the PDF). A unit is any short word (the schema's pattern: common.schema.json#/$defs/unit); the
units below are written as readers write them (50.8%, £877, ES = 0.87), and any other as "<value> <unit>".

No import from the rest of the engine: the chart kinds, the pages and the PDF all read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownUnit:
    page: str  # the value as pages and the PDF write it, "{}" standing for the number
    chart: str  # the value as a chart labels a bar or point, where the axis already names the unit
    axis: str  # the unit as a chart's axis names it


# What each counts is said in the schema's description of a unit. An effect size is written "ES", as sources
# mostly write it, not "d": a service's figures are often before-and-after changes with no comparison group,
# not the controlled effect of a trial (a figure's definition and measure say which).
KNOWN_UNITS = {
    "percent": KnownUnit("{}%", "{}%", "per cent"),
    "count": KnownUnit("{}", "{}", "number"),
    "gbp": KnownUnit("£{}", "£{}", "pounds (£)"),
    "effect-size": KnownUnit("ES = {}", "ES = {}", "effect size (ES)"),
    "sessions": KnownUnit("{} sessions", "{}", "sessions"),
    "days": KnownUnit("{} days", "{}", "days"),
    "ratio": KnownUnit("{}", "{}", "ratio"),
}


def format_number(value: float | int) -> str:
    """The number as the source gives it, with thousands separated (0.87 stays 0.87: never rounded)."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,}"
    return f"{int(value):,}"


def _pattern(unit: str, chart: bool) -> str:
    known = KNOWN_UNITS.get(unit)
    if known is None:
        return "{} " + unit
    return known.chart if chart else known.page


def value_text(value: float | int, unit: str) -> str:
    """A value with its unit, as pages and the PDF write it: 50.8%, £877, 12 sessions, 3 weeks."""
    return _pattern(unit, chart=False).format(format_number(value))


def chart_value(value: float | int, unit: str) -> str:
    """A value as a chart labels it: a known unit that the axis names is left off (12, not 12 sessions)."""
    return _pattern(unit, chart=True).format(format_number(value))


def range_text(low: float | int, high: float | int, unit: str) -> str:
    """A range with its unit: 40–46% for percentages, else each end with its unit (£10 to £20, 3 weeks to 5 weeks)."""
    if unit == "percent":
        return f"{format_number(low)}–{format_number(high)}%"
    return f"{value_text(low, unit)} to {value_text(high, unit)}"


def axis_label(unit: str) -> str:
    """The unit as a chart's value axis names it: its own word, unless it is a known unit."""
    known = KNOWN_UNITS.get(unit)
    return known.axis if known else unit

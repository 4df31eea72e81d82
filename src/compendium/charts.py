"""Stage 4b, render charts: each chart spec drawn with matplotlib to SVG, with a CSV of what it plots.

Every plotted value is read from a cited figure of an evidence item, never typed into the chart.
Output is byte-identical from run to run (fixed SVG hash salt, no dates in the metadata), and a
chart whose spec and data did not change is not drawn again: matplotlib is imported only when
something has to be drawn.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from compendium.model import Chart, Compendium

OUTPUT = "assets/compendium/charts"
CACHE_VERSION = "1"  # Bump when the drawing code changes, so cached charts are redrawn.
# Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


@dataclass(frozen=True)
class PlottedPoint:
    series: str
    label: str
    value: float
    evidence: str
    finding: str
    reference: str
    locator: str


@dataclass(frozen=True)
class ChartStats:
    rendered: int
    cached: int


def plotted_points(chart: Chart, compendium: Compendium) -> list[PlottedPoint]:
    """The chart's values, each read from the figure it cites."""
    points = []
    for series in chart.series:
        for point in series.points:
            item = compendium.evidence[point.evidence]
            figure = item.finding(point.finding)
            assert figure is not None and figure.value is not None  # Checked by resolve.check_references.
            points.append(PlottedPoint(series.name, point.label, figure.value, item.id, point.finding,
                                       item.source.ref, figure.locator or item.source.locator))
    return points


def chart_csv(points: list[PlottedPoint], unit: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["series", "label", "value", "unit", "evidence", "finding", "reference", "locator"])
    for p in points:
        writer.writerow([p.series, p.label, p.value, unit, p.evidence, p.finding, p.reference, p.locator])
    return out.getvalue()


def _cache_key(chart: Chart, points: list[PlottedPoint]) -> str:
    payload = json.dumps([CACHE_VERSION, asdict(chart), [asdict(p) for p in points]], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def render_charts(compendium: Compendium, docs_dir: Path, cache_file: Path) -> tuple[set[str], ChartStats]:
    """Draw every chart whose spec or data changed. Returns the files (relative to docs_dir) and counts."""
    cache: dict[str, str] = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    files: set[str] = set()
    todo: list[tuple[Chart, list[PlottedPoint], str]] = []
    for chart in compendium.charts.values():
        points = plotted_points(chart, compendium)
        key = _cache_key(chart, points)
        svg, table = f"{OUTPUT}/{chart.id}.svg", f"{OUTPUT}/{chart.id}.csv"
        files.update((svg, table))
        if cache.get(chart.id) == key and (docs_dir / svg).exists() and (docs_dir / table).exists():
            continue
        todo.append((chart, points, key))
    for chart, points, key in todo:
        out = docs_dir / OUTPUT
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{chart.id}.svg").write_text(draw_svg(chart, points), "utf-8")
        (out / f"{chart.id}.csv").write_text(chart_csv(points, chart.unit), "utf-8")
        cache[chart.id] = key
    if todo:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps({k: cache[k] for k in sorted(cache) if k in compendium.charts}))
    return files, ChartStats(len(todo), len(compendium.charts) - len(todo))


def _label(value: float, unit: str) -> str:
    text = f"{value:,.1f}".removesuffix(".0") if not float(value).is_integer() else f"{int(value):,}"
    return {"percent": f"{text}%", "gbp": f"£{text}", "effect-size": f"d = {text}"}.get(unit, text)


def draw_svg(chart: Chart, points: list[PlottedPoint]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams.update({"svg.hashsalt": "compendium", "svg.fonttype": "path",
                                "font.family": "DejaVu Sans", "font.size": 10})
    figure, axes = plt.subplots(figsize=(7.5, 0.6 + 0.45 * max(len(points), 3)))
    try:
        _DRAW[chart.kind](axes, chart, points)
        axes.set_title(chart.title, loc="left", fontweight="bold")
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        plt.close(figure)
    return _with_title_and_desc(buffer.getvalue(), chart)


def _with_title_and_desc(svg: str, chart: Chart) -> str:
    # Screen readers announce an SVG's <title> and <desc>: set them from the chart's title and alt text.
    head, sep, rest = svg.partition("<svg ")
    tag_end = rest.index(">") + 1
    opening = rest[:tag_end].replace(">", ' role="img" aria-labelledby="title desc">', 1) \
        if not rest[:tag_end].endswith("/>") else rest[:tag_end]
    inserted = f'\n <title id="title">{escape(chart.title)}</title>\n <desc id="desc">{escape(chart.alt)}</desc>'
    return head + sep + opening + inserted + rest[tag_end:]


def _bars(axes: Any, chart: Chart, points: list[PlottedPoint]) -> None:
    names = list(dict.fromkeys(p.series for p in points))
    labels = [f"{p.label}" for p in reversed(points)]
    colours = [PALETTE[names.index(p.series) % len(PALETTE)] for p in reversed(points)]
    values = [p.value for p in reversed(points)]
    bars = axes.barh(range(len(points)), values, color=colours)
    axes.set_yticks(range(len(points)), labels)
    axes.bar_label(bars, labels=[_label(v, chart.unit) for v in values], padding=3)
    axes.set_xlim(0, max(values) * 1.2 if values else 1)
    axes.set_xticks([])
    axes.spines["bottom"].set_visible(False)
    if len(names) > 1:
        from matplotlib.patches import Patch
        axes.legend(handles=[Patch(color=PALETTE[i % len(PALETTE)], label=n) for i, n in enumerate(names)],
                    loc="lower right", frameon=False)


def _line(axes: Any, chart: Chart, points: list[PlottedPoint]) -> None:
    names = list(dict.fromkeys(p.series for p in points))
    for i, name in enumerate(names):
        series = [p for p in points if p.series == name]
        xs = list(range(len(series)))
        axes.plot(xs, [p.value for p in series], marker="o", color=PALETTE[i % len(PALETTE)], label=name)
        for x, p in zip(xs, series, strict=True):
            axes.annotate(_label(p.value, chart.unit), (x, p.value), textcoords="offset points", xytext=(0, 6),
                          ha="center")
        axes.set_xticks(xs, [p.label for p in series], rotation=30, ha="right")
    if len(names) > 1:
        axes.legend(frameon=False)


_DRAW = {"comparison-bars": _bars, "funnel": _bars, "time-series": _line}

"""Stage 4b, render charts: each chart spec drawn with matplotlib to SVG, with a CSV of what it plots.

Every plotted value is read from a cited figure of an evidence item, never typed into the chart.
Output is byte-identical from run to run (fixed SVG hash salt, no dates in the metadata), and a
chart whose spec and data did not change is not drawn again: matplotlib is imported only when
something has to be drawn.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from compendium.chartdata import plotted_points
from compendium.charts.kinds import KINDS, NARROW, WIDE, Layout, PlottedPoint
from compendium.charts.style import INK, INK_DARK, wrapped
from compendium.files import has_shape, read_record, sha256_file, write_file
from compendium.model import Chart, Compendium
from compendium.paths import CHARTS_OUTPUT
from compendium.processes import cores, worker_context
from compendium.text import csv_table

OUTPUT = CHARTS_OUTPUT
# Each chart is drawn twice: at the page's width (OUTPUT/<id>.svg, also the PDF's) and at a phone's
# (OUTPUT/narrow/<id>.svg), which the page shows on screens up to 44.9375em (719 px) wide.
NARROW_DIR = "narrow"
# The chart's text and axes turn light when the image is shown in the dark palette: an SVG in an <img>
# matches prefers-color-scheme against the color-scheme of the <img> (Material's slate scheme sets
# color-scheme: dark), so it follows the reader's choice of palette, not only the system's (Chromium,
# Firefox; CSS Media Queries 5, "prefers-color-scheme" in SVG images). Opened on its own, the SVG draws
# its own dark ground when the system is dark. WeasyPrint (the PDF) ignores @media in SVG: print is light.
DARK_INK_STYLE = ('<style type="text/css">:root { color-scheme: light dark } '
                  '@media (prefers-color-scheme: dark) { '
                  f'[style*="fill: {INK}"] {{ fill: {INK_DARK} !important }} '
                  f'[style*="stroke: {INK}"] {{ stroke: {INK_DARK} !important }} }}</style>')
def _drawing_code_hash() -> str:
    """A hash of the code that draws and writes the CSV: a change to it redraws every chart, with no version
    to remember."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    shared = [here.parent / "text.py", here.parent / "chartdata.py"]
    for path in sorted([*here.glob("*.py"), *shared, *(here / "kinds").glob("*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CACHE_VERSION = _drawing_code_hash()
# Each drawing process imports matplotlib first (about 0.7 s), which drawing a few charts (55-80 ms each)
# must pay back: so charts are drawn in parallel only from 8 on, with at least 4 per process.
PARALLEL_FROM = 8
CHARTS_PER_PROCESS = 4




@dataclass(frozen=True)
class ChartStats:
    rendered: int
    cached: int


def chart_csv(points: list[PlottedPoint], unit: str) -> str:
    return csv_table(["series", "label", "value", "unit", "evidence", "finding", "reference", "locator"],
                     ([p.series, p.label, p.value, unit, p.evidence, p.finding, p.reference, p.locator]
                      for p in points))


def _cache_key(chart: Chart, points: list[PlottedPoint]) -> str:
    payload = json.dumps([CACHE_VERSION, asdict(chart), [asdict(p) for p in points]], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def render_charts(compendium: Compendium, docs_dir: Path, cache_file: Path,
                  workers: int | None = None) -> tuple[set[str], ChartStats]:
    """Draw every chart whose spec or data changed. Returns the files (relative to docs_dir) and counts.

    A chart is taken from the cache only when its SVG and CSV on disk are the bytes it recorded, so a
    file truncated or edited since is drawn again. workers: how many processes draw (None: one per core
    when there are enough charts to draw)."""
    cache = _read_cache(cache_file)
    files: set[str] = set()
    todo: list[tuple[Chart, list[PlottedPoint], str]] = []
    for chart in compendium.charts.values():
        points = plotted_points(chart, compendium)
        key = _cache_key(chart, points)
        svg, table, narrow = (f"{OUTPUT}/{chart.id}.svg", f"{OUTPUT}/{chart.id}.csv",
                              f"{OUTPUT}/{NARROW_DIR}/{chart.id}.svg")
        files.update((svg, table, narrow))
        if cache.get(chart.id) == _record(key, docs_dir / svg, docs_dir / table, docs_dir / narrow):
            continue
        todo.append((chart, points, key))
    drawings = _draw_all([(chart, points) for chart, points, _ in todo],
                         _workers_for(len(todo)) if workers is None else workers)
    out = docs_dir / OUTPUT
    for (chart, points, key), (svg_text, narrow_text) in zip(todo, drawings, strict=True):
        write_file(out / f"{chart.id}.svg", svg_text)
        write_file(out / NARROW_DIR / f"{chart.id}.svg", narrow_text)
        write_file(out / f"{chart.id}.csv", chart_csv(points, chart.unit))
        cache[chart.id] = _record(key, out / f"{chart.id}.svg", out / f"{chart.id}.csv",
                                  out / NARROW_DIR / f"{chart.id}.svg")
    if todo or set(cache) - set(compendium.charts):
        write_file(cache_file, json.dumps({k: cache[k] for k in sorted(cache) if k in compendium.charts}))
    return files, ChartStats(len(todo), len(compendium.charts) - len(todo))


def _record(key: str, svg: Path, table: Path, narrow: Path) -> dict[str, str | None]:
    """What the cache remembers of a chart: its key, and the SHA-256 of each file drawn for it."""
    return {"key": key, "svg": sha256_file(svg), "csv": sha256_file(table), "narrow": sha256_file(narrow)}


def _read_cache(cache_file: Path) -> dict[str, dict[str, str | None]]:
    """The cache's record of each chart; a record of any other shape (or a bad file) is left out."""
    shape = {"key": str, "svg": str, "csv": str, "narrow": str}
    return {chart_id: entry for chart_id, entry in (read_record(cache_file) or {}).items()
            if has_shape(entry, shape)}


def _workers_for(count: int) -> int:
    return 1 if count < PARALLEL_FROM else max(1, min(cores(), count // CHARTS_PER_PROCESS))


def _draw_job(job: tuple[Chart, list[PlottedPoint]]) -> tuple[str, str]:
    """The chart's SVG at the page's width and at a phone's."""
    return draw_svg(*job, WIDE), draw_svg(*job, NARROW)


def _draw_all(jobs: list[tuple[Chart, list[PlottedPoint]]], workers: int) -> list[tuple[str, str]]:
    """The SVGs of each job, in order; with workers > 1, drawn by that many processes."""
    if workers <= 1 or len(jobs) <= 1:
        return [_draw_job(job) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor

    context = worker_context()
    if context.get_start_method() == "fork":
        # Imported once here, matplotlib is inherited by every worker instead of imported by each (0.5 s of
        # CPU apiece, which a second core busy with other work would have to pay in full).
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot
    with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context) as pool:
        return list(pool.map(_draw_job, jobs, chunksize=max(1, len(jobs) // (4 * workers))))


def draw_svg(chart: Chart, points: list[PlottedPoint], layout: Layout = WIDE) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Chart text comes from contributors and is drawn as typed: "$\alpha$" is not mathtext, and no text is TeX.
    matplotlib.rcParams.update({"svg.hashsalt": "compendium", "svg.fonttype": "path",
                                "font.family": "DejaVu Sans", "font.size": layout.font,
                                "text.parse_math": False, "text.usetex": False,
                                **{key: INK for key in ("text.color", "axes.edgecolor", "axes.labelcolor",
                                                        "xtick.color", "ytick.color")}})
    horizontal = chart.kind in ("comparison-bars", "funnel")
    height = (1.2 + 0.45 * max(len(points), 3) if horizontal else 4.2) if not layout.narrow else 3.6
    figure, axes = plt.subplots(figsize=(layout.width, height))
    try:
        plot_height = KINDS[chart.kind](axes, chart.unit, points, layout)
        # The title belongs to the whole figure, left-aligned with it, so long bar labels cannot push it off.
        figure.suptitle(wrapped(chart.title, layout.title_wrap), x=0.01, ha="left", fontweight="bold")
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        for _ in range(2):  # a plot that needs a given height: the figure grows or shrinks to give it that
            if plot_height is not None:
                figure.set_figheight(figure.get_figheight() + plot_height
                                     - axes.get_position().height * figure.get_figheight())
                figure.tight_layout()
        buffer = io.StringIO()
        # Transparent: the chart is drawn on the page's own ground, in either palette.
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
    finally:
        plt.close(figure)
    return _with_title_and_desc(buffer.getvalue(), chart)


def _with_title_and_desc(svg: str, chart: Chart) -> str:
    # Screen readers announce an SVG's <title> and <desc>: set them from the chart's title and alt text.
    head, sep, rest = svg.partition("<svg ")
    tag_end = rest.index(">") + 1
    opening = rest[:tag_end].replace(">", ' role="img" aria-labelledby="title desc">', 1) \
        if not rest[:tag_end].endswith("/>") else rest[:tag_end]
    inserted = (f'\n <title id="title">{escape(chart.title)}</title>\n <desc id="desc">{escape(chart.alt)}</desc>'
                f'\n {DARK_INK_STYLE}')
    return head + sep + opening + inserted + rest[tag_end:]

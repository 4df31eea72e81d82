"""Incremental work: a build with nothing changed draws no chart or share card, rewrites no page and never imports
matplotlib; a changed chart is drawn again alone; charts drawn by several processes are the same bytes."""

from __future__ import annotations

import importlib
import inspect
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from compendium.authoring.synth import write_compendium
from compendium.charts import draw as charts
from compendium.charts.draw import render_charts
from compendium.paths import CACHE_DIR
from compendium.pipeline import build, check
from compendium.processes import cores

# Run in a fresh interpreter, so that what the build imports can be seen in sys.modules.
_NOOP_BUILD = """
import json, sys
from pathlib import Path
from compendium.pipeline import build
result = build(Path(sys.argv[1]))
print(json.dumps({"site_ok": result.site_ok, "problem": result.pdf_problem or result.site_output[-2000:],
                  "charts_rendered": result.charts.rendered, "charts_cached": result.charts.cached,
                  "cards_drawn": result.cards.drawn, "cards_cached": result.cards.cached,
                  "pages_written": result.pages.written, "pages_removed": result.pages.removed,
                  "matplotlib": sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib")}))
"""


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.rglob("*") if p.is_file()}


def test_noop_build_draws_no_chart_rewrites_no_page_and_does_not_import_matplotlib(sample: Path) -> None:
    first = build(sample)  # the whole build, PDF included, so that everything is in the caches
    assert first.site_ok and first.charts is not None and first.charts.rendered == 1
    docs_before, cache_before = _stamps(sample / "docs"), _stamps(sample / CACHE_DIR)

    run = subprocess.run([sys.executable, "-c", _NOOP_BUILD, str(sample)], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    again = json.loads(run.stdout.splitlines()[-1])
    assert again["site_ok"], again["problem"]
    # Not a file under docs/ or in the cache was touched, so MkDocs' watcher sees no change.
    docs_after = _stamps(sample / "docs")
    assert sorted(name for name in docs_after.keys() | docs_before.keys()
                  if docs_after.get(name) != docs_before.get(name)) == []
    assert _stamps(sample / CACHE_DIR) == cache_before
    assert (again["charts_rendered"], again["charts_cached"]) == (0, 1)
    assert (again["cards_drawn"], again["cards_cached"]) == (0, 3)  # the site's share card and each claim's
    assert (again["pages_written"], again["pages_removed"]) == (0, 0)
    assert again["matplotlib"] == []


def test_a_changed_chart_is_drawn_again_alone(tmp_path: Path) -> None:
    root = tmp_path / "synthetic"
    write_compendium(root, 15)  # 3 charts
    _, compendium = check(root)
    assert compendium is not None
    docs, cache = root / "docs", root / CACHE_DIR / "charts.json"
    _, stats = render_charts(compendium, docs, cache)
    assert (stats.rendered, stats.cached) == (3, 0)
    before = _stamps(docs)

    changed = sorted((root / "charts").glob("*.yml"))[1]
    changed.write_text(changed.read_text("utf-8").replace("title: ", "title: Changed ", 1), "utf-8")
    _, compendium = check(root)
    assert compendium is not None
    _, stats = render_charts(compendium, docs, cache)
    assert (stats.rendered, stats.cached) == (1, 2)
    after = _stamps(docs)
    redrawn = {name for name in after if after[name] != before.get(name)}
    assert redrawn == {f"{charts.OUTPUT}/{changed.stem}.svg", f"{charts.OUTPUT}/{changed.stem}.csv",
                       f"{charts.OUTPUT}/{charts.NARROW_DIR}/{changed.stem}.svg"}
    assert "Changed " in (docs / charts.OUTPUT / f"{changed.stem}.svg").read_text("utf-8")


def test_charts_drawn_by_several_processes_are_the_same_bytes(tmp_path: Path) -> None:
    root = tmp_path / "synthetic"
    write_compendium(root, 40)  # 8 charts: enough to be drawn in parallel
    _, compendium = check(root)
    assert compendium is not None
    outputs = {}
    for workers in (1, 2):
        docs = tmp_path / f"docs-{workers}"
        _, stats = render_charts(compendium, docs, tmp_path / f"cache-{workers}.json", workers=workers)
        assert stats.rendered == 8
        out = docs / charts.OUTPUT
        outputs[workers] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert len(outputs[1]) == 3 * 8 and outputs[1] == outputs[2]  # each chart: SVG, phone's SVG and CSV
    assert (tmp_path / "cache-1.json").read_bytes() == (tmp_path / "cache-2.json").read_bytes()


def test_enough_charts_are_shared_between_the_cores() -> None:
    assert charts._workers_for(charts.PARALLEL_FROM - 1) == 1
    assert charts._workers_for(200) == cores()
    assert charts._workers_for(8) == min(cores(), 8 // charts.CHARTS_PER_PROCESS)


def test_pdf_is_laid_out_again_when_the_record_changes(sample: Path) -> None:
    from pypdf import PdfReader

    assert build(sample).site_ok
    key_file = sample / CACHE_DIR / "pdf" / "a4.json"
    first_key = json.loads(key_file.read_text())["key"]
    claim = sample / "claims" / "programme-pays-for-itself.yml"
    claim.write_text(claim.read_text().replace("title: The programme pays for itself",
                                               "title: The programme more than pays for itself"))
    assert build(sample).site_ok
    assert json.loads(key_file.read_text())["key"] != first_key
    text = " ".join(page.extract_text() for page in PdfReader(sample / "site" / "compendium.pdf").pages)
    assert "The programme more than pays for itself" in " ".join(text.split())


def test_the_fonts_are_asked_of_typst_again_only_when_a_font_folder_changed(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF's cache key names the fonts Typst finds; they are recorded, so that a PDF taken from the cache
    never loads Typst, and asked again once a font is added, removed or replaced."""
    typeset = importlib.import_module("compendium.pdf.typeset")  # the package's name 'typeset' is its function

    folder = tmp_path / "fonts"
    (folder / "truetype").mkdir(parents=True)
    monkeypatch.setattr(typeset, "FONT_FOLDERS", (str(folder),))
    record = tmp_path / "fonts.json"
    real = typeset.fonts()[0]
    assert typeset.recorded_fonts(record) == real and real
    # What is recorded is what is used, while the folders are as they were: here a record made up.
    made_up = {**json.loads(record.read_text()), "fonts": ["Made Up|normal|400|1|/nowhere.ttf|0|1"]}
    record.write_text(json.dumps(made_up))
    assert typeset.recorded_fonts(record) == ("Made Up|normal|400|1|/nowhere.ttf|0|1",)
    (folder / "truetype" / "new-font.ttf").write_bytes(b"not really a font")  # a font folder changed
    assert typeset.recorded_fonts(record) == real
    assert json.loads(record.read_text())["fonts"] == list(real)
    for broken in ("", "[1]", '{"stamp": 1}'):  # a record that cannot be read is a miss
        record.write_text(broken)
        assert typeset.recorded_fonts(record) == real


def _counting_renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the calls of render_pages from now on (one element a call)."""
    from compendium.web import render

    calls: list[int] = []
    real = render.render_pages

    def counted(*args: Any, **kwargs: Any) -> dict[str, str | bytes]:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(render, "render_pages", counted)
    return calls


def test_a_build_with_nothing_changed_renders_no_page(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = build(sample, make_site=False)
    assert first.pages is not None and first.pages.written > 0
    calls = _counting_renders(monkeypatch)
    again = build(sample, make_site=False)
    assert calls == [] and again.pages is not None
    assert (again.pages.written, again.pages.unchanged, again.pages.removed) == (0, first.pages.written, 0)


CLAIM = "claims/most-participants-keep-walking"


def _change(root: Path, change: str) -> None:
    if change == "a data file":
        path = root / f"{CLAIM}.yml"
        path.write_text(path.read_text("utf-8").replace("title: Most participants", "title: Most walkers", 1))
    elif change == "mkdocs.yml":
        path = root / "mkdocs.yml"
        path.write_text(path.read_text("utf-8").replace("site_name: Sample Compendium", "site_name: Other Name"))
    elif change == "a page edited by hand":
        with (root / "docs" / f"{CLAIM}.md").open("a", encoding="utf-8") as page:
            page.write("\nedited by hand\n")
    elif change == "a page removed":
        (root / "docs" / f"{CLAIM}.md").unlink()
    elif change == "the record unreadable":
        (root / CACHE_DIR / "pages.json").write_text('{"key": ')
    else:
        raise AssertionError(change)


@pytest.mark.parametrize("change", ["a data file", "mkdocs.yml", "a page edited by hand", "a page removed",
                                    "the record unreadable"])
def test_the_pages_are_rendered_again_when_an_input_or_a_page_changed(
        sample: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    assert build(sample, make_site=False).pages is not None
    page = sample / "docs" / f"{CLAIM}.md"
    written = page.read_text("utf-8")
    _change(sample, change)
    calls = _counting_renders(monkeypatch)
    again = build(sample, make_site=False)
    assert calls == [1] and again.pages is not None
    text = page.read_text("utf-8")
    if change == "a data file":
        assert "Most walkers" in text
    elif change == "mkdocs.yml":
        assert "Other Name" in text and "Other Name" not in written
    else:
        assert text == written  # put back as rendered
    calls.clear()
    assert build(sample, make_site=False).pages is not None
    assert calls == [], "the build after it rendered again"


def test_the_inputs_key_follows_the_edition_and_the_engine(sample: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The edition (commit, date) and the engine (code, templates) are inputs of every page too."""
    from compendium.edition import Edition
    from compendium.input import inputs

    edition = Edition("2024-05-01", "abc1234567", 1714521600)
    key = inputs.inputs_key(sample, edition)
    assert inputs.inputs_key(sample, edition) == key
    assert inputs.inputs_key(sample, Edition("2024-05-01", "abc1234567+changes", 1714521600)) != key
    assert inputs.inputs_key(sample, Edition("2024-05-02", "abc1234567", 1714608000)) != key
    engine = tmp_path / "engine" / "compendium"
    shutil.copytree(inputs.ENGINE, engine, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(inputs, "ENGINE", engine)
    assert inputs.inputs_key(sample, edition) == key  # the same files, elsewhere
    template = engine / "web" / "templates" / "claim.md.j2"
    template.write_text(template.read_text("utf-8") + "\n", "utf-8")
    assert inputs.inputs_key(sample, edition) != key


def test_the_inputs_key_reads_no_link_or_pipe_and_any_depth_of_folders(sample: Path) -> None:
    """A contributor's data folders are hostile: a link is not followed, a named pipe not read (it would
    block), folders nested deeper than Python's recursion are walked; each still counts by its name."""
    import os

    from compendium.edition import Edition
    from compendium.input import inputs

    edition = Edition("2024-05-01", "", 1714521600)
    key = inputs.inputs_key(sample, edition)
    folder = sample / "claims" / "nested"
    for _ in range(300):
        folder = folder / "d"
    folder.mkdir(parents=True)
    (folder / "deepest.yml").write_text("x: 1\n")
    # Deeper than Python's recursion goes, as seen from here: the limit lowered to 150 frames above this one
    # (rather than folders too deep for shutil.rmtree, which recurses, to remove after the test).
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 150)
    try:
        deep = inputs.inputs_key(sample, edition)
    finally:
        sys.setrecursionlimit(limit)
    assert deep != key
    (sample / "evidence" / "outside.yml").symlink_to("/etc/passwd")
    os.mkfifo(sample / "evidence" / "pipe.yml")
    linked = inputs.inputs_key(sample, edition)
    assert linked != deep
    (sample / "evidence" / "outside.yml").unlink()
    (sample / "evidence" / "outside.yml").symlink_to("/etc/hostname")  # another target: the same link by name
    assert inputs.inputs_key(sample, edition) == linked

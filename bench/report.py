"""BENCHMARKS.md: the results of a run (results.py) written through the jinja2 templates in bench/templates/,
one a section, and merged with the report already there. A section this run did not measure is kept as the
last run wrote it, a target not measured keeps its last line (so marked), and the hand-written notes between
the NOTES markers are kept from one run to the next.

Each template writes its lines each ended by a newline; a section's text is that without its last newline,
so that sections joined by newlines are the report, blank lines where the templates put them."""

from __future__ import annotations

import re
import statistics
from functools import cache
from typing import Any

import jinja2

from bench.formats import FILTERS, ratio, same_or_each
from bench.measure import REPO, Run
from bench.results import BuilderRun, Builders, Hot, Results, Scenario, ServeResult, Validation
from bench.targets import Target, pdf_targets, targets

NOTES_BEGIN, NOTES_END = "<!-- NOTES: kept by bench/run.py -->", "<!-- END NOTES -->"
PDF_HEADING = "## PDF edition"
BUILDERS_HEADING = "## Builders: MkDocs + Material and Zensical side by side"
SERVE_HEADING = "## Preview: from saving a claim to its page served again"
BIG_HEADING = "## The whole site at the largest sizes"
VALIDATE_HEADING = "## Validation: `compendium validate`"
TARGETS_HEADING = "## Targets (issue 21; issue 20 for the PDF)"
OLD_TARGETS_HEADING = "## Targets (issue 11)"
OTHER_HEADING = "## Other measures"
# The sections a full run keeps from the last report when it does not measure them, in the report's order.
KEPT_BY_A_FULL_RUN = (PDF_HEADING, BUILDERS_HEADING, SERVE_HEADING, BIG_HEADING, VALIDATE_HEADING)
EARLIER = " (kept from an earlier run: this one did not measure it)"
EMPTY = "# Benchmarks\n"  # the report a partial run starts from when there is none yet
STAGES = (("load+validate+resolve", "Load + validate + resolve"), ("charts", "Charts"),
          ("share cards", "Share cards"), ("pages", "Render pages"), ("mkdocs", "MkDocs build (in the pipeline)"))
# The PDF edition as WeasyPrint 70 made it (parts of about 60 pages, each laid out twice, joined by pypdf),
# measured by this benchmark on 2026-11-25 (load average 1.05-1.80): pages, parts, PDF stage, whole build
# with PDF, peak memory. Kept to compare with.
WEASYPRINT = {"real record": (187, 4, 16.1, 18.7, 413 << 20), "synthetic N=1000": (6324, 105, 521.1, 565.8, 1607 << 20)}


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(REPO / "bench" / "templates"), autoescape=False,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env


def render(template: str, **data: Any) -> str:
    return _environment().get_template(template).render(**data).removesuffix("\n")


def _walls(s: Scenario, runs: str) -> float | None:
    return s.median(runs, lambda r: r.wall)


def headline(ok: list[Scenario]) -> str:
    rows = [{"name": s.name, "claims": s.claims, "charts": s.charts, "pages": s.pages, "cold": _walls(s, "cold"),
             "noop": _walls(s, "noop"), "plain": _walls(s, "plain"),
             "cold_ratio": ratio(_walls(s, "cold"), _walls(s, "plain")),
             "noop_ratio": ratio(_walls(s, "noop"), _walls(s, "plain")),
             "cpu_ratio": ratio(s.median("noop", lambda r: r.cpu), s.median("plain", lambda r: r.cpu)),
             "runs": len(s.cold)} for s in ok]
    return render("headline.md.j2", rows=rows)


def _count(runs: list[Run], key: str) -> str:
    return same_or_each([r.report.get(key) for r in runs])


def per_stage(ok: list[Scenario]) -> str:
    scenarios = [{"name": s.name, "plain_wall": _walls(s, "plain"),
                  "plain_peak": s.median("plain", lambda r: r.peak_bytes),
                  "runs": [{"label": label, "stages": [s.stage(runs, key) for key, _ in STAGES],
                            "wall": _walls(s, runs), "peak": s.median(runs, lambda r: r.peak_bytes)}
                           for runs, label in (("cold", "cold"), ("noop", "no change"))]} for s in ok]
    reuse = []
    for s in (s for s in ok if s.noop):
        reused = sum(bool(r.report.get("checks_reused")) for r in s.noop)
        reuse.append({"name": s.name, "reused": reused, "runs": len(s.noop),
                      "charts": _count(s.noop, "charts_rendered") if reused < len(s.noop) else 0,
                      "pages": _count(s.noop, "pages_written"),
                      "matplotlib": sum(bool(r.report.get("matplotlib_imported")) for r in s.noop)})
    return render("per_stage.md.j2", stages=[label for _, label in STAGES], scenarios=scenarios, reuse=reuse)


def pdf_section(scenarios: list[Scenario], when: str = "") -> str:
    """The PDF edition's figures (Typst), beside WeasyPrint's before it, and issue 20's targets ("" when no
    scenario's PDF was measured)."""
    runs = [s for s in scenarios if s.pdf]
    if not runs:
        return ""
    rows = [{"name": s.name, "pages": _count(s.pdf, "pdf_pages"), "stage": s.stage("pdf", "pdf"),
             "wall": _walls(s, "pdf"), "pdf_peak": s.median("pdf", lambda r: r.pdf_peak_bytes),
             "pdf_before": s.median("pdf", lambda r: r.pdf_before_bytes),
             "peak": s.median("pdf", lambda r: r.peak_bytes), "runs": len(s.pdf),
             "weasyprint": WEASYPRINT.get(s.name)} for s in runs]
    lines = [(key, how) for key, how in pdf_targets({s.name: s for s in runs}) if how is not None]
    return render("pdf.md.j2", heading=PDF_HEADING, when=when, rows=rows, targets=lines)


def _builder_row(name: str, r: BuilderRun) -> dict[str, Any]:
    report = r.run.report
    return {"name": name, "measured": True, "label": r.label, "ok": report["ok"], "problem": report["problem"],
            "site": report["timings"].get(r.builder), "wall": r.run.wall, "peak": r.run.peak_bytes, "pages": r.pages,
            "search": r.search_bytes}


def builders_section(results: Builders, when: str) -> str:
    rows: list[dict[str, Any]] = []
    for name, runs in results.items():
        rows += ([{"name": name, "measured": False, "problem": runs}] if isinstance(runs, str) else
                 [_builder_row(name, r) for r in runs])
    return render("builders.md.j2", heading=BUILDERS_HEADING, when=when, rows=rows)


def serve_section(s: ServeResult, when: str) -> str:
    data: dict[str, Any] = {"heading": SERVE_HEADING, "when": when, "serve": s, "measured": bool(s.ours and s.plain)}
    if data["measured"]:
        median = statistics.median
        rows = [(f"`compendium serve`: the claim's YAML file (`claims/{s.claim}.yml`) saved", s.ours, s.ours_cpu),
                ("plain `mkdocs serve`: the claim's generated Markdown page saved", s.plain, s.plain_cpu)]
        data |= {"rows": [{"label": label, "median": median(walls), "walls": walls, "median_cpu": median(cpus),
                           "cpus": cpus} for label, walls, cpus in rows],
                 "ratio": ratio(median(s.ours), median(s.plain)),
                 "cpu_ratio": ratio(median(s.ours_cpu), median(s.plain_cpu))}
    return render("serve.md.j2", **data)


def _big_row(s: Scenario) -> dict[str, Any]:
    if not s.cold:
        return {"name": s.name, "measured": False, "problem": s.problem}
    return {"name": s.name, "measured": True, "claims": s.claims, "charts": s.charts, "pages": s.pages,
            "wall": _walls(s, "cold"), "cpu": s.median("cold", lambda r: r.cpu),
            "peak": s.median("cold", lambda r: r.peak_bytes),
            "stages": [s.stage("cold", key) for key in ("load+validate+resolve", "charts", "pages", "mkdocs")],
            "largest": max(s.claim_page_sizes, default=None)}


def big_section(scenarios: list[Scenario], when: str) -> str:
    return render("big.md.j2", heading=BIG_HEADING, when=when, rows=[_big_row(s) for s in scenarios])


def validate_section(validations: list[Validation], when: str) -> str:
    median = statistics.median
    rows = [{"name": v.name, "problem": v.problem} if v.problem else
            {"name": v.name, "problem": "", "counts": v.counts, "checks": median(v.checks), "wall": median(v.walls),
             "cpu": median(v.cpus), "runs": len(v.checks)} for v in validations]
    return render("validate.md.j2", heading=VALIDATE_HEADING, when=when, rows=rows)


def _validation(s: Scenario) -> float | None:
    # Cold builds only: a build with nothing changed and no PDF reports the last build's findings.
    present = [v for v in (r.report["timings"].get("load+validate+resolve") for r in s.cold) if v is not None]
    return statistics.median(present) if present else None


def _per_chart(s: Scenario) -> float | None:
    values = [r.report["timings"]["charts"] / r.report["charts_rendered"] for r in s.cold
              if r.report.get("charts_rendered")]
    return statistics.median(values) if values else None


def other_measures(ok: list[Scenario]) -> str:
    rows = [{"name": s.name, "validation": _validation(s), "per_chart": _per_chart(s), "charts": s.charts,
             "median": statistics.median(s.claim_page_sizes) if s.claim_page_sizes else None,
             "largest": max(s.claim_page_sizes) if s.claim_page_sizes else None} for s in ok]
    return render("other.md.j2", heading=OTHER_HEADING, rows=rows)


def targets_section(lines: list[Target], kept: dict[str, str]) -> str:
    """The targets; one this run did not measure keeps its line from the last report (kept), marked so."""
    shown = []
    for key, how in lines:
        if how is None and key in kept:
            how = kept[key] if kept[key].endswith(EARLIER) else kept[key] + EARLIER
        shown.append((key, how or "not measured yet"))
    return render("targets.md.j2", heading=TARGETS_HEADING, targets=shown)


def profile_section(hot: Hot | None, hot_name: str) -> str:
    if not hot:
        return ""
    total, engine, anywhere = hot
    return render("profile.md.j2", name=hot_name, total=total, engine=engine, anywhere=anywhere)


def problems_section(failed: list[Scenario]) -> str:
    problems = [{"name": s.name, "problem": s.problem.strip()[:2000]} for s in failed]
    return render("problems.md.j2", failed=problems) if failed else ""


def full_report(results: Results, info: dict[str, str], runs: int, load: tuple[str, str], notes: str,
                elapsed: float, kept: dict[str, str], kept_lines: dict[str, str], now: str) -> str:
    """The whole report of a full run. kept: the sections this run did not measure, as the last report had
    them; kept_lines: the last report's targets; now: when the run was made."""
    ok = [s for s in results.scenarios if s.cold]
    measured = {heading: _measured_section(results, heading) for heading in results.measured}
    body = [headline(ok), per_stage(ok), pdf_section(results.scenarios) or kept.get(PDF_HEADING, "")]
    body += [measured.get(heading) or kept.get(heading, "") for heading in KEPT_BY_A_FULL_RUN[1:]]
    body += [other_measures(ok), targets_section(targets(results), kept_lines),
             profile_section(results.hot, results.hot_name),
             problems_section([s for s in results.scenarios + results.big if s.problem])]
    return render("report.md.j2", runs=runs, machine=info, load=load, now=now, elapsed=elapsed,
                  body="\n".join(part for part in body if part), notes_begin=NOTES_BEGIN,
                  notes=notes.strip() or "(No notes yet.)", notes_end=NOTES_END)


def _measured_section(results: Results, heading: str) -> str:
    """The section under heading of those --only can pick, from what results measured for it."""
    when = results.measured[heading]
    if heading == SERVE_HEADING:
        return serve_section(results.serve or ServeResult(), when)
    if heading == BIG_HEADING:
        return big_section(results.big, when)
    return validate_section(results.validations, when)


def partial_report(existing: str, results: Results) -> tuple[str, str]:
    """The report existing with the sections results measured (those --only picked) and the targets replaced;
    and the text of the sections measured, to print."""
    kept_lines = kept_targets(existing)
    text = re.sub(rf"^{re.escape(OLD_TARGETS_HEADING)}$", TARGETS_HEADING, existing, flags=re.M)
    sections = {heading: _measured_section(results, heading) for heading in results.measured}
    for heading, section in sections.items():
        text = splice_section(text, heading, section)
    text = splice_section(text, TARGETS_HEADING, targets_section(targets(results), kept_lines))
    return text, "\n".join(sections.values())


def _section_match(text: str, heading: str) -> re.Match[str] | None:
    return re.search(rf"^{re.escape(heading)}\n.*?(?=^## |^{re.escape(NOTES_BEGIN)})", text, re.M | re.S)


def splice_section(existing: str, heading: str, section: str) -> str:
    """The report with its section under heading replaced (or added before 'Other measures')."""
    text = section.strip("\n") + "\n\n"
    match = _section_match(existing, heading)
    if match:
        return existing[:match.start()] + text + existing[match.end():]
    at = existing.find(OTHER_HEADING)
    return existing[:at] + text + existing[at:] if at >= 0 else existing.rstrip("\n") + "\n\n" + text


def kept_section(existing: str, heading: str) -> str:
    """The section under heading in the report existing, as it is, between blank lines ("" if it has none)."""
    match = _section_match(existing, heading)
    return "\n" + match.group(0).strip("\n") + "\n" if match else ""


def kept_targets(existing: str) -> dict[str, str]:
    """The targets of the report existing (its targets section's, and the PDF section's own), as what is aimed
    at -> how it stood."""
    lines = (kept_section(existing, PDF_HEADING) + kept_section(existing, TARGETS_HEADING)).splitlines()
    return dict(line[2:].split(" — ", 1) for line in lines if line.startswith("- ") and " — " in line)


def kept_notes(existing: str) -> str:
    if NOTES_BEGIN in existing and NOTES_END in existing:
        return existing.split(NOTES_BEGIN, 1)[1].split(NOTES_END, 1)[0]
    return ""

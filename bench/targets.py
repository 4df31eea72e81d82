"""Issue 21's targets (and issue 20's for the PDF), each judged met or not, by how much, from a run's results.
A target is (what is aimed at, how it stands); how is None when the run did not measure it, and the report
then keeps the line of the last run that did."""

from __future__ import annotations

import statistics

from bench.formats import by, ratio, seconds, times, verdict
from bench.results import Results, Scenario, ServeResult, Validation

NOCHANGE_TARGET, COLD_TARGET = 1.10, 1.5  # the whole build, no change and cold, over plain MkDocs of the same pages
SERVE_TARGET = 1.2  # from a claim's file saved to its page served again, over MkDocs' own rebuild
VALIDATE_1000_S = 1.0
SITE_3000_S, MEMORY_3000_BYTES = 180.0, 1.5 * (1 << 30)
# Issue 20's targets for the PDF edition, made with Typst.
PDF_TYPST_REAL_S, PDF_TYPST_1000_S, PDF_TYPST_1000_BYTES = 3.0, 60.0, 1.5 * (1 << 30)
CLAIM_PAGE_BYTES = 40_000
# The sizes issue 21 sets the no-change and cold ratios at; the size its N = 3,000 targets are of.
RATIO_SCENARIOS = ("real record", "synthetic N=100", "synthetic N=1000")
BIG_TARGET_NAME = "synthetic N=3000"

Target = tuple[str, str | None]  # what is aimed at; how it stands (None: this run did not measure it)


def _mib(value: float) -> str:
    return f"{value / 2 ** 20:,.0f} MiB"


def ratio_targets(by_name: dict[str, Scenario]) -> list[Target]:
    out: list[Target] = []
    for name in RATIO_SCENARIOS:
        s = by_name.get(name)
        for runs, target, what in (("noop", NOCHANGE_TARGET, "the whole no-change build"),
                                   ("cold", COLD_TARGET, "a cold build")):
            key = f"{name}: {what} at most {target:.2f}× plain MkDocs of the same pages"
            if s is None or not getattr(s, runs) or not s.plain:
                out.append((key, None))
                continue
            wall, plain = s.median(runs, lambda r: r.wall), s.median("plain", lambda r: r.wall)
            cpu, plain_cpu = s.median(runs, lambda r: r.cpu), s.median("plain", lambda r: r.cpu)
            met, how = by(ratio(wall, plain), target, times)
            out.append((key, verdict(met, how + f" ({seconds(wall, 1)} against {seconds(plain, 1)}; in CPU time "
                                     f"{seconds(cpu, 1)} against {seconds(plain_cpu, 1)}, "
                                     f"{times(ratio(cpu, plain_cpu))})")))
    return out


def serve_target(serve: ServeResult | None) -> Target:
    key = (f"real record: from saving a claim's file to its page served again by `compendium serve`, at most "
           f"{SERVE_TARGET:.1f}× MkDocs' own rebuild")
    if serve is None or not serve.ours or not serve.plain:
        return key, None
    ours, plain = statistics.median(serve.ours), statistics.median(serve.plain)
    cpu, plain_cpu = statistics.median(serve.ours_cpu), statistics.median(serve.plain_cpu)
    met, how = by(ours / plain, SERVE_TARGET, times)
    return key, verdict(met, how + f" ({ours:.2f} s against {plain:.2f} s, medians of {len(serve.ours)} edits each; "
                        f"in CPU time {cpu:.2f} s against {plain_cpu:.2f} s, {times(ratio(cpu, plain_cpu))})")


def validate_target(validations: list[Validation]) -> Target:
    key = f"validation of synthetic N=1000 under {VALIDATE_1000_S:.0f} s"
    found = next((v for v in validations if v.name == "synthetic N=1000" and v.checks), None)
    if found is None:
        return key, None
    met, how = by(statistics.median(found.checks), VALIDATE_1000_S, lambda v: f"{v:.2f} s")
    return key, verdict(met, how + f" (`compendium validate`, {found.counts}; the whole command "
                        f"{statistics.median(found.walls):.2f} s, {statistics.median(found.cpus):.2f} s CPU)")


def big_targets(big: Scenario | None) -> list[Target]:
    time_key = f"{BIG_TARGET_NAME}: the whole site (cold, without the PDF) in under {SITE_3000_S / 60:.0f} minutes"
    memory_key = f"{BIG_TARGET_NAME}: peak memory under 1.5 GiB"
    if big is None or not big.cold:
        return [(time_key, None), (memory_key, None)]
    met, how = by(big.median("cold", lambda r: r.wall), SITE_3000_S, lambda v: f"{v:.1f} s")
    timed = verdict(met, how + f" ({seconds(big.median('cold', lambda r: r.cpu), 1)} of CPU)")
    met, how = by(big.median("cold", lambda r: r.peak_bytes), MEMORY_3000_BYTES, _mib)
    return [(time_key, timed), (memory_key, verdict(met, how))]


def page_target(scenarios: list[Scenario]) -> Target:
    """Judged only with the real record measured: its claims have the most evidence, so the largest pages."""
    key = f"a claim page's HTML at most {CLAIM_PAGE_BYTES // 1000} KB"
    sizes = [(max(s.claim_page_sizes), s.name) for s in scenarios if s.claim_page_sizes]
    if not sizes or not any(s.name == "real record" and s.claim_page_sizes for s in scenarios):
        return key, None
    largest, where = max(sizes)
    met, how = by(largest, CLAIM_PAGE_BYTES, lambda v: f"{v / 1000:.1f} KB")
    return key, verdict(met, how + f" (the largest, of {where})")


def pdf_targets(by_name: dict[str, Scenario]) -> list[Target]:
    real, big = by_name.get("real record"), by_name.get("synthetic N=1000")
    out: list[Target] = []
    key = "the real record's PDF in under 3 s"
    if real is not None and real.pdf:
        out.append((key, verdict(*by(real.stage("pdf", "pdf"), PDF_TYPST_REAL_S, lambda v: f"{v:.2f} s"))))
    else:
        out.append((key, None))
    time_key, memory_key = "N = 1,000: the PDF in under 60 s", "N = 1,000: peak memory of the PDF stage under 1.5 GiB"
    if big is None or not big.pdf:
        return [*out, (time_key, None), (memory_key, None)]
    out.append((time_key, verdict(*by(big.stage("pdf", "pdf"), PDF_TYPST_1000_S, lambda v: f"{v:.1f} s"))))
    out.append((memory_key, verdict(*by(big.median("pdf", lambda r: r.pdf_peak_bytes), PDF_TYPST_1000_BYTES, _mib))))
    return out


def targets(results: Results) -> list[Target]:
    by_name = {s.name: s for s in results.scenarios + results.big}
    return [*ratio_targets(by_name), serve_target(results.serve), validate_target(results.validations),
            *big_targets(by_name.get(BIG_TARGET_NAME)), page_target(results.scenarios), *pdf_targets(by_name)]

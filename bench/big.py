"""The largest sizes (--big-sizes, N = 3,000): one cold build of the whole site each, without the PDF: its
wall and CPU time, the peak memory of its process tree and its claim pages' sizes."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from bench.builds import measured_build
from bench.compendia import claim_page_sizes, count_files, html_pages, synthesize
from bench.formats import mib
from bench.measure import BenchError, Log
from bench.results import Scenario


def bench_big(n: int, work: Path, log: Log) -> Scenario:
    """One cold `compendium build` (no PDF) of a synthetic compendium of n claims. The PDF is left out: Typst
    holds about 1 MiB a laid-out page until the file is written (the PDF section's notes), so at 3,000 claims
    (some 16,000 pages) it could not fit the memory target whatever the site did; it is a measurement of its
    own (--pdf-sizes)."""
    scenario = Scenario(f"synthetic N={n}")
    try:
        began = time.perf_counter()
        # A folder of its own: the validation's, or a --sizes scenario's, of the same n may be there already,
        # built or not, and `compendium synth` writes only into a new folder.
        source = synthesize(work / f"synthetic-{n}-big", n)
        log(f"  N = {n}: written by compendium synth in {time.perf_counter() - began:.1f} s")
        scenario.claims, scenario.charts = count_files(source, "claims"), count_files(source, "charts")
        scenario.cold.append(cold := measured_build(source))
        scenario.claim_page_sizes, scenario.pages = claim_page_sizes(source), html_pages(source)
        log(f"  N = {n}: cold {cold.wall:.1f} s ({cold.cpu or 0:.1f} s CPU), peak {mib(cold.peak_bytes)}")
        shutil.rmtree(source)
    except BenchError as problem:
        scenario.problem = str(problem)
        log(f"  N = {n}: {problem}")
    return scenario

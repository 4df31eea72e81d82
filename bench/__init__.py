"""`make bench` (`python -m bench`): how long the build takes, stage by stage, on the real record and on synthetic ones.

For each compendium (the real record, and `compendium synth` ones of N = 100 and N = 1,000 claims) and
each of several runs:

1. cold: a fresh copy with nothing generated and no cache, built as `compendium build` builds it;
2. no-op: the same folder built again with nothing changed (charts from the cache, no page rewritten);
3. plain MkDocs: `mkdocs build --strict` of the very pages the build generated, in the same run: the
   floor every build stands on, and the denominator of the headline ratio.

Each build runs in a child process of its own (a fresh interpreter, as `make site` is), which reports the
pipeline's own stage timings; the whole wall time and the peak memory of the process tree (sampled
from /proc; the build, MkDocs in it, and its chart-drawing processes) are measured from here. Every figure is
the median of the runs. The PDF edition is timed too, once laid out afresh: on the real record and on
the synthetic N = 1,000 (--pdf-sizes). Then the N = 1,000 build's own steps are profiled with cProfile,
for the hot spots.

Then, as issue 21 asks (each of these can also be run alone with --only, which replaces only its section
and the targets in BENCHMARKS.md):

- serve: the preview. `compendium serve` and plain `mkdocs serve` (the same generated pages, with the
  engine's settings) run side by side on copies of the real record; a claim's title is edited, in its YAML
  file for ours and in its generated Markdown page for MkDocs, alternately (--serve-edits each), and each
  edit is timed from the file written to the claim's page served with the new word;
- validate: `compendium validate` of the synthetic --validate-sizes (N = 1,000), five runs;
- big: one cold build of the whole site, without the PDF, at the --big-sizes (N = 3,000): its time, CPU
  time and the peak memory of its process tree.

Results are printed and written to BENCHMARKS.md, with the machine and its load described and each target of
issue 21 (and issue 20's for the PDF) marked met or not, by how much; a target a run did not measure keeps
its line from the run that last did. Hand-written notes between the NOTES markers in BENCHMARKS.md are kept
from one run to the next.

The two builders of the site (MkDocs with Material, and Zensical: README, "Choosing a builder") are set side
by side with --builders-only, on the real record and the synthetic --sizes, one run each: the site stage of
each with the pages already rendered, Zensical's first with its cache empty and again with it full. That
section is kept by a full run, which does not measure it.

    python -m bench [--runs 3] [--sizes 100,1000] [--pdf-runs 1] [--pdf-sizes 1000] [--big-sizes 3000]
                    [--serve-edits 3] [--validate-sizes 1000] [--no-real] [--no-profile]
                    [--only serve,validate,big] [--pdf-only] [--builders-only]

`bench/run.py` takes the same options (the report's lines name it, and each measured build is run through
it). The package: measure.py (the instruments: wall and CPU time, peak memory of a process tree, the machine),
child.py (what runs in the child processes), compendia.py (the copies built), one module a scenario
(builds.py, pdf.py, builders.py, serve.py, validation.py, big.py), results.py (what they measured, as plain
data), targets.py (issue 21's targets and issue 20's), report.py with templates/ (BENCHMARKS.md, written
through jinja2 and merged with the last one), cli.py (the options).
"""

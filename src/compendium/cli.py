"""The command line: compendium init | validate | build | charts | pdf | serve | new | check-links | synth
(also python -m compendium)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from compendium.diagnostics import Report
from compendium.paths import LINK_CACHE

if TYPE_CHECKING:
    from compendium.pipeline import BuildResult


def _print_report(report: Report, fmt: str, strict: bool) -> None:
    for diagnostic in report.sorted():
        print(diagnostic.format_github() if fmt == "github" else diagnostic.format_text(), file=sys.stderr)
    errors, warnings = len(report.errors), len(report.warnings)
    if errors or warnings:
        note = " (--strict: warnings count as errors)" if strict and warnings else ""
        print(f"{errors} error(s), {warnings} warning(s){note}", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    from compendium.pipeline import check

    start = time.perf_counter()
    report, compendium = check(args.root)
    _print_report(report, args.format, args.strict)
    if report.failed(args.strict):
        return 1
    assert compendium is not None
    print(f"ok: {len(compendium.claims)} claims, {len(compendium.evidence)} evidence items, "
          f"{len(compendium.charts)} charts, {len(compendium.references)} references "
          f"({time.perf_counter() - start:.2f} s)")
    return 0


def _stopped(result: BuildResult, args: argparse.Namespace, command: str, kept: str) -> bool:
    """Print why the build stopped, if it did; kept names what was left as it was."""
    _print_report(result.report, args.format, args.strict)
    if not result.checked or result.report.failed(args.strict):
        print(f"{command} stopped: nothing was written; fix the problems above", file=sys.stderr)
        return True
    if result.os_problem:
        print(f"error: {result.os_problem}", file=sys.stderr)
        print(f"{command} stopped by the file system error above: {kept} was left as it was", file=sys.stderr)
        return True
    if result.pdf_problem:
        print(f"error: {result.pdf_problem}", file=sys.stderr)
        print(f"the PDF edition could not be made: {kept} was left as it was", file=sys.stderr)
        return True
    if result.site_ok is False:
        if result.site_problems:
            _print_report(Report(result.site_problems), args.format, strict=True)
        else:
            print(result.site_output, file=sys.stderr)
        print(f"{getattr(args, 'builder', None) or 'mkdocs'} build --strict failed: {kept} was left as it was",
              file=sys.stderr)
        return True
    return False


def _build(args: argparse.Namespace, make_site: bool = True) -> int:
    from compendium.pipeline import build

    result = build(args.root, site_dir=args.site_dir, strict=args.strict, make_site=make_site,
                   pdf=not getattr(args, "no_pdf", False), paper=getattr(args, "paper", "a4"),
                   builder=getattr(args, "builder", None), log=print)
    if _stopped(result, args, "build", "the previous site/"):
        return 1
    if make_site:
        print(f"site: built into {args.site_dir or args.root / 'site'}")
    return 0


def _pdf(args: argparse.Namespace) -> int:
    from compendium.pdf import PDF_NAME
    from compendium.pipeline import build

    output = args.output or args.root / "site" / PDF_NAME
    result = build(args.root, strict=args.strict, make_site=False, pdf_file=output, paper=args.paper, log=print)
    return 1 if _stopped(result, args, "pdf", str(output)) else 0


def _serve(args: argparse.Namespace) -> int:
    if _build(args, make_site=False) != 0:
        return 1
    from mkdocs.commands.serve import serve

    from compendium.paths import data_paths

    root = args.root.resolve()
    watched = [str(root / name) for name in data_paths() if (root / name).exists()]
    hook = Path(__file__).with_name("serve_hook.py")
    serve(config_file=str(root / "mkdocs.yml"), watch=watched, hooks=[str(hook)],
          dev_addr=args.dev_addr, livereload=True)
    return 0


def _new(args: argparse.Namespace) -> int:
    from compendium.authoring.scaffold import ScaffoldError, new_item, new_reference, new_topic
    from compendium.input.load import load_sources
    from compendium.input.placeholders import MARK

    sources, _ = load_sources(args.root)
    writers = {"topic": new_topic, "reference": new_reference}
    try:
        if args.kind in writers:
            written = writers[args.kind](args.id, args.root, sources)
        else:
            written = new_item(args.kind, args.id, args.root, sources)
    except ScaffoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        from compendium.files import describe

        print(f"error: {describe(error)}", file=sys.stderr)
        return 1
    added = "added" if args.kind in writers else "wrote"
    what = f"the {args.kind} {args.id} to {written.path}" if args.kind in writers else str(written.path)
    print(f"{added} {what}: replace each text starting with {MARK}, then run `compendium validate`")
    for step in written.todo:
        print(f"  to do: {step}")
    return 0


def _init(args: argparse.Namespace) -> int:
    from compendium.authoring.new_compendium import InitError, init_compendium

    try:
        written = init_compendium(args.folder)
    except InitError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        from compendium.files import describe

        print(f"error: {describe(error)}; nothing was written", file=sys.stderr)
        return 1
    print(f"wrote a new compendium into {args.folder} ({len(written)} files). Next:\n"
          f"  cd {args.folder}\n"
          "  compendium build       # the site, into site/: open site/index.html\n"
          "  compendium validate    # names every example text still to replace\n"
          "README.md there says what to edit first.")
    return 0


def _check_links(args: argparse.Namespace) -> int:
    import json

    try:
        from compendium.linkcheck import check as links
        from compendium.linkcheck.external import CheckSettings
    except ModuleNotFoundError as missing:  # the linkcheck extra; requirements-dev.txt, which `make` installs, has them
        print(f"error: {missing.name} is not installed: run `make` or "
              "`python -m pip install 'compendium[linkcheck]'`", file=sys.stderr)
        return 1
    try:
        if args.external:
            settings = CheckSettings(timeout=args.timeout, retries=args.retries, per_host=args.per_host)
            outcome = links.check_external(args.root, settings, args.cache_file or args.root / LINK_CACHE,
                                           args.cache_hours)
        else:
            outcome = links.check_internal(args.root, args.site_dir or args.root / "site")
    except links.LinkCheckError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    _print_report(outcome.report, args.format, args.strict)
    print(outcome.summary)
    if args.json_path:
        from compendium.files import write_file

        write_file(args.json_path, json.dumps(outcome.data, indent=1, ensure_ascii=False) + "\n")
        print(f"report: written to {args.json_path}")
    return 1 if outcome.report.failed(args.strict) else 0


def _clean(args: argparse.Namespace) -> int:
    import shutil

    from compendium.files import describe
    from compendium.paths import SITE_DIR, generated
    from compendium.web.site import clean_up_after_killed_builds

    removed = []
    try:
        for name in generated():
            path = args.root / name.rstrip("/")
            if "*" in name:  # the folders sites are built in: only those of builds no longer running (below)
                continue
            if path.is_symlink() or path.is_file():  # a link is removed, never what it points to
                path.unlink()
            elif path.is_dir():
                shutil.rmtree(path)
            else:
                continue
            removed.append(name)
        clean_up_after_killed_builds(args.root / SITE_DIR)
    except OSError as error:
        print(f"error: {describe(error)}: remove it by hand, or give it write permission and run clean again",
              file=sys.stderr)
        return 1
    print(f"removed: {', '.join(removed)}" if removed else "nothing to remove: no generated file was there")
    return 0


def _synth(args: argparse.Namespace) -> int:
    from compendium.authoring.synth import SynthError, write_compendium

    try:
        stats = write_compendium(args.out, args.claims, args.seed)
    except SynthError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: {stats.claims} claims, {stats.evidence} evidence items, {stats.references} references, "
          f"{stats.charts} charts, {stats.topics} topics, {stats.timeline} timeline events")
    return 0


# Adds a subcommand with the options every command that reads a compendium takes: (name, help) -> its parser.
_Command = Callable[[str, str], argparse.ArgumentParser]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="compendium", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    def command(name: str, help_: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_, description=help_)
        sub.add_argument("--root", type=Path, default=Path("."),
                         help="the compendium's folder, holding mkdocs.yml, claims/ and evidence/ (default: .)")
        sub.add_argument("--strict", action="store_true", help="treat warnings as errors")
        sub.add_argument("--format", choices=("text", "github"), default="text",
                         help="how to print problems: text, or GitHub Actions annotations")
        return sub

    # In the order `compendium --help` lists them.
    command("validate", "check every data file and reference; print every problem with file:line")
    _add_building(command)
    _add_new_and_serve(command)
    _add_check_links(command)
    command("clean", "remove every file the build generated (the site, the generated pages, the caches, the "
                     "offline edition), and the folders of killed builds")
    _add_init_and_synth(commands)
    return top


def _add_building(command: _Command) -> None:
    """build, charts and pdf."""
    from compendium.web.builders import BUILDERS, DEFAULT_BUILDER

    build = command("build", "validate, render charts and pages, and build the site into site/")
    build.add_argument("--site-dir", type=Path, default=None, help="where to build the site (default: site/)")
    build.add_argument("--paper", choices=("a4", "letter"), default="a4",
                       help="paper size of the PDF edition in the site (default: a4)")
    build.add_argument("--builder", choices=BUILDERS, default=DEFAULT_BUILDER,
                       help="what builds the site: MkDocs with Material (the default) or Zensical (README: "
                       "Choosing a builder)")
    build.add_argument("--no-pdf", action="store_true",
                       help="leave out the PDF edition (quicker; the pages' link to it then leads nowhere)")
    charts = command("charts", "validate, then render the charts and pages only (no site)")
    charts.set_defaults(site_dir=None)
    pdf = command("pdf", "validate, render the charts, and write the PDF edition (default: site/compendium.pdf)")
    pdf.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size: A4 or US Letter")
    pdf.add_argument("--output", type=Path, default=None, help="where to write the PDF (default: site/compendium.pdf)")


def _add_new_and_serve(command: _Command) -> None:
    new = command("new", "write a new claim, evidence item or chart file, or add a topic to topics.yml or a "
                         "reference to references.bib, with every field and a comment on each")
    new.add_argument("kind", choices=("claim", "evidence", "chart", "topic", "reference"), help="what to create")
    new.add_argument("id", help="its id, which becomes the file name: lowercase letters, digits and hyphens "
                                "(a reference's key may also hold capitals and _ : .)")
    serve = command("serve", "preview the site, rebuilding when a data file changes")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on")
    serve.set_defaults(site_dir=None)


def _add_check_links(command: _Command) -> None:
    links = command("check-links", "check the built site's internal links and anchors; with --external, "
                                   "every URL in references.bib and the hand-written pages")
    links.add_argument("--site-dir", type=Path, default=None, help="the built site to check (default: site/)")
    links.add_argument("--external", action="store_true", help="check the external URLs instead, over the network")
    links.add_argument("--json", type=Path, default=None, dest="json_path", help="also write the report as JSON here")
    links.add_argument("--cache-hours", type=float, default=24.0,
                       help="--external: reuse a result younger than this many hours; 0: check all (default: 24)")
    links.add_argument("--cache-file", type=Path, default=None,
                       help=f"--external: the cache of results (default: {LINK_CACHE})")
    links.add_argument("--timeout", type=float, default=20.0, help="--external: seconds to wait for an answer")
    links.add_argument("--retries", type=int, default=3, help="--external: further tries after no answer, 429 or 5xx")
    links.add_argument("--per-host", type=int, default=2, help="--external: requests at once to any one host")


def _add_init_and_synth(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The commands that write a compendium rather than read one: without --root, --strict and --format."""
    init_help = "write a new compendium into FOLDER (which must not exist, or be empty), ready to build"
    init = commands.add_parser("init", help=init_help, description=init_help)
    init.add_argument("folder", type=Path, help="the new compendium's folder")
    synth_help = "write a synthetic compendium (N claims, 3N evidence items, N references, N/5 charts) for benchmarks"
    synth = commands.add_parser("synth", help=synth_help, description=synth_help)
    synth.add_argument("--claims", type=int, required=True, help="how many claims (N)")
    synth.add_argument("--out", type=Path, required=True, help="the folder to write: must not exist, or be empty")
    synth.add_argument("--seed", type=int, default=0, help="the random seed: the same N and seed give the same files")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handlers = {"validate": _validate, "build": _build, "charts": lambda a: _build(a, make_site=False), "pdf": _pdf,
                "new": _new, "init": _init,
                "serve": _serve, "check-links": _check_links, "synth": _synth, "clean": _clean}
    return int(handlers[args.command](args))

"""The command line: compendium validate | build | charts | serve (also python -m compendium)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from compendium.diagnostics import Report


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


def _build(args: argparse.Namespace, make_site: bool = True) -> int:
    from compendium.pipeline import build

    result = build(args.root, site_dir=args.site_dir, strict=args.strict, make_site=make_site, log=print)
    _print_report(result.report, args.format, args.strict)
    if result.compendium is None or result.report.failed(args.strict):
        print("build stopped: nothing was written; fix the problems above", file=sys.stderr)
        return 1
    if result.site_ok is False:
        print(result.site_output, file=sys.stderr)
        print("mkdocs build --strict failed: the previous site/ was left as it was", file=sys.stderr)
        return 1
    if make_site:
        print(f"site: built into {args.site_dir or args.root / 'site'}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    if _build(args, make_site=False) != 0:
        return 1
    from mkdocs.commands.serve import serve

    root = args.root.resolve()
    watched = [str(root / name) for name in ("claims", "evidence", "charts", "references.bib", "topics.yml",
                                             "timeline.yml") if (root / name).exists()]
    hook = Path(__file__).with_name("serve_hook.py")
    serve(config_file=str(root / "mkdocs.yml"), watch=watched, hooks=[str(hook)],
          dev_addr=args.dev_addr, livereload=True)
    return 0


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

    command("validate", "check every data file and reference; print every problem with file:line")
    build = command("build", "validate, render charts and pages, and build the site into site/")
    build.add_argument("--site-dir", type=Path, default=None, help="where to build the site (default: site/)")
    charts = command("charts", "validate, then render the charts and pages only (no site)")
    charts.set_defaults(site_dir=None)
    serve = command("serve", "preview the site, rebuilding when a data file changes")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on")
    serve.set_defaults(site_dir=None)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handlers = {"validate": _validate, "build": _build, "charts": lambda a: _build(a, make_site=False),
                "serve": _serve}
    return int(handlers[args.command](args))

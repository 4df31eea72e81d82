"""The offline edition: the site built for reading from disk (file://), packed as one zip.

Readers open index.html from an unpacked folder or a USB stick. The build is the usual one with
mkdocs-offline.yml, which INHERITs mkdocs.yml and adds Material's offline plugin (links to index.html
files, the search index as a script) and the iframe-worker shim that lets search's worker start from
file://. The shim is the site's own copy, so the edition makes no request to any other origin.
The PDF edition goes in too, as in the site: every page's footer links to it.

    python -m compendium.offline [--root DIR] [--output dist/compendium-offline.zip] [--paper a4|letter]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from compendium.diagnostics import Diagnostic, Report
from compendium.files import describe
from compendium.pdf import PDF_NAME
from compendium.pipeline import build
from compendium.settings import read_mkdocs_config
from compendium.web.site import build_site

CONFIG = "mkdocs-offline.yml"
DEFAULT_OUTPUT = Path("dist/compendium-offline.zip")




@dataclass(frozen=True)
class OfflineResult:
    report: Report
    problem: str = ""  # why the PDF edition or the MkDocs build failed ('' for neither)
    zip_file: Path | None = None  # None when nothing was written


def _plugin_names(config: dict[str, Any]) -> list[str]:
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        return [str(name) for name in plugins]
    return [str(next(iter(p))) if isinstance(p, dict) else str(p) for p in plugins]


def check_config(root: Path) -> list[Diagnostic]:
    """The offline configuration exists, INHERITs mkdocs.yml, and drops none of its plugins."""
    path = root / CONFIG
    if not path.is_file():
        return [Diagnostic(CONFIG, 0, 0, "no offline configuration",
                           "copy mkdocs-offline.yml from the compendium engine's repository next to mkdocs.yml")]
    try:
        offline = read_mkdocs_config(path)
        main = read_mkdocs_config(root / "mkdocs.yml")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        return [Diagnostic(CONFIG, line, column, f"not readable as YAML: {error}")]
    problems = []
    if offline.get("INHERIT") != "mkdocs.yml":
        problems.append(Diagnostic(CONFIG, 1, 1, "does not INHERIT mkdocs.yml",
                                   "start it with the line 'INHERIT: mkdocs.yml'"))
    names = _plugin_names(offline)
    if "offline" not in names:
        problems.append(Diagnostic(CONFIG, 1, 1, "the plugin 'offline' is not listed under plugins"))
    missing = [name for name in _plugin_names(main) if name not in names]
    if missing:
        problems.append(Diagnostic(
            CONFIG, 1, 1, f"mkdocs.yml's plugin(s) {', '.join(missing)} missing",
            "MkDocs replaces the inherited plugins list: name every plugin of mkdocs.yml here too"))
    return problems


def write_zip(site_dir: Path, output: Path, folder: str) -> None:
    """Pack site_dir into output under folder/, in a fixed order; output appears only when complete."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
            archive.write(path, f"{folder}/{path.relative_to(site_dir).as_posix()}")
    os.replace(partial, output)


def build_offline(root: Path, output: Path, paper: str = "a4") -> OfflineResult:
    """Validate, render and write the PDF as `compendium build` does, build the site with
    mkdocs-offline.yml, and zip it with the PDF."""
    report = Report()
    report.extend(check_config(root))
    if report.errors:
        return OfflineResult(report)
    with tempfile.TemporaryDirectory(prefix="compendium-offline-") as staging:
        pdf = Path(staging) / PDF_NAME
        result = build(root, make_site=False, pdf_file=pdf, paper=paper)
        report.extend(result.report.diagnostics)
        if not result.checked or report.errors:
            return OfflineResult(report)
        if result.os_problem or result.pdf_problem:
            return OfflineResult(report, result.os_problem or result.pdf_problem)

        def add_pdf(built: Path) -> str:
            shutil.move(pdf, built / PDF_NAME)
            return ""

        try:
            site = build_site(root, Path(staging) / "site", CONFIG, finish=add_pdf)
            if not site.ok:
                return OfflineResult(report, site.output)
            write_zip(Path(staging) / "site", output, output.stem)
        except OSError as error:
            return OfflineResult(report, describe(error))
    return OfflineResult(report, "", output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m compendium.offline", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the compendium's folder (default: .)")
    parser.add_argument("--output", type=Path, default=None,
                        help=f"the zip to write (default: ROOT/{DEFAULT_OUTPUT})")
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size of the PDF edition")
    args = parser.parse_args(argv)
    output = (args.output or args.root / DEFAULT_OUTPUT).resolve()
    result = build_offline(args.root, output, args.paper)
    for diagnostic in result.report.sorted():
        print(diagnostic.format_text(), file=sys.stderr)
    if result.zip_file is None:
        if result.problem:
            print(result.problem, file=sys.stderr)
        print("offline edition not written: fix the problems above", file=sys.stderr)
        return 1
    print(f"offline edition: {result.zip_file} (unpack it and open {output.stem}/index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

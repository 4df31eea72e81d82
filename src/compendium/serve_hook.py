"""MkDocs hook used only by `compendium serve`: regenerate pages before each rebuild.

The build itself never depends on MkDocs plugin events (see site.py); this thin hook only makes the
preview follow edits to the data files that `compendium serve` asks MkDocs to watch, and gives the
preview the engine's theme and settings, as the build does (engine_config.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from compendium.pipeline import build
from compendium.web.engine_config import apply_engine_settings


def on_config(config: Any) -> Any:
    from mkdocs.exceptions import PluginError

    conflicts = apply_engine_settings(config, Path(config["config_file_path"]).name)
    if conflicts:
        raise PluginError("\n".join(diagnostic.format_text() for diagnostic in conflicts))
    return config


def on_pre_build(config: Any) -> None:
    root = Path(config["config_file_path"]).parent
    result = build(root, make_site=False, log=lambda message: print(f"compendium: {message}"))
    for diagnostic in result.report.sorted():
        print(diagnostic.format_text(), file=sys.stderr)
    if not result.checked:
        print("compendium: problems above; the preview shows the last good pages", file=sys.stderr)

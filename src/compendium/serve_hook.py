"""MkDocs hook used only by `compendium serve`: regenerate pages before each rebuild.

The build itself never depends on MkDocs plugin events (see site.py); this thin hook only makes the
preview follow edits to the data files that `compendium serve` asks MkDocs to watch, and gives the
preview the engine's theme and settings, as the build does (engine_config.py).

A file can be watched only once it exists, so a data file or folder created while the preview runs (a first
glossary.yml, a redirects.yml) would go unseen: the compendium's folder itself is watched too, without
its subfolders (a new file in it starts a rebuild; the caches and generated pages, in subfolders, do not),
and each rebuild watches every data path that has come to exist since.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from compendium.paths import data_paths
from compendium.pipeline import build
from compendium.web.engine_config import apply_engine_settings

_server: list[Any] = []  # the preview's LiveReloadServer, once MkDocs has made it (on_serve)


def on_config(config: Any) -> Any:
    from mkdocs.exceptions import PluginError

    conflicts = apply_engine_settings(config, Path(config["config_file_path"]).name)
    if conflicts:
        raise PluginError("\n".join(diagnostic.format_text() for diagnostic in conflicts))
    return config


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    root = Path(config["config_file_path"]).parent
    server.watch(str(root), recursive=False)
    _server[:] = [server]
    _watch_data(root)
    return server


def _watch_data(root: Path) -> None:
    """Watch each data file or folder that exists now (MkDocs counts a second watch of a path, harmlessly)."""
    if _server:
        for name in data_paths():
            if (root / name).exists():
                _server[0].watch(str(root / name))


def on_pre_build(config: Any) -> None:
    root = Path(config["config_file_path"]).parent
    _watch_data(root)
    result = build(root, make_site=False, log=lambda message: print(f"compendium: {message}"))
    for diagnostic in result.report.sorted():
        print(diagnostic.format_text(), file=sys.stderr)
    if not result.checked:
        print("compendium: problems above; the preview shows the last good pages", file=sys.stderr)

"""A MkDocs hook for the benchmark's plain `mkdocs serve`: the engine's settings (theme, extensions, navigation)
and nothing else, so that MkDocs serves the very pages `compendium serve` does without regenerating any: the
difference between the two is the engine's own work on a save."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from compendium.web.engine_config import apply_engine_settings


def on_config(config: Any) -> Any:
    apply_engine_settings(config, Path(config["config_file_path"]).name)
    return config

"""What the generated pages and the PDF need to know about the site, read from mkdocs.yml: one reading,
normalised in one place (settings_of), whether from the file (read_settings) or from the configuration
MkDocs has already loaded (web/engine_config.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from compendium.paths import CONFIG_FILE


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring the !!python/name and !ENV tags that MkDocs itself understands."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class SiteSettings:
    site_name: str
    site_url: str  # with a trailing slash; '' when mkdocs.yml sets none
    edit_base: str  # e.g. https://github.com/owner/repo/edit/main/ ; '' for no edit links
    site_description: str = ""  # '' when mkdocs.yml gives none
    repo_url: str = ""  # the repository contributors edit and readers can write to; '' when none is set
    licence: str = ""  # mkdocs.yml's copyright line, which says the licence; '' when none is set

    def edit_url(self, file: str) -> str:
        return f"{self.edit_base}{file}" if self.edit_base else ""

    def page_url(self, page: str) -> str:
        """The public address of a generated page ('claims/x' -> https://.../claims/x/)."""
        return f"{self.site_url}{page}/" if page else self.site_url


def read_mkdocs_config(path: Path) -> dict[str, Any]:
    """An MkDocs configuration file as data (its !ENV and !!python tags read as nothing)."""
    config: dict[str, Any] = yaml.load(path.read_text("utf-8"), Loader=_TolerantLoader) or {}
    return config


def read_settings(root: Path) -> SiteSettings:
    return settings_of(read_mkdocs_config(root / CONFIG_FILE))


def settings_of(config: Mapping[str, Any]) -> SiteSettings:
    """The settings in an MkDocs configuration, as a file holds it or as MkDocs has loaded it."""
    site_url = str(config.get("site_url") or "")
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    repo_url, edit_uri = str(config.get("repo_url") or ""), config.get("edit_uri")
    edit_base = ""
    if repo_url and edit_uri != "":
        # Data files live at the repository's top level; edit_uri points into docs/, so step out of it.
        base = repo_url.rstrip("/") + "/" + str(edit_uri or "edit/main/docs/").strip("/")
        edit_base = base.removesuffix("/docs") + "/"
    return SiteSettings(str(config.get("site_name") or "Compendium"), site_url, edit_base,
                        " ".join(str(config.get("site_description") or "").split()), repo_url.rstrip("/"),
                        str(config.get("copyright") or ""))

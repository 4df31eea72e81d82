"""What the engine needs of MkDocs' configuration, applied whatever a compendium's mkdocs.yml says.

The generated pages rely on the engine's theme folder (theme/ in this package: the page title escaped again
after Material's striptags, a claim's ClaimReview JSON-LD, the edit button that opens the data file, the
PDF edition's links, every meta tag escaped), on its stylesheet and on a few Markdown extensions. A
compendium's mkdocs.yml holds what is its own (name, addresses, palette, navigation); the rest is set here
on the loaded configuration, before MkDocs builds or serves, merged with what the compendium configured:

- the theme is Material, with the engine's folder first among its template folders. A compendium's own
  custom_dir comes after it: it overrides any of Material's templates and partials and adds files, but not
  one the engine supplies (that would switch a safety part off), which is an error naming the file.
- font is false unless set: Material's default fetches Roboto from Google, and no page requests another
  origin; a font that is set is an error.
- the edit button's feature is on, and so is navigation.prune (the sidebar of a page holds the sections
  it is in, not every page of every section: a smaller page, and a build that grows with the pages); the
  engine's stylesheet comes first among extra_css, so a compendium's own sheets can restyle it.
- the folders of generated pages (one page per claim, evidence item, topic, chart, series) are not in the
  navigation (their index pages are): MkDocs' not_in_nav gets them besides what the compendium lists, so
  that a new kind of page needs no change to any compendium's mkdocs.yml.
- extra.compendium_share is the site's share card (sharecard.py), the picture a link to a hand-written
  page (the home page, the method) is shared with; a generated page names its own in its front matter.
- the Markdown extensions the pages are written for are added when missing, with the compendium's folder
  among snippets' base paths (the home page includes docs/.includes/), each relative base path read from
  the folder of mkdocs.yml whatever the working directory, and check_paths on (a missing part stops the build).

A setting that cannot be merged is a diagnostic at its line in mkdocs.yml (or the file it INHERITs from).
"""

from __future__ import annotations

import atexit
import contextlib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import pathspec
import yaml

from compendium.diagnostics import Diagnostic

STYLESHEET = "assets/compendium/compendium.css"  # written into docs/ by the build (render.py)
EDIT_FEATURE = "content.action.edit"
REQUIRED_FEATURES = (EDIT_FEATURE, "navigation.prune")
# The generated pages reached through their index pages, not the navigation (a sidebar with every page in
# it makes the build grow with the square of the pages).
NOT_IN_NAV = ("/charts/*.md", "/claims/*.md", "/evidence/*.md", "/topics/*.md", "/series/*.md")
# The extensions the generated Markdown is written for, with their settings when the compendium names none.
MARKDOWN_EXTENSIONS: dict[str, dict[str, Any]] = {
    "attr_list": {}, "md_in_html": {}, "tables": {}, "admonition": {}, "toc": {"permalink": True},
    "pymdownx.snippets": {"base_path": ["."], "check_paths": True},
    "compendium.web.chart_picture": {},  # a chart's two drawings as one <picture> (chart_picture.py)
}
_files = contextlib.ExitStack()
atexit.register(_files.close)


def theme_folder() -> Path:
    """The engine's theme folder, from the installed package (a real folder for as long as this process runs)."""
    return Path(_files.enter_context(resources.as_file(resources.files("compendium.web").joinpath("theme"))))


def apply_engine_settings(config: Any, config_file: str) -> list[Diagnostic]:
    """Set on config (a loaded MkDocsConfig) what the engine needs; return the settings that conflict with it,
    each at its line in config_file (the path to show; the file is config.config_file_path)."""
    where = _Lines(Path(config.config_file_path), config_file)
    problems: list[Diagnostic] = []
    theme = config.theme
    if theme.name != "material":
        problems.append(where.diagnostic(
            ("theme", "name"), f"the theme is {theme.name!r}: the compendium's pages are built with Material",
            "set theme: name: material (the engine adds its own templates to it)"))
        return problems
    engine = theme_folder().resolve()
    users = [d for d in theme.dirs if Path(d).resolve() != engine]
    custom = theme.custom_dir and Path(theme.custom_dir).resolve() != engine and Path(theme.custom_dir)
    if custom:
        for name in sorted(p.relative_to(engine).as_posix() for p in engine.rglob("*.html")):
            if (custom / name).is_file():
                problems.append(where.diagnostic(
                    ("theme", "custom_dir"), f"custom_dir holds {name}, which the engine supplies (it escapes the "
                    "page's title and meta tags and writes its links and structured data)",
                    f"remove {custom / name}, or override one of Material's blocks or partials that the "
                    "engine does not: its own stay in force"))
    theme.dirs = [str(engine), *users]
    if where.has("theme", "font") and theme["font"] is not False:
        problems.append(where.diagnostic(
            ("theme", "font"), "theme.font makes every page fetch its fonts from Google",
            "remove the setting, or set font: false: no page of the compendium requests another site"))
    theme["font"] = False
    features = list(theme.get("features") or [])
    theme["features"] = [*features, *(f for f in REQUIRED_FEATURES if f not in features)]
    engine_spec = pathspec.gitignore.GitIgnoreSpec.from_lines(NOT_IN_NAV)
    config.not_in_nav = engine_spec if config.not_in_nav is None else config.not_in_nav + engine_spec
    config.extra["compendium_share"] = _site_share(config)
    config.extra_css = [STYLESHEET, *(css for css in config.extra_css if css != STYLESHEET)]
    for name, settings in MARKDOWN_EXTENSIONS.items():
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)
            config.mdx_configs[name] = dict(settings)
    snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
    if snippets.get("check_paths", True) is False:
        problems.append(where.diagnostic(
            ("markdown_extensions",), "pymdownx.snippets has check_paths: false, so a missing part of the home "
            "page would be left out without a word", "remove check_paths: false (the engine sets it on)"))
    snippets["check_paths"] = True
    # Snippets reads a relative base path from the working directory, which is the compendium's folder only
    # when the command was run there (not `compendium serve --root DIR`): each is made relative to the folder
    # of the configuration file instead, and that folder is always among them (docs/.includes/ is in it).
    folder = Path(config.config_file_path).parent.resolve()
    base = snippets.get("base_path", ["."])
    base = [base] if isinstance(base, str) else list(base)
    absolute = [str(folder / path) for path in base]
    snippets["base_path"] = absolute if str(folder) in absolute else [*absolute, str(folder)]
    return problems


def _site_share(config: Mapping[str, Any]) -> dict[str, Any] | None:
    """The site's share card, as a generated page's front matter names its own (None without a site_url),
    from the configuration MkDocs has loaded (not mkdocs.yml read a second time)."""
    from compendium.settings import settings_of
    from compendium.web.sharecard import share_image, site_card

    settings = settings_of(config)
    return share_image(site_card(settings), settings)


class _Lines:
    """Where keys are written in a MkDocs configuration file, or in the files it INHERITs from."""

    def __init__(self, path: Path, display: str) -> None:
        self.display = display
        self.chain: list[tuple[str, yaml.Node | None]] = []
        seen: set[Path] = set()
        current: Path | None = path
        while current is not None and current.resolve() not in seen and len(seen) < 10:
            seen.add(current.resolve())
            shown = display if current == path else current.name
            try:
                node = yaml.compose(current.read_text("utf-8"), Loader=yaml.SafeLoader)
            except (OSError, yaml.YAMLError):
                node = None
            self.chain.append((shown, node))
            parent = _value(node, ("INHERIT",))
            current = (current.parent / parent.value) if isinstance(parent, yaml.ScalarNode) else None

    def has(self, *keys: str) -> bool:
        return any(_value(node, keys) is not None for _, node in self.chain)

    def diagnostic(self, keys: tuple[str, ...], message: str, hint: str) -> Diagnostic:
        """At the deepest of keys written in the first file of the chain that has any of them."""
        for depth in range(len(keys), 0, -1):
            for shown, node in self.chain:
                found = _value(node, keys[:depth])
                if found is not None:
                    return Diagnostic(shown, found.start_mark.line + 1, found.start_mark.column + 1, message, hint)
        return Diagnostic(self.display, 0, 0, message, hint)


def _value(node: yaml.Node | None, keys: tuple[str, ...]) -> yaml.Node | None:
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    return node

"""Stage 1, load: find the compendium's files and parse them, keeping where every value stands."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from compendium.bibliography import load_references
from compendium.diagnostics import Diagnostic, display_path
from compendium.intake import LINK_HINT, MAX_FILES, quote, scan_folder, special_files, visible
from compendium.model import Reference
from compendium.paths import (
    BIB_FILE,
    CONFIG_FILE,
    CONFIG_PARTS,
    DATA_FOLDERS,
    DATA_SUFFIXES,
    DOCS_DIR,
    REQUIRED_FILES,
    SINGLE_FILES,
)
from compendium.schemas import id_problem
from compendium.yamlfile import YamlDocument, YamlError, load_yaml, load_yaml_part

FOLDERS = DATA_FOLDERS  # the folders of one file an item, by the schema each file is checked against


@dataclass
class Sources:
    """Everything read from disk, not yet known to be valid."""

    root: Path
    items: dict[str, dict[str, YamlDocument]] = field(default_factory=dict)  # folder -> id -> document
    singles: dict[str, YamlDocument] = field(default_factory=dict)  # the files of paths.SINGLE_FILES, read
    references: dict[str, Reference] = field(default_factory=dict)
    # Ids and keys that exist but could not be read ("claims/x", "references/key"), each with the file whose
    # problem is already reported: checks that need them are not made, and counted against that file.
    unreadable: dict[str, str] = field(default_factory=dict)
    # Files that could not be read at all, by what they hold ("references", "topics"): no id or key they
    # would define can be checked, and every check that needed them is counted against the file.
    unread_files: dict[str, str] = field(default_factory=dict)
    # mkdocs.yml's parts that are the compendium's own (paths.CONFIG_PARTS), by kind, where it has them.
    config: dict[str, YamlDocument] = field(default_factory=dict)

    @property
    def claims(self) -> dict[str, YamlDocument]:
        return self.items.get("claims", {})

    @property
    def evidence(self) -> dict[str, YamlDocument]:
        return self.items.get("evidence", {})

    @property
    def charts(self) -> dict[str, YamlDocument]:
        return self.items.get("charts", {})

    @property
    def topics(self) -> YamlDocument | None:
        return self.singles.get("topics")

    @property
    def timeline(self) -> YamlDocument | None:
        return self.singles.get("timeline")

    @property
    def redirects(self) -> YamlDocument | None:
        return self.singles.get("redirects")

    @property
    def glossary(self) -> YamlDocument | None:
        return self.singles.get("glossary")

    @property
    def questions(self) -> YamlDocument | None:
        return self.singles.get("questions")  # the home page's questions

    @property
    def not_assessed(self) -> YamlDocument | None:
        return self.singles.get("not_assessed")  # the checkable claims not (yet) assessed, with why

    @property
    def series(self) -> YamlDocument | None:
        return self.singles.get("series")  # the series whose releases are evidence items

    def bib_display(self) -> str:
        return display_path(self.root / BIB_FILE, self.root)


def _read(path: Path, root: Path, problems: list[Diagnostic]) -> YamlDocument | None:
    try:
        document, found = load_yaml(path, display_path(path, root))
    except YamlError as exc:
        problems.extend(exc.diagnostics)
        return None
    except OSError as exc:
        problems.append(Diagnostic(display_path(path, root), 0, 0, f"cannot read the file: {exc.strerror}"))
        return None
    problems.extend(found)
    return document


def _data_files(root: Path, folder: str, problems: list[Diagnostic]) -> list[Path]:
    """The .yml files of one data folder. Everything else in it is named: nothing is left out unsaid."""
    path = root / folder
    if not os.path.lexists(path):
        return []
    if path.is_symlink() or not path.is_dir():
        problems.append(Diagnostic(folder, 0, 0, f"{folder}/ is not a folder in the repository", LINK_HINT))
        return []
    files = []
    for entry in scan_folder(path):
        display, name = display_path(entry.path, root), entry.path.name
        suffix = entry.path.suffix
        if entry.reason == "a folder":
            problems.append(Diagnostic(display, 0, 0, f"folders inside {folder}/ are not read",
                                       f"move its files into {folder}/ itself: one file an item"))
        elif entry.reason:
            problems.append(Diagnostic(display, 0, 0, f"the file is {entry.reason}", LINK_HINT))
        elif suffix in DATA_SUFFIXES:
            files.append(entry.path)
        elif suffix.lower() in DATA_SUFFIXES:
            problems.append(Diagnostic(display, 0, 0, f"the file name ends in {quote(suffix)}, which is not read",
                                       f"rename it to end in .yml: {visible(entry.path.stem)}.yml"))
        else:
            problems.append(Diagnostic(display, 0, 0, f"{quote(name)} is not a data file and is not read",
                                       f"only .yml files are read in {folder}/: move it elsewhere", "warning"))
    return files


def _check_docs(root: Path, problems: list[Diagnostic]) -> None:
    """docs/ is copied into the site whole: a link in it would publish whatever it points at."""
    docs = root / DOCS_DIR
    if docs.is_symlink():
        problems.append(Diagnostic(DOCS_DIR, 0, 0, f"{DOCS_DIR}/ is a symbolic link", LINK_HINT))
    elif docs.is_dir():
        for entry in special_files(docs):
            problems.append(Diagnostic(display_path(entry.path, root), 0, 0, f"the file is {entry.reason}",
                                       LINK_HINT))


def _read_config_part(root: Path, keys: tuple[str, ...], problems: list[Diagnostic]) -> YamlDocument | None:
    """The part of mkdocs.yml at keys (extra.about, extra.licence...), or None where it has none. A mkdocs.yml
    that cannot be read at all is MkDocs' to report, with the rest of the site's build."""
    path = root / CONFIG_FILE
    if not path.is_file() or path.is_symlink():
        return None
    try:
        document, found = load_yaml_part(path, display_path(path, root), keys)
    except YamlError:
        return None
    except OSError as exc:
        problems.append(Diagnostic(display_path(path, root), 0, 0, f"cannot read the file: {exc.strerror}"))
        return None
    problems.extend(found)
    return document


def load_sources(root: Path) -> tuple[Sources, list[Diagnostic]]:
    """Read every data file under root. Files that cannot be parsed are reported and left out."""
    problems: list[Diagnostic] = []
    sources = Sources(root)
    _check_docs(root, problems)
    found = {folder: _data_files(root, folder, problems) for folder in FOLDERS}
    if sum(len(paths) for paths in found.values()) > MAX_FILES:
        problems.append(Diagnostic(next(iter(FOLDERS)), 0, 0, f"there are more than {MAX_FILES} data files",
                                   "a compendium this large is not supported; check that no folder was copied twice"))
        found = {}
    for folder, paths in found.items():
        documents: dict[str, YamlDocument] = {}
        for path in paths:
            display = display_path(path, root)
            item_id = path.stem
            if why := id_problem(item_id):
                problems.append(Diagnostic(display, 0, 0, f"the file name {quote(item_id)} {why}",
                                           "name the file with lowercase letters, digits and single hyphens, "
                                           "starting with a letter, e.g. completion-rate-62-percent.yml"))
                continue
            if item_id in documents:
                problems.append(Diagnostic(display, 0, 0, f"duplicate id '{item_id}'",
                                           f"{documents[item_id].display} has the same id; rename one"))
                continue
            document = _read(path, root, problems)
            if document is not None:
                documents[item_id] = document
            else:
                sources.unreadable[f"{folder}/{item_id}"] = display
        sources.items[folder] = documents
    for kind, name in SINGLE_FILES.items():
        if os.path.lexists(root / name):
            if (document := _read(root / name, root, problems)) is not None:
                sources.singles[kind] = document
            else:
                sources.unread_files[kind] = name
        elif kind in REQUIRED_FILES:
            sources.unread_files[kind] = name
            problems.append(Diagnostic(name, 0, 0, f"there is no {name}", REQUIRED_FILES[kind]))
    for kind, keys in CONFIG_PARTS.items():
        if (part := _read_config_part(root, keys, problems)) is not None:
            sources.config[kind] = part
    bib_path = root / BIB_FILE
    if os.path.lexists(bib_path):
        loaded = load_references(bib_path, display_path(bib_path, root))
        sources.references = loaded.references
        if not loaded.read:
            sources.unread_files["references"] = loaded.display
        sources.unreadable.update({f"references/{key}": loaded.display for key in loaded.unreadable})
        problems.extend(loaded.problems)
    else:
        sources.unread_files["references"] = BIB_FILE
        problems.append(Diagnostic(BIB_FILE, 0, 0, "there is no references.bib",
                                   "create references.bib with a BibTeX entry for every source cited"))
    return sources, problems

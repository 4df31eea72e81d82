"""Stage 1, load: find the compendium's files and parse them, keeping where every value stands."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from compendium.bibliography import Reference, load_references
from compendium.diagnostics import Diagnostic, display_path
from compendium.schemas import schema
from compendium.yamlfile import YamlDocument, YamlError, load_yaml

# The folders of the compendium's one-file-per-item kinds, and the schema each is checked against.
FOLDERS = {"claims": "claim", "evidence": "evidence", "charts": "chart"}
TOPICS_FILE = "topics.yml"
TIMELINE_FILE = "timeline.yml"
REDIRECTS_FILE = "redirects.yml"
BIB_FILE = "references.bib"


@dataclass
class Sources:
    """Everything read from disk, not yet known to be valid."""

    root: Path
    items: dict[str, dict[str, YamlDocument]] = field(default_factory=dict)  # folder -> id -> document
    topics: YamlDocument | None = None
    timeline: YamlDocument | None = None
    redirects: YamlDocument | None = None
    references: dict[str, Reference] = field(default_factory=dict)
    # Ids and keys that exist but could not be read: already reported, so not reported again as unknown.
    unreadable: set[str] = field(default_factory=set)

    @property
    def claims(self) -> dict[str, YamlDocument]:
        return self.items.get("claims", {})

    @property
    def evidence(self) -> dict[str, YamlDocument]:
        return self.items.get("evidence", {})

    @property
    def charts(self) -> dict[str, YamlDocument]:
        return self.items.get("charts", {})

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


def load_sources(root: Path) -> tuple[Sources, list[Diagnostic]]:
    """Read every data file under root. Files that cannot be parsed are reported and left out."""
    problems: list[Diagnostic] = []
    sources = Sources(root)
    id_pattern = re.compile(schema("common")["$defs"]["id"]["pattern"])
    for folder in FOLDERS:
        documents: dict[str, YamlDocument] = {}
        paths = sorted([*(root / folder).glob("*.yml"), *(root / folder).glob("*.yaml")])
        for path in paths:
            display = display_path(path, root)
            item_id = path.stem
            if not id_pattern.match(item_id):
                problems.append(Diagnostic(display, 0, 0, f"the file name '{item_id}' is not a valid id",
                                           "name the file with lowercase letters, digits and single hyphens, "
                                           "starting with a letter, e.g. recovery-rate-51-percent.yml"))
                continue
            if item_id in documents:
                problems.append(Diagnostic(display, 0, 0, f"duplicate id '{item_id}'",
                                           f"{documents[item_id].display} has the same id; rename one"))
                continue
            document = _read(path, root, problems)
            if document is not None:
                documents[item_id] = document
            else:
                sources.unreadable.add(f"{folder}/{item_id}")
        sources.items[folder] = documents
    topics_path = root / TOPICS_FILE
    if topics_path.exists():
        sources.topics = _read(topics_path, root, problems)
    else:
        problems.append(Diagnostic(TOPICS_FILE, 0, 0, "there is no topics.yml",
                                   "create topics.yml listing the topics claims are filed under"))
    if (root / TIMELINE_FILE).exists():
        sources.timeline = _read(root / TIMELINE_FILE, root, problems)
    if (root / REDIRECTS_FILE).exists():
        sources.redirects = _read(root / REDIRECTS_FILE, root, problems)
    bib_path = root / BIB_FILE
    if bib_path.exists():
        sources.references, unreadable_keys, bib_problems = load_references(bib_path, display_path(bib_path, root))
        sources.unreadable.update(f"references/{key}" for key in unreadable_keys)
        problems.extend(bib_problems)
    else:
        problems.append(Diagnostic(BIB_FILE, 0, 0, "there is no references.bib",
                                   "create references.bib with a BibTeX entry for every source cited"))
    return sources, problems

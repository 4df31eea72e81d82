"""Where a compendium keeps its files: the one place their names are written.

The loader, the validator, `compendium serve`'s file watcher and the edition's "changed since the commit"
check all read these names from here, so that a data file added to the list is loaded, validated,
watched and marked in the edition at once.
"""

from __future__ import annotations

# The folders of the one-file-per-item kinds, and the schema each file is checked against.
DATA_FOLDERS = {"claims": "claim", "evidence": "evidence", "charts": "chart"}
# The compendium's files of one document each, by the schema they are checked against.
SINGLE_FILES = {"topics": "topics.yml", "timeline": "timeline.yml", "redirects": "redirects.yml",
                "glossary": "glossary.yml", "questions": "questions.yml", "not_assessed": "not_assessed.yml",
                "series": "series.yml"}
# The site's configuration (MkDocs'), and where in it the compendium's own settings stand, each checked
# against the schema of its name like a data file: the About page's, the licence of the text and data, and
# the words the verdict scale is shown in.
CONFIG_FILE = "mkdocs.yml"
CONFIG_PARTS = {"about": ("extra", "about"), "licence": ("extra", "licence"), "verdicts": ("extra", "verdicts")}
# The single files a compendium must have, with what to do when one is missing.
REQUIRED_FILES = {"topics": "create topics.yml listing the topics claims are filed under"}
BIB_FILE = "references.bib"
DOCS_DIR = "docs"  # the hand-written pages; the build writes the generated ones beside them
METHOD_PAGE = "method.md"  # in DOCS_DIR: the generated pages link to its anchors
# The method page's anchors the generated pages link to; and one "verdict-<rating>" for each rating of the scale.
METHOD_ANCHORS = ("verdicts", "certainty", "evidence-order", "right-of-reply")
DATA_SUFFIXES = (".yml", ".yaml")
# The build's caches, under the compendium's root (each module names its own file in it): never published,
# never committed, and safe to delete (a missing cache is a miss).
CACHE_DIR = ".cache"
LINK_CACHE = f"{CACHE_DIR}/links.json"  # check-links --external's results, unless given --cache-file
# The generated page listing the claims not assessed (its id is reserved in the schemas: no claim can take it).
NOT_ASSESSED_PAGE = "claims/not-assessed"


def data_paths() -> list[str]:
    """Every file or folder of data, relative to the compendium's root: what a change to is a change of the
    record (for `compendium serve` and the edition's mark)."""
    return [*DATA_FOLDERS, *SINGLE_FILES.values(), BIB_FILE]

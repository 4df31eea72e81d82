"""Where a compendium keeps its files: the one place their names are written.

The loader, the validator, `compendium serve`'s file watcher and the edition's "changed since the commit"
check all read these names from here, so that a data file added to the list is loaded, validated,
watched and marked in the edition at once.
"""

from __future__ import annotations

import fnmatch

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
SITE_DIR = "site"  # the built site, unless --site-dir says otherwise
STAGING = ".site-"  # the prefix of the folders sites are built in, next to the site: .site-<pid>-<random>
MANIFEST = ".generated"  # in DOCS_DIR: every file the last build generated there, so that stale ones are removed
INCLUDES = ".includes"  # in DOCS_DIR: MkDocs leaves out what starts with a dot, pymdownx.snippets includes it
ASSETS = "assets/compendium"  # in DOCS_DIR: the engine's stylesheet and scripts, the charts and the share cards
CHARTS_OUTPUT = f"{ASSETS}/charts"  # in DOCS_DIR: each chart's SVGs (the PDF's too) and CSV
# Everything the build (and `compendium offline`) writes into a compendium, relative to its root, a folder
# ending in "/": what its .gitignore must list, what `compendium clean` removes, what a copy of the record
# leaves out. The build writes nothing else (a test builds the sample and compares).
GENERATED_DOCS = ("claims/", "evidence/", "topics/", "charts/", "series/", "references.md", "timeline.md",
                  "glossary.md", "changelog.md", "data.md", "fields.md", "about.md", "data/", "feed.xml", f"{ASSETS}/",
                  MANIFEST, f"{INCLUDES}/")
# The site; the one a build moves aside while it swaps in the new (site.previous); the folders sites are
# built in (.site-<pid>-<random>); the caches; the offline edition (dist/compendium-offline.zip).
GENERATED_ROOT = (f"{SITE_DIR}/", f"{SITE_DIR}.previous/", f"{STAGING}*/", f"{CACHE_DIR}/", "dist/")
# The generated page listing the claims not assessed (its id is reserved in the schemas: no claim can take it).
NOT_ASSESSED_PAGE = "claims/not-assessed"


def generated() -> list[str]:
    """Every generated file or folder (a folder ending in "/", a pattern holding "*"), relative to the root."""
    return [*GENERATED_ROOT, *(f"{DOCS_DIR}/{name}" for name in GENERATED_DOCS)]


def is_generated(relative: str) -> bool:
    """Whether a path relative to a compendium's root ("docs/claims", "site/index.html") is one generated()
    names, or inside one."""
    parts = relative.split("/")
    names = [name.rstrip("/") for name in generated()]
    return any(fnmatch.fnmatchcase("/".join(parts[:i]), name) for i in range(1, len(parts) + 1) for name in names)


def data_paths() -> list[str]:
    """Every file or folder of data, relative to the compendium's root: what a change to is a change of the
    record (for `compendium serve` and the edition's mark)."""
    return [*DATA_FOLDERS, *SINGLE_FILES.values(), BIB_FILE]

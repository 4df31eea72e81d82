"""`compendium init DIR`: a new compendium of one's own, kept wherever its editors like.

It builds at once (`compendium build` in it makes a site with no error) and holds one example of each kind
(a topic, a reference, an evidence item, a chart and a claim, written by the same scaffolds as `compendium
new`), every text of which is a placeholder (placeholders.MARK): `compendium validate` warns about each one
left, and `--strict` refuses them, so that no example claimant or quote is ever published unnoticed. Its
mkdocs.yml is a plain Material one, with no path into the engine's repository.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from compendium.authoring.scaffold import SCHEMA_COPIES, new_item, new_reference, new_topic, write_schema_copies
from compendium.files import write_file
from compendium.input.load import load_sources
from compendium.input.placeholders import MARK
from compendium.paths import (
    BIB_FILE,
    DATA_FOLDERS,
    DOCS_DIR,
    INCLUDES,
    METHOD_ANCHORS,
    METHOD_PAGE,
    SINGLE_FILES,
    generated,
)
from compendium.schemas import enum_values, labels, schema
from compendium.web.engine_config import NOT_IN_NAV
from compendium.web.render import HOME_PARTS
from compendium.wording import rating_label

# The navigation of a compendium's site: the generated indexes list the items, which stay out of it (with
# every page in the sidebar the build grows with the square of the number of pages).
# A section is a title with its own (title, page) pairs.
NAV: tuple[tuple[str, str | tuple[tuple[str, str], ...]], ...] = (
    ("Home", "index.md"), ("Claims", "claims/index.md"), ("Evidence", "evidence/index.md"),
    ("Charts", "charts/index.md"), ("Topics", "topics/index.md"), ("Timeline", "timeline.md"),
    ("References", "references.md"), ("Glossary", "glossary.md"), ("Changes", "changelog.md"),
    ("Open data", "data.md"), ("Method", "method.md"), ("About", "about.md"),
    ("For contributors", (("Data fields", "fields.md"),)))


def nav_lines(left_out: dict[str, str] | None = None) -> list[str]:
    """NAV as mkdocs.yml's nav: lines, each page of left_out commented out with the note given for it."""
    lines = []
    for title, entry in NAV:
        if isinstance(entry, str):
            note = (left_out or {}).get(entry)
            lines.append(f"  # - {title}: {entry}  # {note}" if note else f"  - {title}: {entry}")
        else:
            lines += [f"  - {title}:", *(f"      - {sub}: {page}" for sub, page in entry)]
    return lines
# What each verdict of the scale means, as a new compendium's method page first says it (its editors may
# reword it: the words are theirs).
VERDICT_WORDS = labels("claim", "$defs", "rating", which="x-short-descriptions")
# The examples a new compendium starts with, by kind: each points at the ones before it.
EXAMPLES = {"topic": "example-topic", "reference": "example-source", "evidence": "example-evidence",
            "chart": "example-chart", "claim": "example-claim"}


class InitError(Exception):
    pass


def init_compendium(target: Path) -> list[str]:
    """Write a new compendium into target, a folder that must not exist or be empty; return the files written,
    relative to it. Nothing is left behind should writing fail."""
    if os.path.lexists(target) and (target.is_symlink() or not target.is_dir()):
        raise InitError(f"{target} is a file, not a folder: name a folder that does not exist yet, or an empty one")
    if target.is_dir() and (held := sorted(p.name for p in target.iterdir())):
        shown = ", ".join(held[:3]) + (f" and {len(held) - 3} more" if len(held) > 3 else "")
        raise InitError(f"{target} is not empty (it holds {shown}): name a new folder, or an empty one; "
                        "compendium init writes into no folder that holds files")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a compendium is for its editors to share
        _write(staging)
        written = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file())
        if target.is_dir():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def _write(root: Path) -> None:
    write_file(root / "mkdocs.yml", _mkdocs_yml())
    write_file(root / "README.md", _readme())
    write_file(root / ".gitignore", "# Written by `compendium build`\n" + "".join(f"/{name}\n" for name in generated()))
    write_file(root / DOCS_DIR / "index.md", _home_page())
    write_file(root / DOCS_DIR / METHOD_PAGE, method_page())
    write_schema_copies(root)
    for folder in DATA_FOLDERS:
        (root / folder).mkdir()
    new_topic(EXAMPLES["topic"], root, load_sources(root)[0])
    new_reference(EXAMPLES["reference"], root, load_sources(root)[0])
    for kind in ("evidence", "chart", "claim"):
        new_item(kind, EXAMPLES[kind], root, load_sources(root)[0])


def _mkdocs_yml() -> str:
    # A page made only from an optional file is in the navigation once that file is: until then, commented out.
    left_out = {page: f"once there is a {SINGLE_FILES[kind]}"
                for page, kind in (("timeline.md", "timeline"), ("glossary.md", "glossary"))}
    return mkdocs_yml(f"""\
# The site: MkDocs with the Material theme. `compendium build` writes the generated pages into docs/
# (claims/, evidence/, topics/, charts/, references.md and the others) and builds the site into site/.
site_name: "{MARK} the compendium's name"
site_description: "{MARK} what the compendium records, in a sentence"
copyright: "{MARK} the licence of the text and data, for example: Text and data CC BY 4.0"
# Where the site is published (page addresses in citations, the feed and sitemap.xml): set it before publishing.
# site_url: https://example.org/my-compendium/
# The repository contributors edit: each generated page then gets a button that opens its data file there.
# repo_url: https://github.com/owner/my-compendium
# edit_uri: edit/main/docs/
# Who makes the compendium, for its About page (until it is given, the page says it is not stated): editors,
# funding, interests and contact under extra.about, as schemas/about.schema.json describes.
# The licence of the text and data, which the open data's files and page state (until it is given, they say
# that no licence is stated), under extra.licence as schemas/licence.schema.json describes, for example:
# extra:
#   licence:
#     id: CC-BY-4.0
#     name: Creative Commons Attribution 4.0 International (CC BY 4.0)
#     url: https://creativecommons.org/licenses/by/4.0/
# The words readers are shown for each verdict, where the engine's are not the compendium's: under
# extra.verdicts, as schemas/verdicts.schema.json describes (the method page should use the same words).
""", language="en", features=("content.action.edit", "navigation.top", "search.highlight"),
                      extensions=("admonition",), left_out=left_out)


def mkdocs_yml(head: str, language: str | None = None, features: tuple[str, ...] = ("content.action.edit",),
               extensions: tuple[str, ...] = (), left_out: dict[str, str] | None = None) -> str:
    """A compendium's mkdocs.yml, as init and synth write it: head (its name, description and addresses),
    then the theme (in language, with Material's features), the Markdown extensions every compendium needs
    and extensions, the navigation (nav_lines(left_out)), the generated pages outside it, and MkDocs' checks."""
    theme = "".join([f"  language: {language}\n" if language else "", "  font: false  # No web fonts fetched from "
                     "elsewhere: the site works offline and tells no one else who reads it.\n", "  features:\n",
                     *(f"    - {feature}\n" for feature in features)])
    extra = "".join(f"  - {extension}\n" for extension in extensions)
    nav = "\n".join(nav_lines(left_out))
    not_in_nav = "\n".join(f"  {pattern}" for pattern in NOT_IN_NAV)
    return f"""\
{head}
# `compendium build` adds the engine's own templates, stylesheet and Markdown extensions to these settings.
theme:
  name: material
{theme}
plugins:
  - search

markdown_extensions:
  - attr_list
  - md_in_html
  - tables
{extra}  - toc:
      permalink: true
  # The home page includes the parts generated from the data (docs/.includes/, written by the build).
  - pymdownx.snippets:
      base_path: ["."]
      check_paths: true

nav:
{nav}

not_in_nav: |
{not_in_nav}

validation:
  omitted_files: warn
  not_found: warn
  absolute_links: info
  unrecognized_links: warn
  anchors: warn
"""


def _home_page() -> str:
    includes = "\n\n".join(f'--8<-- "{DOCS_DIR}/{INCLUDES}/{part}.md"' for part in HOME_PARTS)
    return (f"# {MARK} the compendium's name\n\n"
            f"{MARK} say in a sentence or two what this compendium records: whose claims, about what, and how "
            f"each is rated by the [method]({METHOD_PAGE}).\n\n{includes}\n")


# The method page's sections that the generated pages link to, by their anchor (paths.METHOD_ANCHORS).
_SECTIONS = {
    "verdicts": ("Verdicts", "Every claim is given one verdict on this scale, by the evidence recorded with it."),
    "certainty": ("Certainty", "How sure a verdict is: the certainty of the evidence that decides it, {levels}."),
    "evidence-order": ("The order of the evidence", "A claim page lists its evidence strongest first: by certainty, "
                       "then independence, then design, then year (newest first)."),
    "right-of-reply": ("Right of reply", "A claimant's published reply to the criticism their claim meets, or to "
                       "its verdict, is shown on the claim's page, with its words and its source."),
}


def method_page() -> str:
    """A new compendium's method page: a placeholder for its own account, then a section for each anchor the
    generated pages link to, and one for each verdict of the scale."""
    ratings = schema("claim")["$defs"]["rating"]["enum"]
    levels = enum_values("common", "$defs", "certainty")
    parts = ["# Method\n", f"{MARK} say how this compendium finds its claims and its evidence, what it leaves out, "
             "and who decides a verdict. The headings below carry the anchors every claim page links to: keep "
             "each `{ #anchor }` (`compendium validate` checks that they are here), and word the sections as "
             "you wish.\n"]
    for anchor in METHOD_ANCHORS:
        # An anchor with no section written here yet still gets one, with a placeholder for its words.
        heading, text = _SECTIONS.get(anchor, (anchor.replace("-", " ").capitalize(), f"{MARK} what it says."))
        parts.append(f"## {heading} {{ #{anchor} }}\n\n{text.format(levels=', '.join(levels))}\n")
        if anchor == "verdicts":
            parts += [f"### {rating_label(r)} {{ #verdict-{r} }}\n\n{VERDICT_WORDS[r]}\n" for r in ratings]
    return "\n".join(parts)


def _readme() -> str:
    examples = [f"{folder}/{EXAMPLES[kind]}.yml" for folder, kind in DATA_FOLDERS.items()]
    return f"""\
# A new compendium

Made by `compendium init`: a record of public claims, each next to the evidence for and against it, built
into a website (and a PDF edition) by the `compendium` engine. It builds as it is; every text starting
with `{MARK}` is an example to replace.

## What to run

```sh
compendium validate            # every problem, as file:line, with what to do; a warning for each {MARK} left
compendium build               # the site into site/ (with the PDF edition; --no-pdf leaves it out)
compendium serve               # a preview on http://127.0.0.1:8000, rebuilt when a data file changes
compendium check-links         # after a build: every link and #anchor between the built pages
compendium new claim ID        # a new file with every field explained: also evidence, chart, topic, reference
compendium validate --strict   # before publishing: warnings count as errors, so no {MARK} text is left
```

Each command works on the current folder; `--root DIR` names another.

## First steps

1. In `mkdocs.yml`, give the compendium's name, description and licence, and (before publishing) the
   address it will have, `site_url`.
2. In `{DOCS_DIR}/index.md` and `{DOCS_DIR}/{METHOD_PAGE}`, say what the compendium records and by what method.
   Keep the method page's `{{ #anchor }}` headings: every claim page links to them.
3. Replace the examples, or remove them once items of your own point at none of them: {', '.join(examples)},
   the topic `{EXAMPLES["topic"]}` in `{SINGLE_FILES["topics"]}` and the reference `{EXAMPLES["reference"]}`
   in `{BIB_FILE}`. `compendium validate` names anything that points at an item that is gone.
4. Add your own with `compendium new`: the file name is the id (lowercase letters, digits and hyphens).

## What is where

| Path | What it holds |
|---|---|
| `claims/` | one claim per file: who said what, where, and the verdict |
| `evidence/` | one evidence item per file: a finding of one source, its figures and their limits |
| `charts/` | one chart per file; every value cites an evidence item's figure |
| `{BIB_FILE}` | every source, in BibTeX |
| `{SINGLE_FILES["topics"]}` | the topics claims and evidence are filed under |
| `{DOCS_DIR}/` | the hand-written pages (home, method); the build writes the generated ones beside them |
| `mkdocs.yml` | the site's settings |
| `{SCHEMA_COPIES}/` | copies of the engine's JSON Schemas, which `compendium new` keeps current |

Optional files, each described by its schema: `{SINGLE_FILES["timeline"]}`, `{SINGLE_FILES["glossary"]}`,
`{SINGLE_FILES["questions"]}`, `{SINGLE_FILES["not_assessed"]}`, `{SINGLE_FILES["redirects"]}`.

The first line of each data file names its schema in `{SCHEMA_COPIES}/`: editors that read it (VS Code
with the YAML extension, and others using yaml-language-server) complete fields and flag mistakes as you
type. The built site's "Data fields" page describes every field.
"""

"""What the site's search is told about each generated page besides its text: its kind, shown on every
result (with a claim's verdict and an evidence item's certainty), and how it ranks.

Material for MkDocs indexes each section of a page with lunr, weighing a word in a heading 1,000 times a
word in the text and a word in the page's `tags` a million times, and multiplies the whole page's score
by its front matter's `search: boost:`. It has no field for a summary, and it expands every word typed
into a prefix ("recover" finds "recovery", but "in" also finds "independent"). Left alone it ranks the
evidence pages first, since their headings repeat the words of the claims.

So each generated page gets, in its front matter:

- `tags`: a label of its kind ("Claim · Misleading", "Evidence · Low certainty", "Chart", "List of
  claims"), which Material shows on the page's search result. The label is written as one word that no
  search can match (its spaces are character references, and it starts with an invisible word joiner),
  so it labels the result without steering the ranking. Material inserts tags as HTML, which is why
  they are escaped here.
- on a claim page, the label also carries, in a hidden span, the claim's own words: those of its title,
  its statement and its main (first) topic, each once. These are the words a claim must be found by, so
  they are weighed as tags: a claim whose title or statement has the words searched for ranks above
  every page that only mentions them. Words that begin with a common short word ("in", "of", "the") are
  left out of them, because that word typed alone would otherwise find them (they still count as the
  text and headings of the page do).
- `search: boost:`: claims by prominence, so that among claims that match alike the headline claim comes
  first, and far above the rest, so that a claim discussing a phrase outranks evidence that mentions it;
  evidence and topic pages at half, and pages that list or repeat other pages (indexes, references,
  timeline, gallery) at a fifth, so that they come after the pages they list.

The hand-written pages (docs/) are the compendium's: they can label themselves with `tags:` too.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from compendium.model import Claim, Compendium
from compendium.wording import CERTAINTY

# Claims, by prominence (1, a headline claim, to 5). Steps of 1.2: a claim matching one more of the words
# searched for outranks a claim up to four steps more prominent; among claims matching alike, the more
# prominent comes first. 600 keeps a claim's body below a hand-written page's heading (1,000 times text).
CLAIM_BOOST = {p: round(600 / 1.2 ** (p - 1), 1) for p in range(1, 6)}
ITEM_BOOST = 0.5  # an evidence item, a topic, a chart
LIST_BOOST = 0.2  # a page that lists or repeats other pages

# Pages other than one item's, by path under docs/: their label and boost.
PAGES = {
    "claims/index.md": ("List of claims", LIST_BOOST),
    "claims/not-assessed.md": ("List of claims not assessed", LIST_BOOST),
    "evidence/index.md": ("List of evidence", LIST_BOOST),
    "topics/index.md": ("List of topics", LIST_BOOST),
    "charts/index.md": ("Charts", LIST_BOOST),
    "references.md": ("References", LIST_BOOST),
    "timeline.md": ("Timeline", LIST_BOOST),
    "changelog.md": ("Changes", LIST_BOOST),
    "data.md": ("Open data", LIST_BOOST),
    "fields.md": ("For contributors: data fields", LIST_BOOST),
    "glossary.md": ("Glossary", 1.0),
    "about.md": ("About", LIST_BOOST),
}

# lunr's English stop words, which the index leaves out (and so are not worth weighing).
_LUNR_STOP_WORDS = (
    "a able about across after all almost also am among an and any are as at be because been but by can "
    "cannot could dear did do does either else ever every for from get got had has have he her hers him "
    "his how however i if in into is it its just least let like likely may me might most must my neither "
    "no nor not of off often on only or other our own rather said say says she should since so some than "
    "that the their them then there these they this tis to too twas us wants was we were what when where "
    "which while who whom why will with would yet you your")
STOP_WORDS = frozenset(_LUNR_STOP_WORDS.split())
Forms = dict[str, tuple[str, ...]]  # a word's first seven letters -> its forms
# The short stop words most often typed: a claim's word that one of them begins ("independent", "offers",
# "dose") is left out of its weighed words, or typing "in", "of" or "the" would find that claim first.
_PREFIXES = ("and", "are", "for", "has", "not", "was", "by", "do", "in", "is", "it", "no", "of", "on", "or", "to")
_SEPARATOR = re.compile(r"[\s\-\u2010-\u2015/]+")
_EDGES = re.compile(r"^[^\w%£$€]+|[^\w%£$€]+$")
_POSSESSIVE = re.compile(r"['’]s$")
_HEADING = re.compile(r"^# (.+?)(?:\s*\{[^}]*\})?$", re.M)


def label(text: str) -> str:
    """A tag that reads as text on a search result but that no search can match (see the module's doc):
    every character but a letter or digit is a character reference, so that no separator splits it, and
    it starts with a word joiner, which nothing typed begins with. (The search's separator must not split
    at "&", "#" or ";".)"""
    return "&#8288;" + re.sub(r"[^A-Za-z0-9]", lambda m: f"&#{ord(m.group(0))};", text)


def _words(text: str) -> Iterator[str]:
    """text's words as the search matches them: punctuation off their ends, possessives off."""
    for raw in _SEPARATOR.split(text):
        word = _POSSESSIVE.sub("", _EDGES.sub("", raw))
        key = word.casefold()
        if len(key) > 1 and key not in STOP_WORDS and not key.startswith(_PREFIXES):
            yield word


def _stem(key: str) -> str:
    return key[:7] if len(key) >= 7 else key


def word_forms(compendium: Compendium) -> Forms:
    """The forms the claims' long words take, by their first seven letters: "recover" -> ("recovered",
    "recovering", "recovery"). A claim with one of them is given them all. The search weighs a rare form
    more than a common one and counts each form a prefix matches, so otherwise the claim that says
    "recovering" would outrank the one that says "recovery" when "recover" is typed; with every form, each
    is found by its own word too ("evaluated", "evaluation"). A form that another begins is left to it."""
    groups: dict[str, set[str]] = {}
    for claim in compendium.claims.values():
        for text in _claim_texts(claim, compendium):
            for word in _words(text):
                key = word.casefold()
                groups.setdefault(_stem(key), set()).add(key)
    return {stem: tuple(sorted(k for k in keys if not any(o != k and o.startswith(k) for o in keys)))
            for stem, keys in groups.items() if len(keys) > 1}


def claim_words(*texts: str, forms: Forms | None = None) -> list[str]:
    """The distinct words of texts (see _words), each once, with the other forms of each (see word_forms);
    a word that a longer one begins is left to the longer ("recover" to "recovery")."""
    found: dict[str, str] = {}
    for text in texts:
        for word in _words(text):
            key = word.casefold()
            found.setdefault(key, word)
            for form in (forms or {}).get(_stem(key), ()):
                found.setdefault(form, form)
    keys = sorted(found)
    return [found[k] for i, k in enumerate(keys) if not (i + 1 < len(keys) and keys[i + 1].startswith(k))]


def _claim_texts(claim: Claim, compendium: Compendium) -> tuple[str, ...]:
    """A claim's own words: its title, statement, main (first) topic and claimant."""
    return claim.title, claim.statement, compendium.topics[claim.topics[0]].title, claim.claimant


def page_search(path: str, compendium: Compendium, forms: Forms | None = None) -> dict[str, Any] | None:
    """The front matter that labels and ranks the generated page at path (under docs/), or None."""
    kind, _, name = path.removesuffix(".md").partition("/")
    if kind == "claims" and name in compendium.claims:
        claim = compendium.claims[name]
        words = " ".join(claim_words(*_claim_texts(claim, compendium), forms=forms))
        tag = label(f"Claim · {compendium.verdicts[claim.rating].label}") + f"<span hidden> {html.escape(words)}</span>"
        return {"search": {"boost": CLAIM_BOOST[claim.prominence]}, "tags": [tag]}
    if kind == "evidence" and name in compendium.evidence:
        certainty = CERTAINTY[compendium.evidence[name].quality.certainty]
        return {"search": {"boost": ITEM_BOOST}, "tags": [label(f"Evidence · {certainty.capitalize()} certainty")]}
    if kind == "topics" and name in compendium.topics:
        return {"search": {"boost": ITEM_BOOST}, "tags": [label("Topic")]}
    if kind == "charts" and name in compendium.charts:
        return {"search": {"boost": ITEM_BOOST}, "tags": [label("Chart")]}
    if kind == "series" and name in compendium.series:  # it lists its releases, which have pages of their own
        return {"search": {"boost": LIST_BOOST}, "tags": [label("Series of releases")]}
    if path in PAGES:
        text, boost = PAGES[path]
        return {"search": {"boost": boost}, "tags": [label(text)]}
    return None


def with_search(path: str, page: str, compendium: Compendium, forms: Forms | None = None) -> str:
    """page (Markdown, with or without front matter) with its search front matter added. A generated page
    of a kind not known here is labelled by its heading. Parts of pages (under a folder starting with a
    dot, such as docs/.includes/) are left as they are: they are included into other pages."""
    if any(part.startswith(".") for part in path.split("/")):
        return page
    meta = page_search(path, compendium, forms)
    if meta is None:
        heading = _HEADING.search(page)
        if heading is None:
            return page
        meta = {"tags": [label(html.unescape(heading.group(1)).strip())]}
    return with_front_matter(page, meta)


# What YAML (PyYAML, which MkDocs reads front matter with) takes as a line break or refuses in a document.
# json.dumps with ensure_ascii would write a character beyond U+FFFF as a surrogate pair, which PyYAML
# reads as two lone surrogates, and MkDocs then drops the page's whole front matter: so only these are
# written as \u escapes.
_NOT_FOR_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def front_matter_value(value: Any, **options: Any) -> str:
    """value as one line of front matter: JSON, which YAML reads as it is. (The templates' tojson writes
    front matter with it too: options are json.dumps's.)"""
    text = json.dumps(value, **{**options, "ensure_ascii": False})
    return _NOT_FOR_YAML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def with_front_matter(page: str, meta: dict[str, Any]) -> str:
    """page (Markdown, with or without front matter) with meta's keys added first to its front matter."""
    lines = "".join(f"{key}: {front_matter_value(value)}\n" for key, value in meta.items())
    if page.startswith("---\n"):
        return "---\n" + lines + page[4:]
    return "---\n" + lines + "---\n\n" + page


def add_search(pages: dict[str, str | bytes], compendium: Compendium) -> None:
    """Label and rank every generated Markdown page in pages (see the module's doc)."""
    forms = word_forms(compendium)
    for path, page in pages.items():
        if path.endswith(".md") and isinstance(page, str):
            pages[path] = with_search(path, page, compendium, forms)

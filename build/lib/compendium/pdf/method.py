"""The method page (docs/method.md, Markdown) as data for the PDF: blocks of text runs, never markup.

Python-Markdown parses the page as MkDocs does (the same extensions), and the element tree it builds is
walked here into plain data: headings, paragraphs, lists, tables, notes and quotes, whose text is runs
of strings marked bold, italic, code or a link. The Typst template shows every string as text, so
nothing on the page (a `#`, a `$`, raw HTML) can become Typst code. Links are pointed at the PDF's own
sections where the PDF has the page they name, at the website where it has not, or dropped, the words
kept. Raw HTML on the page is shown as its text, its tags left out.

Block:  {"kind": "heading", "level": 2, "anchor": "method-verdicts", "runs": [...]}
        {"kind": "paragraph", "runs": [...]}
        {"kind": "list", "ordered": false, "items": [[block, ...], ...]}
        {"kind": "table", "head": [runs, ...], "rows": [[runs, ...], ...]}
        {"kind": "note", "title": runs, "blocks": [...]}    (an admonition)
        {"kind": "quote", "blocks": [...]}
        {"kind": "code", "text": "..."}
        {"kind": "rule"}
Run:    {"text": "..."} with any of "strong": true, "emph": true, "code": true,
        "anchor": "claim-x" (a link within the PDF, printed with its page), "url": "https://..."
        (printed in full after the words when they differ), or {"break": true} (a line break).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

Run = dict[str, Any]
Block = dict[str, Any]

EXTENSIONS = ["attr_list", "tables", "admonition", "md_in_html", "toc"]
_PLACEHOLDER = re.compile(re.escape(util.STX) + r"wzxhzdk:(\d+)" + re.escape(util.ETX))
_EXTERNAL = re.compile(r"^(https?|mailto):", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


class _TextOf(HTMLParser):
    """The text of a piece of HTML, its tags left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(fragment: str) -> str:
    parser = _TextOf()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


class _Keep(Treeprocessor):
    """Keeps the finished element tree (after every other tree processor) for the walk below."""

    def run(self, root: ElementTree.Element) -> None:
        self.md.compendium_tree = root  # type: ignore[attr-defined]


class _KeepExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_Keep(md), "compendium_pdf_keep", -100)


@dataclass(frozen=True)
class Method:
    """The method page: its blocks, and its headings below the title (level, anchor, text) for the contents."""

    title: str
    blocks: list[Block]
    headings: list[tuple[int, str, str]]


class _Walker:
    def __init__(self, md: markdown.Markdown, targets: dict[str, str], site_url: str) -> None:
        self.md, self.targets, self.site_url = md, targets, site_url
        self.headings: list[tuple[int, str, str]] = []

    # --- text ---

    def text(self, value: str | None) -> str:
        """Element text with Markdown's placeholders put back: raw HTML as its text, '&' as itself."""
        if not value:
            return ""
        stash = self.md.htmlStash.rawHtmlBlocks

        def raw(match: re.Match[str]) -> str:
            index = int(match.group(1))
            return html_text(str(stash[index])) if index < len(stash) else ""
        return html.unescape(_PLACEHOLDER.sub(raw, value.replace(util.AMP_SUBSTITUTE, "&")))

    def runs(self, element: ElementTree.Element, style: dict[str, Any] | None = None) -> list[Run]:
        """The inline content of element as runs."""
        style = style or {}
        found: list[Run] = []

        def add(text: str, how: dict[str, Any]) -> None:
            text = re.sub(r"\s+", " ", text)  # a line break in the Markdown is a space
            if text:
                found.append({"text": text, **how})
        add(self.text(element.text), style)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("strong", "b"):
                found.extend(self.runs(child, {**style, "strong": True}))
            elif tag in ("em", "i"):
                found.extend(self.runs(child, {**style, "emph": True}))
            elif tag == "code":
                add("".join(self.text(t) for t in child.itertext()), {**style, "code": True})
            elif tag == "a":
                found.extend(self.runs(child, {**style, **self.link(child)}))
            elif tag == "br":
                found.append({"break": True})
            elif tag == "img":
                add(child.get("alt", ""), style)
            else:
                found.extend(self.runs(child, style))
            add(self.text(child.tail), style)
        return found

    def link(self, element: ElementTree.Element) -> dict[str, str]:
        """Where a link on the page leads in the PDF: an anchor, an address, or nowhere (words only)."""
        href = element.get("href", "")
        if _EXTERNAL.match(href):
            return {"url": href}
        if _SCHEME.match(href):  # javascript:, data: ... never a link
            return {}
        page, _, fragment = href.partition("#")
        if not page or page == "method.md":
            target = "method-" + fragment if fragment else "method"
        else:
            target = self.targets.get(f"{page}#{fragment}" if fragment else page, "")
        if target:
            return {"anchor": target}
        if self.site_url and page.endswith(".md"):
            return {"url": f"{self.site_url}/{page.removesuffix('.md').removesuffix('index')}"}
        return {}

    # --- blocks ---

    def blocks(self, element: ElementTree.Element) -> list[Block]:
        found: list[Block] = []
        if (lead := self.text(element.text).strip()):
            found.append({"kind": "paragraph", "runs": [{"text": lead}]})
        for child in element:
            found.extend(self.block(child))
            if (tail := self.text(child.tail).strip()):
                found.append({"kind": "paragraph", "runs": [{"text": tail}]})
        return found

    def block(self, element: ElementTree.Element) -> list[Block]:
        tag = element.tag if isinstance(element.tag, str) else ""
        if re.fullmatch(r"h[1-6]", tag):
            level = int(tag[1])
            anchor = "method-" + element.get("id", "") if element.get("id") else ""
            runs = self.runs(element)
            if level > 1 and anchor:
                self.headings.append((level, anchor, "".join(r.get("text", "") for r in runs)))
            return [{"kind": "heading", "level": level, "anchor": anchor, "runs": runs}]
        if tag == "p":
            runs = self.runs(element)
            return [{"kind": "paragraph", "runs": runs}] if any(r.get("text", "").strip() for r in runs) else []
        if tag in ("ul", "ol"):
            items = [self.item(li) for li in element if li.tag == "li"]
            return [{"kind": "list", "ordered": tag == "ol", "items": items}]
        if tag == "table":
            head = [self.runs(cell) for row in element.iter("tr") for cell in row if cell.tag == "th"]
            rows = [[self.runs(cell) for cell in row if cell.tag == "td"] for row in element.iter("tr")]
            return [{"kind": "table", "head": head, "rows": [row for row in rows if row]}]
        if tag == "blockquote":
            return [{"kind": "quote", "blocks": self.blocks(element)}]
        if tag == "div" and "admonition" in element.get("class", "").split():
            title = next((c for c in element if c.tag == "p" and "admonition-title" in c.get("class", "")), None)
            rest = ElementTree.Element("div")
            rest.extend(c for c in element if c is not title)
            return [{"kind": "note", "title": self.runs(title) if title is not None else [],
                     "blocks": self.blocks(rest)}]
        if tag == "pre":
            return [{"kind": "code", "text": "".join(self.text(t) for t in element.itertext())}]
        if tag == "hr":
            return [{"kind": "rule"}]
        if tag in ("div", "section", "details", "summary"):
            return self.blocks(element)
        runs = self.runs(element)
        return [{"kind": "paragraph", "runs": runs}] if runs else []

    def item(self, li: ElementTree.Element) -> list[Block]:
        """A list item: its paragraphs (a tight item's text is one paragraph), nested lists kept."""
        if any(child.tag in ("p", "ul", "ol", "table", "blockquote", "div", "pre") for child in li):
            inline = ElementTree.Element("span")
            inline.text = li.text
            blocks: list[Block] = []
            for child in li:
                if child.tag in ("p", "ul", "ol", "table", "blockquote", "div", "pre"):
                    if len(inline) or (inline.text or "").strip():
                        blocks.append({"kind": "paragraph", "runs": self.runs(inline)})
                        inline = ElementTree.Element("span")
                    blocks.extend(self.block(child))
                    inline.text = child.tail
                else:
                    inline.append(child)
            if len(inline) or (inline.text or "").strip():
                blocks.append({"kind": "paragraph", "runs": self.runs(inline)})
            return blocks
        return [{"kind": "paragraph", "runs": self.runs(li)}]


def read_method(path: Path, targets: dict[str, str], site_url: str) -> Method | None:
    """docs/method.md as data for the PDF (None when the compendium has no method page).

    targets: the site's pages (claims/x.md, references.md#ref-y ...) -> their anchors in the PDF."""
    if not path.is_file():
        return None
    text = path.read_text("utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, count=1, flags=re.S)  # MkDocs' front matter (tags)
    md = markdown.Markdown(extensions=[*EXTENSIONS, _KeepExtension()])
    md.convert(text)
    root: ElementTree.Element = getattr(md, "compendium_tree", ElementTree.Element("div"))
    walker = _Walker(md, targets, site_url)
    blocks = walker.blocks(root)
    title = "Method"
    if blocks and blocks[0]["kind"] == "heading" and blocks[0]["level"] == 1:  # the section's own title
        title = "".join(r.get("text", "") for r in blocks.pop(0)["runs"]) or title
    return Method(title, blocks, walker.headings)

"""A Markdown extension: a chart drawn at two sizes becomes one <picture>, so a page names its alt text once.

The pages write a chart as two images in one link (chart_block in _macros.md.j2): the page-wide drawing
(class cx-chart--wide) and the phone's (cx-chart--narrow), which is taller with larger text. Shown and
hidden by the stylesheet, both had to carry the chart's alt text, which can run to a hundred words. Here,
after MkDocs has made every address relative to the built page, the pair is rewritten as

    <picture><source media="(max-width: 44.9375em)" srcset="<narrow>"><img class="cx-chart" ...></picture>

so that the browser fetches the one drawing the screen needs and a screen reader meets the alt text once.
A link holding anything else is left as it is.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

# Material's own breakpoint below which a page is a phone's (compendium.css draws the charts for it too).
PHONE_MEDIA = "(max-width: 44.9375em)"


class _ChartPicture(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            if "cx-chart-link" not in (link.get("class") or "").split():
                continue
            images = list(link)
            classes = [(i.get("class") or "").split() for i in images]
            if (len(images) != 2 or any(i.tag != "img" for i in images) or "cx-chart--wide" not in classes[0]
                    or "cx-chart--narrow" not in classes[1]):
                continue
            wide, narrow = images
            picture = etree.Element("picture")
            etree.SubElement(picture, "source", {"media": PHONE_MEDIA, "srcset": narrow.get("src", "")})
            wide.set("class", " ".join(c for c in classes[0] if c != "cx-chart--wide"))
            picture.append(wide)
            picture.tail = narrow.tail
            link.remove(wide)
            link.remove(narrow)
            link.append(picture)


class ChartPictureExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After MkDocs' "relpath" (priority 0), which turns the Markdown's paths into the page's addresses.
        md.treeprocessors.register(_ChartPicture(md), "compendium_chart_picture", -10)


def makeExtension(**kwargs: object) -> ChartPictureExtension:
    return ChartPictureExtension(**kwargs)

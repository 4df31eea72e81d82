"""Joins the parts' PDFs into one document, and gives it the navigation of the whole (with pypdf).

Each part was drawn by WeasyPrint on its own, without its internal links, anchors or bookmarks, which
may cross parts. Here they are written once for the whole document: a named destination for every
anchor (so that a link, or a citation from elsewhere, can name "evidence-x"), the link annotations
that lead to them, the outline (bookmarks) nested by heading level, and the document's metadata.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    Fit,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    TextStringObject,
)

from compendium.pdf.layout import PartLayout


@dataclass(frozen=True)
class DocumentInfo:
    """What the PDF says about itself (File > Properties in a reader)."""

    title: str
    author: str
    subject: str
    created: datetime.date
    language: str
    creator: str


def _destination(page: IndirectObject, x: float, y: float) -> ArrayObject:
    """Show the page with (x, y) at the top left of the window, at the reader's zoom."""
    return ArrayObject([page, NameObject("/XYZ"), FloatObject(round(x, 3)), FloatObject(round(y, 3)), NullObject()])


def join(layouts: Sequence[PartLayout], info: DocumentInfo) -> bytes:
    """The parts' PDFs as one PDF, with links, named destinations, outline and metadata for the whole."""
    writer = PdfWriter()
    firsts: list[int] = []
    for layout in layouts:
        firsts.append(len(writer.pages))
        for page in PdfReader(io.BytesIO(layout.pdf)).pages:
            writer.add_page(page)
    pages: list[IndirectObject] = []
    for page in writer.pages:
        assert page.indirect_reference is not None  # a page added to a writer has its object
        pages.append(page.indirect_reference)

    # Named destinations: one name tree, its names in order, as the PDF standard asks.
    places: dict[str, tuple[int, float, float]] = {}
    for first, layout in zip(firsts, layouts, strict=True):
        for name, (index, x, y) in layout.anchors.items():
            places.setdefault(name, (first + index, x, y))
    names = ArrayObject()
    for name in sorted(places):
        index, x, y = places[name]
        names.extend([TextStringObject(name), _destination(pages[index], x, y)])
    writer.root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/Dests"): DictionaryObject({NameObject("/Names"): names})})

    for first, layout in zip(firsts, layouts, strict=True):
        for index, target, rectangle in layout.links:
            writer.add_annotation(first + index, DictionaryObject({
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject(FloatObject(round(v, 3)) for v in rectangle),
                NameObject("/BS"): DictionaryObject({NameObject("/W"): NumberObject(0)}),
                NameObject("/Dest"): TextStringObject(target),
            }))

    # The outline: each bookmark under the last one of a higher level before it.
    parents: list[tuple[int, IndirectObject | None]] = [(0, None)]
    for first, layout in zip(firsts, layouts, strict=True):
        for level, label, index, x, y, is_open in layout.bookmarks:
            while parents[-1][0] >= level:
                parents.pop()
            item = writer.add_outline_item(title=label, page_number=first + index, parent=parents[-1][1],
                                           fit=Fit.xyz(left=x, top=y), is_open=is_open)
            parents.append((level, item))
    writer.page_mode = "/UseOutlines"  # a reader opens the document with its bookmarks shown

    stamp = f"D:{info.created:%Y%m%d}000000Z"
    writer.add_metadata({"/Title": info.title, "/Author": info.author, "/Subject": info.subject,
                         "/Creator": info.creator, "/CreationDate": stamp, "/ModDate": stamp})
    writer.root_object[NameObject("/Lang")] = TextStringObject(info.language)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()

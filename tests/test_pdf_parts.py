"""The PDF edition's parts: how the print document is cut, and what the layout does with links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from markupsafe import Markup

from compendium.pdf import layout
from compendium.pdf.document import Section, pack
from compendium.pdf.errors import PdfError
from compendium.pdf.layout import paginate


def _section(name: str, sizes: list[int]) -> Section:
    fragments = tuple(Markup(f"{name}{i}".ljust(size, ".")) for i, size in enumerate(sizes))
    return Section(name, name.title(), "part", fragments)


def test_parts_are_cut_between_items_and_a_section_opens_once() -> None:
    front = Markup("f" * 50)
    sections = [_section("claims", [40, 40, 40, 40]), _section("evidence", [30, 30]), _section("method", [500])]
    parts = pack(front, sections, size=100)
    assert parts[0][0] == front and all(not part_front for part_front, _ in parts[1:])
    # Every fragment once, in order.
    flat = [f for _, slices in parts for s in slices for f in s.fragments]
    assert flat == [f for section in sections for f in section.fragments]
    for part_front, slices in parts:  # at most the size, unless one item alone is longer
        used = len(part_front) + sum(len(f) for s in slices for f in s.fragments)
        assert used <= 100 or sum(len(s.fragments) for s in slices) == 1
    opened = [s.section.id for _, slices in parts for s in slices if s.opens]
    assert opened == ["claims", "evidence", "method"]
    # The first slice of each section opens it; the later ones go on with it.
    seen: set[str] = set()
    for _, slices in parts:
        for s in slices:
            assert s.opens == (s.section.id not in seen)
            seen.add(s.section.id)


def test_a_section_without_items_still_has_its_title() -> None:
    parts = pack(Markup(""), [_section("claims", []), _section("evidence", [10])], size=100)
    slices = [(s.section.id, s.opens, len(s.fragments)) for s in parts[0][1]]
    assert slices == [("claims", True, 0), ("evidence", True, 1)]


def test_a_link_to_an_anchor_the_document_lacks_is_an_error(tmp_path: Path) -> None:
    parts = ['<html><body><p id="here"><a href="#here">here</a> and <a href="#nowhere">nowhere</a></p></body></html>',
             '<html><body><p><a href="#here">back</a></p></body></html>']
    with pytest.raises(PdfError, match="links to anchors it does not have: nowhere"):
        paginate(parts, "a4", tmp_path, workers=1)


def test_links_across_parts_print_the_page_they_lead_to(tmp_path: Path) -> None:
    """A part's page numbers count on from the parts before it; a link prints its target's page."""
    filler = "<p>" + "words " * 600 + "</p>"
    parts = ['<html><body><p><a class="xref" href="#far">far</a></p>' + filler * 6 + "</body></html>",
             '<html><body><h1 id="far">Far</h1><a class="xref" href="#far">self</a></body></html>']
    layouts = paginate(parts, "a4", tmp_path, workers=1)
    first = layouts[0].pages
    assert first > 1
    assert layouts[1].anchors["far"][0] == 0
    assert layouts[0].printed == {"far": str(first + 1)} and layouts[1].printed == {"far": str(first + 1)}


def _killed(job: object) -> None:
    os._exit(9)  # as the kernel's out-of-memory killer would end a worker: no exception, no result


def test_a_worker_that_dies_ends_the_build_with_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout, "lay_out", _killed)
    parts = ["<html><body><p>one</p></body></html>", "<html><body><p>two</p></body></html>"]
    with pytest.raises(PdfError, match="stopped before it finished"):
        paginate(parts, "a4", tmp_path, workers=2)

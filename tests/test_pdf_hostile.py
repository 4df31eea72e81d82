"""Contributor text in the PDF edition: shown as typed, never read as Typst (or any other) markup.

Every free-text field of the sample holds the payload corpus (tests/hostile/payloads.yml) and Typst's
own syntax: code (#), maths ($), content blocks ([ ]), escapes (\\), references (@label), labels
(<label>), imports and file reads. The PDF is read back: each payload is in its text, as typed; no
file outside the compiler's root is read; the document holds no script.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from compendium.charts.draw import OUTPUT as CHARTS_OUTPUT
from compendium.edition import Edition
from compendium.pdf import PDF_NAME, PdfError
from compendium.pdf.document import print_document, read_cover, to_json
from compendium.pdf.typeset import typeset
from compendium.pipeline import build
from compendium.settings import read_settings

from conftest import copy_sample

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
from make_hostile import PAYLOADS, make_hostile, stacked

TYPST_PAYLOADS = [
    '#read("/etc/passwd")',
    '#import "/etc/passwd": *',
    '#include "/etc/hostname"',
    "#set text(fill: red) #set page(width: 1cm)",
    "#eval(\"1 + 1\") #panic(\"stop\")",
    "$x^2 + sqrt(y)$ and $$ alone",
    "[content] ] unbalanced [ and \\ backslash \\u{1F600} \\#",
    "@label and @claim-x, see <label> and <claim-x>",
    "= A heading line\n- a list item\n+ an enumeration\n/ Term: description",
    "*strong* _emph_ `raw` ```typ #code``` ~ -- --- ... 'single' \"double\"",
    "// a line comment /* a block comment */ https://example.org",
    "#{ let x = 1; x } #(1 + 2) #[content] #let a = 1",
    "#metadata(\"x\") <running> #label(\"mark-1\")",
]


def _shown(payload: str) -> list[str]:
    """How a payload reads in the PDF: its paragraphs, without invisible characters, spaces collapsed."""
    return [" ".join(re.sub("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", p).split())
            for p in re.split(r"\n\s*\n", payload) if p.strip()]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = copy_sample(tmp_path_factory.mktemp("pdf-hostile"))
    make_hostile(root, stacked(TYPST_PAYLOADS + PAYLOADS))
    output = root / PDF_NAME
    result = build(root, make_site=False, pdf_file=output)
    assert not result.pdf_problem, result.pdf_problem
    assert result.compendium is not None, "\n".join(d.format_text() for d in result.report.errors)
    reader = PdfReader(output)
    return output, " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_every_payload_is_in_the_pdf_as_typed(hostile: tuple[Path, str]) -> None:
    _, text = hostile
    for payload in dict.fromkeys(TYPST_PAYLOADS + PAYLOADS):
        for paragraph in _shown(payload):
            assert paragraph in text, paragraph


def test_no_file_outside_the_charts_is_read_and_no_script_is_written(hostile: tuple[Path, str]) -> None:
    output, text = hostile
    assert "root:x:0:0" not in text  # /etc/passwd
    raw = output.read_bytes()
    assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/JS(" not in raw and b"/Launch" not in raw
    uris = set(re.findall(rb"/URI\s*\(([^)]*)\)", raw))
    assert all(uri.startswith((b"http://", b"https://", b"mailto:")) for uri in uris), uris


def test_the_compiler_reads_only_under_its_root(sample: Path, tmp_path: Path) -> None:
    """A chart named so as to climb out of the charts' folder is refused by Typst, not read."""
    result = build(sample, make_site=False)
    assert result.compendium is not None
    document = print_document(result.compendium, read_cover(read_settings(sample), Edition("2026-01-01", "")))
    outside = tmp_path / "outside.svg"
    outside.write_text((sample / "docs" / CHARTS_OUTPUT / "retention-compared.svg").read_text("utf-8"))
    for claim in document["claims"]:
        for chart in claim["charts"]:
            if chart.get("home"):
                chart["file"] = "../" * 12 + str(outside).lstrip("/")
    with pytest.raises(PdfError, match=r"(?i)outside|root|access"):
        typeset(to_json(document), (sample / "docs" / CHARTS_OUTPUT).resolve(), 0)


def test_the_data_reaches_typst_as_json_strings(sample: Path) -> None:
    """The template reads one JSON document: contributor text is a string in it, whatever it holds."""
    result = build(sample, make_site=False)
    assert result.compendium is not None
    document = print_document(result.compendium, read_cover(read_settings(sample), Edition("2026-01-01", "")))
    document["claims"][0]["title"] = '#read("/etc/passwd") $x$ <l> @l \u202e'
    data = json.loads(to_json(document))
    assert data["claims"][0]["title"] == '#read("/etc/passwd") $x$ <l> @l '

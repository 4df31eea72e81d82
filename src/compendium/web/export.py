"""Open data: the compendium as JSON, CSV and CSL-JSON under data/, each described by a JSON Schema,
with a README and one zip of everything. The JSON records are the data files exactly as validated,
plus each item's id and address, so the published claim and evidence schemas describe them; reader text that
links figures to findings ([[figure|evidence-id#finding-id]]) is given as the reader reads it, the figure alone."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from typing import Any

from compendium.edition import Edition
from compendium.figurelinks import plain_record
from compendium.model import Compendium, Licence
from compendium.schemas import schema
from compendium.settings import SiteSettings
from compendium.text import csv_table

FOLDER = "data"
ZIP_NAME = "compendium-data.zip"
CSV_COLUMNS = ("id", "title", "claimant", "date", "rating", "rating_value", "statement", "reference", "locator",
               "verification", "supporting", "contradicting", "qualifying", "topics", "url")


def _dump(value: Any) -> str:
    # <, > and & as \u escapes: the same data, but safe even if a reader drops it into a web page unescaped.
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def _export_schema(kind: str, collection: str, extra: dict[str, Any], title: str) -> dict[str, Any]:
    """The schema of an exported file: its kind's schema with the fields export adds."""
    item = copy.deepcopy(schema(kind))
    item.pop("$schema", None)
    item["properties"].update(extra)
    item["required"] = [*item.get("required", []), *extra]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema", "title": title,
        "description": f"{title}: the edition it belongs to and every {kind} record, as in the repository's "
                       f"{kind} files, with the fields the export adds.",
        "type": "object", "additionalProperties": False, "required": ["edition", "licence", collection],
        "properties": {
            "edition": {"type": "object", "description": "The edition: commit date and commit.",
                        "properties": {"date": {"type": "string"}, "commit": {"type": "string"}}},
            "licence": {"type": ["string", "null"],
                        "description": "The licence of the data: its SPDX identifier (or its name, for a licence "
                                       "that has none); null when the compendium states no licence."},
            collection: {"type": "array", "items": item},
        },
        "$defs": item.pop("$defs", {}),
    }


_ADDED = {
    "id": {"type": "string", "description": "The record's id: its file name without .yml."},
    "url": {"type": "string", "description": "The address of the record's page."},
}
REFERENCES_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "References (CSL-JSON)",
    "description": "Every source cited, in CSL-JSON (https://citeproc-js.readthedocs.io/en/latest/csl-json/"
                   "markup.html), the format citation managers such as Zotero import.",
    "type": "array",
    "items": {"type": "object", "required": ["id", "type"],
              "properties": {"id": {"type": "string"}, "type": {"type": "string"}, "title": {"type": "string"}}},
}
README = """{name}: open data
{underline}

Edition: {edition}
Licence: {licence}. Quotations remain their authors'.

Files
- claims.json     every claim, as in the repository's claims/*.yml, with id and url
- evidence.json   every evidence item, as in evidence/*.yml, with id, url and the claims using it
- references.json every source cited, in CSL-JSON
- claims.csv      one row per claim: verdict, claimant, source and the count of evidence for and against;
                  text is quoted, numbers are not, and text that a spreadsheet would take for a formula
                  (starting with = + - @, a tab or a carriage return) starts with an apostrophe
- schemas/        JSON Schemas (draft 2020-12) describing each JSON file

How to cite
{citation}
"""


def export_files(compendium: Compendium, settings: SiteSettings, edition: Edition) -> dict[str, str | bytes]:
    """The open-data files by path under docs/."""
    licence = compendium.licence
    # The licence is the compendium's to state: where it states none, the files say so and assume none.
    head = {"edition": {"date": edition.date, "commit": edition.commit},
            "licence": (licence.spdx or licence.name) if licence else None}
    ratings = schema("claim")["$defs"]["rating"]["x-rating-values"]
    # Reader text as the reader reads it: a linked figure is its figure alone, without the notation.
    claims = [{**plain_record(c.record, "claim"), "id": c.id, "url": settings.page_url(f"claims/{c.id}")}
              for c in compendium.claims.values()]
    evidence = [{**plain_record(e.record, "evidence"), "id": e.id, "url": settings.page_url(f"evidence/{e.id}"),
                 "used_by": list(compendium.backlinks.claims_by_evidence.get(e.id, ()))}
                for e in compendium.evidence.values()]
    rows = []
    for c in compendium.claims.values():
        stances = [link.stance for link in c.evidence]
        rows.append([c.id, c.title, c.claimant, c.date, c.rating, ratings[c.rating], c.statement,
                     c.source.ref, c.source.locator, c.source.verification, stances.count("supports"),
                     stances.count("contradicts"), stances.count("qualifies"), ";".join(c.topics),
                     settings.page_url(f"claims/{c.id}")])
    used_by = {"used_by": {"type": "array", "items": {"type": "string"},
                           "description": "The ids of the claims this evidence bears on."}}
    files: dict[str, str | bytes] = {
        "claims.json": _dump({**head, "claims": claims}),
        "evidence.json": _dump({**head, "evidence": evidence}),
        "references.json": _dump([ref.csl for ref in compendium.references.values()]),
        "claims.csv": csv_table(CSV_COLUMNS, rows),
        "schemas/claims.schema.json": _dump(_export_schema("claim", "claims", _ADDED, "Claims")),
        "schemas/evidence.schema.json": _dump(_export_schema("evidence", "evidence", {**_ADDED, **used_by},
                                                              "Evidence items")),
        "schemas/common.schema.json": _dump(schema("common")),
        "schemas/references.schema.json": _dump(REFERENCES_SCHEMA),
        "README.txt": README.format(name=settings.site_name, underline="=" * (len(settings.site_name) + 12),
                                    edition=edition.label, licence=_licence_line(licence),
                                    citation=f"{settings.site_name}, edition {edition.label}. "
                                             f"{settings.site_url or ''}".strip()),
    }
    files[ZIP_NAME] = _zip(files)
    return {f"{FOLDER}/{name}": content for name, content in files.items()}


def _licence_line(licence: Licence | None) -> str:
    if licence is None:
        return "none is stated"
    # The address on a line of its own, set off by a space, so that a reader's program links it whole.
    return f"{licence.name},\n{licence.url} " if licence.url else licence.name


def _zip(files: dict[str, str | bytes]) -> bytes:
    # Fixed times and order: the same data gives the same bytes.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            content = files[name]
            archive.writestr(info, content if isinstance(content, bytes) else content.encode("utf-8"))
    return out.getvalue()

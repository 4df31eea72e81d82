"""The real record, built once: it builds strict, nothing in the repository is lost on the way to the
site, the search index, the data files and the PDF, and two builds give the same bytes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from pypdf import PdfReader

from compendium.pipeline import build

from conftest import REPO, copy_sample


def _ids(folder: str) -> list[str]:
    return sorted(p.stem for p in (REPO / folder).glob("*.yml"))


def _bib_keys() -> list[str]:
    return sorted(re.findall(r"^@\w+\{([^,\s]+),", (REPO / "references.bib").read_text("utf-8"), re.M))


def test_real_record_builds_a_page_for_everything(real_site: Path) -> None:
    assert _ids("claims") and _ids("evidence")
    for folder in ("claims", "evidence"):
        for item in _ids(folder):
            assert (real_site / folder / item / "index.html").is_file(), f"{folder}/{item}"
    references = (real_site / "references" / "index.html").read_text("utf-8")
    for key in _bib_keys():
        assert f'id="ref-{re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")}"' in references, key


def test_nothing_is_lost_in_search_data_or_pdf(real_site: Path) -> None:
    claims, evidence, keys = _ids("claims"), _ids("evidence"), _bib_keys()
    index = json.loads((real_site / "search" / "search_index.json").read_text("utf-8"))
    pages = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert {f"claims/{c}/" for c in claims} <= pages
    assert {f"evidence/{e}/" for e in evidence} <= pages
    data = real_site / "data"
    assert sorted(c["id"] for c in json.loads((data / "claims.json").read_text())["claims"]) == claims
    assert sorted(e["id"] for e in json.loads((data / "evidence.json").read_text())["evidence"]) == evidence
    assert sorted(r["id"] for r in json.loads((data / "references.json").read_text())) == keys
    reader = PdfReader(real_site / "compendium.pdf")
    outline_titles: list[str] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                outline_titles.append(" ".join(item.title.split()))

    walk(reader.outline)
    for claim in claims:
        title = " ".join(yaml.safe_load((REPO / "claims" / f"{claim}.yml").read_text())["title"].split())
        assert any(title in t for t in outline_titles), f"no bookmark for claim {claim}"
    for item in evidence:
        title = " ".join(yaml.safe_load((REPO / "evidence" / f"{item}.yml").read_text())["title"].split())
        assert any(title in t for t in outline_titles), f"no bookmark for evidence {item}"


def test_two_builds_give_the_same_bytes(tmp_path: Path) -> None:
    sites = []
    for name in ("first", "second"):
        root = copy_sample(tmp_path / name)
        result = build(root)
        assert result.site_ok, result.site_output
        sites.append(root / "site")
    first = {p.relative_to(sites[0]).as_posix(): p.read_bytes() for p in sites[0].rglob("*") if p.is_file()}
    second = {p.relative_to(sites[1]).as_posix(): p.read_bytes() for p in sites[1].rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    differ = sorted(name for name in first if first[name] != second[name])
    assert differ == [], f"files that differ between two builds: {differ}"

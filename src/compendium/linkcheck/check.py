"""`compendium check-links`: the built site's internal links and anchors (internal_links.py), or with
--external every URL of references.bib and the hand-written pages (external_links.py), cached
(link_cache.py) and judged (link_report.py). Each run gives diagnostics, a summary line, and a report
for machines (written as JSON with --json).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from compendium.diagnostics import Report
from compendium.linkcheck import cache as link_cache
from compendium.linkcheck.external import CheckSettings, check_urls
from compendium.linkcheck.internal import LinkCheckError, check_site, site_layout
from compendium.linkcheck.report import diagnostics, judge_all, summary, to_json
from compendium.linkcheck.sources import collect_links

__all__ = ["CheckOutcome", "LinkCheckError", "check_external", "check_internal"]


@dataclass(frozen=True)
class CheckOutcome:
    report: Report
    summary: str
    data: dict[str, Any]  # the report for machines


def check_internal(root: Path, site_dir: Path) -> CheckOutcome:
    """The site built in site_dir, served as its site_url says, checked for broken links and anchors."""
    prefix, docs_dir = site_layout(root)
    result = check_site(site_dir, docs_dir, prefix)
    label = site_dir.name
    report = Report([broken.diagnostic(label) for broken in result.broken])
    anchors = sum(b.kind == "anchor" for b in result.broken)
    text = (f"internal links: {result.pages} pages checked: {len(result.broken) - anchors} broken link(s), "
            f"{anchors} broken anchor(s)")
    data = {"kind": "internal", "pages": result.pages,
            "broken": [{**asdict(b), "page": f"{label}/{b.page}"} for b in result.broken]}
    return CheckOutcome(report, text, data)


def check_external(root: Path, settings: CheckSettings, cache_path: Path, cache_hours: float) -> CheckOutcome:
    """Every external URL, checked unless the cache holds a result younger than cache_hours."""
    _, docs_dir = site_layout(root)
    links, problems = collect_links(root, docs_dir)
    urls = list(dict.fromkeys([link.url for link in links] + [link.archive for link in links if link.archive]))
    now, lifetime = time.time(), cache_hours * 3600
    cached = link_cache.load_fresh(cache_path, lifetime, now)
    results = {url: cached[url] for url in urls if url in cached}
    results.update(check_urls([url for url in urls if url not in cached], settings))
    link_cache.save(cache_path, results, lifetime, now)
    findings = judge_all(links, results)
    report = Report([*problems, *diagnostics(findings)])
    data = to_json(findings, {**asdict(settings), "cache_file": str(cache_path), "cache_hours": cache_hours})
    return CheckOutcome(report, summary(findings), data)

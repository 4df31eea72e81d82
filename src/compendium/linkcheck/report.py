"""What the external link check found, judged: an error, a warning or fine, for each link and source.

A broken or unreachable link is an error, except where the reference that gives it also gives an
archived copy that still answers: the reader can still reach the source, so it is a warning. A link
that moved for good, or a server that refuses automatic checks, is a warning. Each problem is named
at every place the link is written (file, line, and the reference and field).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from compendium.diagnostics import Diagnostic, Severity
from compendium.linkcheck.external import BLOCKED, BROKEN, OK, OUTCOMES, REDIRECTED, UNREACHABLE, LinkResult
from compendium.linkcheck.sources import ExternalLink

_LIVE = (OK, REDIRECTED)


@dataclass(frozen=True)
class Finding:
    link: ExternalLink
    result: LinkResult
    severity: Severity | None  # None: the link is fine
    message: str
    hint: str
    archive: LinkResult | None  # the result for the link's archived copy, if it has one


def _why(result: LinkResult) -> str:
    return result.error or f"HTTP {result.status}"


def judge(link: ExternalLink, result: LinkResult, archive: LinkResult | None) -> Finding:
    archived = any(s.field == "archiveurl" for s in link.sources)
    what = "archived copy" if archived else "link"
    if result.outcome == OK:
        return Finding(link, result, None, "", "", archive)
    if result.outcome == REDIRECTED:
        return Finding(link, result, "warning", f"{what} {link.url} has moved permanently to {result.moved_to}",
                       "check it is the same document, then write its new address", archive)
    if result.outcome == BLOCKED:
        return Finding(link, result, "warning", f"{what} {link.url} could not be checked: {_why(result)}",
                       "open it in a browser to confirm it still shows the source", archive)
    state = "broken" if result.outcome == BROKEN else "unreachable"
    message = f"{state} {what} {link.url}: {_why(result)}"
    if archive is not None and archive.outcome in _LIVE:
        return Finding(link, result, "warning", message + "; its archived copy still answers",
                       f"readers can use the archived copy {link.archive}; find where the page moved, if it did",
                       archive)
    if archive is not None:
        hint = f"its archived copy {link.archive} does not answer either ({_why(archive)}); find another copy"
    elif archived:
        hint = "find another archived copy of the page, or remove archiveurl"
    elif any(s.reference for s in link.sources):
        hint = "find where the page moved; where an archived copy exists (e.g. the Wayback Machine's), give it " \
               "in archiveurl = {...}"
    else:
        hint = "fix or remove the link"
    return Finding(link, result, "error", message, hint, archive)


def judge_all(links: list[ExternalLink], results: dict[str, LinkResult]) -> list[Finding]:
    return [judge(link, results[link.url], results.get(link.archive) if link.archive else None) for link in links]


def diagnostics(findings: list[Finding]) -> list[Diagnostic]:
    """One diagnostic for each problem at each place its link is written."""
    return [Diagnostic(source.file, source.line, 1, f"{f.message} ({source.describe()})", f.hint, f.severity)
            for f in findings if f.severity is not None for source in f.link.sources]


def summary(findings: list[Finding]) -> str:
    counts = {outcome: sum(f.result.outcome == outcome for f in findings) for outcome in OUTCOMES}
    cached = sum(f.result.from_cache for f in findings)
    return (f"external links: {len(findings)} checked ({cached} from the cache): " +
            ", ".join(f"{counts[o]} {o}" for o in (OK, REDIRECTED, BLOCKED, BROKEN, UNREACHABLE)))


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def to_json(findings: list[Finding], settings: dict[str, Any]) -> dict[str, Any]:
    """The report for machines: every link, its outcome and verdict, and where it is written."""
    links = []
    for f in findings:
        r = f.result
        links.append({
            "url": f.link.url, "outcome": r.outcome, "severity": f.severity, "message": f.message, "hint": f.hint,
            "status": r.status, "final_url": r.final_url, "moved_to": r.moved_to,
            "redirects": [{"url": hop.url, "status": hop.status} for hop in r.redirects],
            "error": r.error, "attempts": r.attempts, "checked_at": _iso(r.checked_at), "from_cache": r.from_cache,
            "archive": {"url": f.link.archive, "outcome": f.archive.outcome} if f.archive else None,
            "sources": [{"file": s.file, "line": s.line, "reference": s.reference, "field": s.field}
                        for s in f.link.sources],
        })
    counts: dict[str, int] = {o: sum(f.result.outcome == o for f in findings) for o in OUTCOMES}
    return {
        "kind": "external", "generated_at": _iso(time.time()), "settings": settings,
        "summary": {"links": len(findings), "from_cache": sum(f.result.from_cache for f in findings), **counts,
                    "errors": sum(f.severity == "error" for f in findings),
                    "warnings": sum(f.severity == "warning" for f in findings)},
        "links": links,
    }

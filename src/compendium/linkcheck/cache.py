"""The cache of external link results, so that a run within the cache's lifetime asks no host again.

One JSON file (by default paths.LINK_CACHE, git-ignored), holding each URL's last result and when it
was checked. An entry older than the lifetime is checked again. A cache that cannot be read is not an
error: the links are simply checked again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

from compendium.files import read_record, write_file
from compendium.linkcheck.external import OUTCOMES, Hop, LinkResult

_FORMAT = 1
_STORED = {f.name for f in fields(LinkResult)} - {"from_cache"}


def _result(url: str, data: Any) -> LinkResult | None:
    if not isinstance(data, dict) or data.get("outcome") not in OUTCOMES or set(data) != _STORED:
        return None
    try:
        hops = tuple(Hop(str(h["url"]), int(h["status"])) for h in data["redirects"])
        return LinkResult(**{**data, "url": url, "redirects": hops, "checked_at": float(data["checked_at"])})
    except (KeyError, TypeError, ValueError):
        return None


def _read(path: Path) -> dict[str, LinkResult]:
    data = read_record(path, {"format": int, "results": dict})
    if data is None or data["format"] != _FORMAT:
        return {}
    results = {url: _result(url, entry) for url, entry in data["results"].items()}
    return {url: result for url, result in results.items() if result is not None}


def load_fresh(path: Path, lifetime: float, now: float) -> dict[str, LinkResult]:
    """The cached results checked less than lifetime seconds before now, marked as from the cache."""
    if lifetime <= 0:
        return {}
    return {url: replace(result, from_cache=True) for url, result in _read(path).items()
            if 0 <= now - result.checked_at < lifetime}


def save(path: Path, results: dict[str, LinkResult], lifetime: float, now: float) -> None:
    """Add the new results to the cache, dropping what has expired; written whole or not at all."""
    if lifetime <= 0:
        return
    kept = {url: r for url, r in _read(path).items() if 0 <= now - r.checked_at < lifetime}
    kept.update({url: r for url, r in results.items() if not r.from_cache})
    stored = {url: {k: v for k, v in asdict(r).items() if k in _STORED} for url, r in sorted(kept.items())}
    write_file(path, json.dumps({"format": _FORMAT, "results": stored}, indent=1))

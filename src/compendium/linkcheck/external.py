"""External links: does each URL still answer, and where does it lead? Checked over HTTP with httpx.

Politeness and patience, because a CI job must not hammer the hosts it checks and must not cry wolf:
- many links at once, but at most `per_host` requests to any one host at a time;
- a timeout on every request; a failed connection, a timeout, 429 (too many requests) and any 5xx
  answer are tried again after a growing wait (or the wait the server asks for in Retry-After);
- redirects are followed one hop at a time, so that each is seen: a permanent one (301, 308) at the
  start of the chain means the link has moved, and the report says where to;
- each link is fetched with GET (some servers answer HEAD wrongly) and only its headers are read.

Outcomes: ok; redirected (moved for good: update the link); blocked (401 or 403: the server refuses
automatic checks, so a person must look); broken (another 4xx, a redirect loop, or not a web address);
unreachable (no answer, or still 429 or 5xx after every retry).
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

import httpx

from compendium import __version__

OK, REDIRECTED, BLOCKED, BROKEN, UNREACHABLE = "ok", "redirected", "blocked", "broken", "unreachable"
OUTCOMES = (OK, REDIRECTED, BLOCKED, BROKEN, UNREACHABLE)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_BLOCKED = frozenset({401, 403})
USER_AGENT = f"compendium-link-check/{__version__} (checks the sources an evidence compendium cites)"


@dataclass(frozen=True)
class CheckSettings:
    timeout: float = 20.0  # seconds for each of connecting, sending and waiting for the answer
    retries: int = 3  # further tries after a failed connection, a timeout, 429 or 5xx
    backoff: float = 2.0  # seconds before the first retry; doubled for each next one
    max_wait: float = 60.0  # the longest wait between tries, whatever Retry-After asks for
    per_host: int = 2  # requests at once to any one host
    concurrency: int = 16  # requests at once in all
    max_redirects: int = 10
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Hop:
    """One redirect: the URL that answered, and its status."""

    url: str
    status: int


@dataclass(frozen=True)
class LinkResult:
    url: str
    outcome: str  # one of OUTCOMES
    status: int | None = None  # the last HTTP status received
    final_url: str = ""  # where the redirects ended
    moved_to: str = ""  # where the link lives now, when a permanent redirect says so
    redirects: tuple[Hop, ...] = ()
    error: str = ""  # why there was no answer, or what was wrong with it
    attempts: int = 1
    checked_at: float = 0.0  # seconds since the epoch
    from_cache: bool = False


def retry_after(value: str | None, now: float) -> float | None:
    """The wait a Retry-After header asks for, in seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class _HostLimits:
    """At most per_host requests at once to each host, and concurrency in all."""

    def __init__(self, settings: CheckSettings) -> None:
        self._per_host = settings.per_host
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._all = asyncio.Semaphore(settings.concurrency)

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        host = (urlsplit(url).hostname or "").lower()
        host_slot = self._hosts.setdefault(host, asyncio.Semaphore(self._per_host))
        # The host's slot first: a task waiting for a busy host then holds none of the shared ones.
        async with host_slot, self._all:
            yield


def _retryable(result: LinkResult) -> bool:
    return result.outcome == UNREACHABLE and (result.status is None or result.status == 429 or result.status >= 500)


def _classify(url: str, status: int, hops: list[Hop], final_url: str) -> LinkResult:
    moved_to = ""
    for i, hop in enumerate(hops):  # the permanent redirects at the start of the chain
        if hop.status not in _PERMANENT:
            break
        moved_to = hops[i + 1].url if i + 1 < len(hops) else final_url
    answered = LinkResult(url, OK, status=status, final_url=final_url, redirects=tuple(hops))
    if 200 <= status < 300:
        return replace(answered, outcome=REDIRECTED, moved_to=moved_to) if moved_to else answered
    if status in _BLOCKED:
        return replace(answered, outcome=BLOCKED, error=f"HTTP {status}: the server refuses automatic checks")
    if status == 429 or status >= 500:
        return replace(answered, outcome=UNREACHABLE, error=f"HTTP {status}")
    return replace(answered, outcome=BROKEN, error=f"HTTP {status}")


async def _fetch(client: httpx.AsyncClient, limits: _HostLimits, url: str,
                 settings: CheckSettings) -> tuple[LinkResult, float | None]:
    """One try: the URL, following its redirects hop by hop. Also the wait a 429 or 503 asked for."""
    hops: list[Hop] = []
    current, seen = url, {url}
    while True:
        try:
            async with limits.slot(current), client.stream("GET", current) as response:
                status, location = response.status_code, response.headers.get("location")
                wait = retry_after(response.headers.get("retry-after"), time.time())
        except httpx.TimeoutException:
            return LinkResult(url, UNREACHABLE, error=f"no answer within {settings.timeout:g} s",
                              redirects=tuple(hops)), None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:  # the text of a .bib is untrusted
            return LinkResult(url, BROKEN, error=f"not a web address that can be fetched: {exc}"), None
        except httpx.HTTPError as exc:
            why = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            return LinkResult(url, UNREACHABLE, error=why, redirects=tuple(hops)), None
        if status in _REDIRECTS and location:
            hops.append(Hop(current, status))
            current = urljoin(current, location)
            if current in seen or len(hops) > settings.max_redirects:
                why = "redirect loop" if current in seen else f"more than {settings.max_redirects} redirects"
                return LinkResult(url, BROKEN, status=status, error=why, redirects=tuple(hops)), None
            seen.add(current)
            continue
        return _classify(url, status, hops, current), wait


async def _check_one(client: httpx.AsyncClient, limits: _HostLimits, url: str,
                     settings: CheckSettings) -> LinkResult:
    attempt = 1
    while True:
        result, asked = await _fetch(client, limits, url, settings)
        if not _retryable(result) or attempt > settings.retries:
            return replace(result, attempts=attempt, checked_at=time.time())
        wait = asked if asked is not None else settings.backoff * 2 ** (attempt - 1)
        await asyncio.sleep(min(wait, settings.max_wait))
        attempt += 1


async def check_urls_async(urls: Iterable[str], settings: CheckSettings) -> dict[str, LinkResult]:
    unique = list(dict.fromkeys(urls))
    if not unique:
        return {}
    timeout = httpx.Timeout(settings.timeout)
    limits = _HostLimits(settings)
    pool = httpx.Limits(max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency)
    headers = {"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml,application/pdf,*/*"}
    async with httpx.AsyncClient(timeout=timeout, limits=pool, headers=headers, follow_redirects=False) as client:
        results = await asyncio.gather(*(_check_one(client, limits, url, settings) for url in unique))
    return dict(zip(unique, results, strict=True))


def check_urls(urls: Iterable[str], settings: CheckSettings | None = None) -> dict[str, LinkResult]:
    """Each URL's outcome, checked concurrently within the per-host limit."""
    check = check_urls_async(urls, settings or CheckSettings())
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(check)
    # Called where an event loop already runs (a notebook, a test beside Playwright): a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, check).result()

"""Check each distinct URL once, for a whole run: the session, its caches, and the calls.

One run = one fetcher (``client.open_client``), one :class:`Guard`, one :class:`Gate` that
holds the global and per-host-name semaphores, one network watch and one set of site probes.
Every distinct key is a task; results come back in first-seen order. A bad link is a value:
nothing a server does raises out of :func:`check_urls` (only a missing or malformed cassette
does). How one link is walked and judged is ``check/walk.py``.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol, TypeVar

from auditor.check import client
from auditor.check.client import Answer, FetchError, Transport
from auditor.check.gate import Gate
from auditor.check.guard import Guard, Resolver, system_resolver
from auditor.check.netwatch import NETWORK_UNREACHABLE
from auditor.check.probe import ProbeCache, SiteProbes
from auditor.check.walk import Sleep, Trace, Walk, check_budget, make_result
from auditor.models import UNCACHED_STATUSES, CheckOptions, CheckResult, Status
from auditor.urls import BadURL, check_key, normalise

__all__ = [
    "CheckSession", "Checked", "ResultCache", "check_all", "check_budget", "check_run", "check_urls",
    "distinct_keys", "key_of", "run_sync",
]  # fmt: skip
T = TypeVar("T")


class ResultCache(Protocol):
    """What the store offers the checker: a fresh cached result by key, and a place to put one."""

    def get(self, key: str) -> CheckResult | None: ...
    def put(self, result: CheckResult) -> None: ...


@lru_cache(maxsize=16384)
def key_of(raw: str) -> tuple[str, str | None]:
    """The check key of a URL as written, and why it is invalid (or None).

    Cached: callers key their URLs before checking them (to find a result's articles) and
    the checker keys them again; a key is its own key, so the second call is a lookup.
    """
    try:
        return check_key(normalise(raw)), None
    except (BadURL, ValueError) as exc:
        return raw.strip(), f"invalid URL: {exc}"


def distinct_keys(urls: Sequence[str]) -> dict[str, str | None]:
    """Each distinct check key in first-seen order, mapped to why it is invalid (or None)."""
    keys: dict[str, str | None] = {}
    for raw in urls:
        key, why = key_of(raw)
        keys.setdefault(key, why)
    return keys


DONE_MAX = 200_000  # results a session keeps in memory (about 0.5 KB each)


class CheckSession:
    """One client, one guard and one gate for a whole run, shared by every caller.

    A batch checks many chunks of articles: with one session the per-host limits hold across
    all of them, several chunks can be checked at once, and a URL that two callers ask for
    while it is in flight is fetched once (the second caller awaits the first's result).
    """

    def __init__(
        self,
        options: CheckOptions,
        *,
        transport: Transport | None = None,
        cache: ResultCache | None = None,
        sleep: Sleep | None = None,
        resolver: Resolver | None = None,
        on_checked: Callable[[CheckResult], None] | None = None,
        probes: ProbeCache | None = None,
        recall: Callable[[str], CheckResult | None] | None = None,
        done_max: int = DONE_MAX,
    ) -> None:
        """``recall``: this run's result for a key that has left the recent results (a
        batch keeps them in its database), so a repeat is never fetched again; with it,
        ``done_max`` can be small and the session's memory flat in the number of URLs."""
        self.options = options
        self.on_checked = on_checked  # each result the session produced (not a repeat answer)
        live = transport is None and not options.replay
        self._guard = Guard(
            allow_private=options.allow_private,
            allow_link_local=options.allow_link_local,
            resolver=resolver or (system_resolver if live else None),
        )
        self._transport = transport
        self._cache = cache if (cache is not None and not options.replay and not options.recheck) else None
        self._store = cache if (cache is not None and not options.replay) else None
        self._sleep = sleep or asyncio.sleep
        self._probe_cache = probes if not options.replay else None  # a replay writes nothing
        self._published: dict[str, str] = {}
        self._inflight: dict[str, asyncio.Future[CheckResult]] = {}
        self._done: OrderedDict[str, CheckResult] = OrderedDict()  # recent results, bounded
        self._done_max = done_max
        self._recall = recall
        self._stack = AsyncExitStack()
        self._run: Walk | None = None

    async def __aenter__(self) -> CheckSession:
        if not self.options.offline:
            http = await self._stack.enter_async_context(
                client.open_client(self.options, self._guard, self._transport)
            )
            gate = Gate(self.options, self._sleep)
            run = self._run = Walk(self.options, http, self._guard, gate, self._sleep, self._published)
            if self.options.probe:
                run.probes = SiteProbes(run.send_probe, self._probe_cache, read=not self.options.recheck)
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Checks still in flight (a caller was cancelled, the batch is stopping) are cancelled
        # before the client closes: a closed client would turn them into false connection
        # errors, and the cache would keep those for the next run.
        pending = list(self._inflight.values())
        for future in pending:
            future.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._run is not None and self._run.probes is not None:
            await self._run.probes.close()
        await self._stack.aclose()

    async def check(
        self,
        urls: Sequence[str],
        *,
        published: Mapping[str, str] | None = None,
        on_result: Callable[[CheckResult], None] | None = None,
    ) -> list[CheckResult]:
        """One ``CheckResult`` per distinct check key, in first-seen order."""
        self._published.update(published or {})
        keys = distinct_keys(urls)
        futures = [self._future(key, why) for key, why in keys.items()]
        # Awaited one by one, each shielded (a cancelled caller must not cancel a check that
        # another caller shares): one shield at a time instead of a shield and a gather
        # callback per URL; the checks themselves all run at once regardless.
        results = [f.result() if f.done() else await asyncio.shield(f) for f in futures]
        if self.network_down:
            results = [self._unreachable(r) for r in results]
        for result in results:
            if on_result:
                on_result(result)
        return results

    @property
    def network_down(self) -> str | None:
        """Why the network looks unreachable (then links are ``unchecked``), or None."""
        return self._run.watch.down if self._run is not None else None

    def _unreachable(self, result: CheckResult) -> CheckResult:
        """A link that failed with nothing answering, once the network is known to be down:
        not dead, not a timeout, but unchecked (and so never cached)."""
        assert self._run is not None
        if result.url not in self._run.suspect:
            return result
        changed = replace(result, status=Status.UNCHECKED, reason=NETWORK_UNREACHABLE, http_status=None)
        if result.url in self._done:
            self._done[result.url] = changed
        return changed

    async def fetch_page(self, url: str, *, for_quotes: bool = False) -> tuple[Answer, str] | CheckResult:
        """Follow ``url`` to its final answer, body included (for an article given as a URL,
        or with ``for_quotes`` a page a quote is looked up in, under ``quote_max_body``).

        The same guard, redirects, retries and cassettes as link checks. Raises ``Refused``,
        ``FetchError`` (``timeout`` when its time budget runs out) or ``HostTooSlow``; a walk that
        ends early is its ``CheckResult``.
        """
        if self._run is None:
            raise FetchError("offline", "no network with --offline")
        options = self._run.page_options if for_quotes else None
        trace = Trace(budget=self.options.timeout * 3, options=options)
        return await self._run.chase(url, trace, lambda code, _ct: code == 200)

    def want_pages(self, keys: Iterable[str]) -> None:
        """Keep the final answer of these check keys when they are checked, for :meth:`take_page`.

        Such a key is checked afresh (the cache cannot give its page back), with GET and the
        larger ``quote_max_body`` cap: the check is the one request its page costs.
        """
        if self._run is not None:
            self._run.wanted.update(keys)
            self._run.keep_recent = True

    def take_page(self, key: str) -> tuple[Answer, str] | None:
        """The kept final answer and URL of a key checked in this session: a wanted key's,
        or one of the last pages read (read under ``max_body``: see ``truncated``)."""
        return None if self._run is None else self._run.take(key)

    def _future(self, key: str, invalid: str | None) -> asyncio.Future[CheckResult]:
        found = self._inflight.get(key)
        done = self._done.get(key) if found is None else None
        if done is None and found is None and self._recall is not None:
            done = self._recall(key)
        if done is not None:
            found = asyncio.get_running_loop().create_future()
            found.set_result(done)
        elif found is None:
            found = asyncio.ensure_future(self._check_one(key, invalid))
            self._inflight[key] = found
            found.add_done_callback(lambda _f: self._inflight.pop(key, None))
        return found

    async def _check_one(self, key: str, invalid: str | None) -> CheckResult:
        fresh = self._run is not None and key in self._run.wanted  # its page is wanted
        hit = self._cache.get(key) if self._cache is not None and not invalid and not fresh else None
        if hit is not None:  # offline too: the last real check, with its date, beats "unchecked"
            result = hit  # answered by an earlier run: not a new row of history
        elif self._run is None:
            result = make_result(
                key, Status.INVALID_URL if invalid else Status.UNCHECKED, invalid or "offline"
            )
        else:
            result = await _one(self._run, key, invalid, None)
            if self._store is not None and result.requests and result.status not in UNCACHED_STATUSES:
                self._store.put(result)
        self._done[key] = result
        self._published.pop(key, None)  # its archive lookup is done: memory stays flat
        while len(self._done) > self._done_max:  # oldest out; a store cache (or recall) answers for them
            self._done.popitem(last=False)
        if self.on_checked:
            self.on_checked(result)
        return result


async def check_urls(
    urls: Sequence[str],
    options: CheckOptions,
    *,
    transport: Transport | None = None,
    published: Mapping[str, str] | None = None,
    cache: ResultCache | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
    sleep: Sleep | None = None,
    resolver: Resolver | None = None,
) -> list[CheckResult]:
    """One ``CheckResult`` per distinct check key, in first-seen order (``result.url`` is the key).

    ``transport`` replaces the network (tests); ``sleep`` and ``resolver`` replace back-off
    sleeping and DNS (tests). Names are resolved (and vetted) only on the real network path
    or with an explicit ``resolver``: never when replaying a cassette.
    """
    session = CheckSession(options, transport=transport, cache=cache, sleep=sleep, resolver=resolver)
    async with session:
        return await session.check(urls, published=published, on_result=on_result)


async def _one(run: Walk, key: str, invalid: str | None, cache: ResultCache | None) -> CheckResult:
    if invalid:
        return make_result(key, Status.INVALID_URL, invalid)
    if cache is not None:
        hit = cache.get(key)
        if hit is not None:
            return hit
    try:
        return await run.check(key)
    except Exception as exc:  # a checker bug must not sink the run: report it on the link
        return make_result(key, Status.UNCHECKED, f"checker error: {type(exc).__name__}: {exc}"[:300])


@dataclass(frozen=True, slots=True)
class Checked:
    """A whole run's results, and why the network looked unreachable (then links are unchecked)."""

    results: list[CheckResult]
    network_down: str | None = None


def check_run(
    urls: Sequence[str],
    options: CheckOptions,
    *,
    transport: Transport | None = None,
    published: Mapping[str, str] | None = None,
    cache: ResultCache | None = None,
    probes: ProbeCache | None = None,
) -> Checked:
    """One session over ``urls``, run to its end (for the CLI and the pipeline)."""

    async def run() -> Checked:
        async with CheckSession(options, transport=transport, cache=cache, probes=probes) as session:
            results = await session.check(urls, published=published)
            return Checked(results, session.network_down)

    return run_sync(run())


def check_all(
    urls: Sequence[str],
    options: CheckOptions,
    *,
    transport: Transport | None = None,
    published: Mapping[str, str] | None = None,
    cache: ResultCache | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
) -> list[CheckResult]:
    """``asyncio.run`` around :func:`check_urls`, for the CLI (same keyword arguments)."""
    return run_sync(
        check_urls(urls, options, transport=transport, published=published, cache=cache, on_result=on_result)
    )


def run_sync(coro: Coroutine[object, object, T]) -> T:
    """Run one coroutine to its end, on uvloop where it is installed: the default loop's
    Python-level scheduling and transports cost about a fifth more CPU per request."""
    try:
        import uvloop
    except ImportError:  # not on Windows, or not installed: the standard loop does the same work
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)

"""Check each distinct URL once: redirects by hand, polite limits, retries, a status per URL.

One run = one fetcher (``client.open_client``), one :class:`Guard`, one :class:`Gate` that
holds the global and per-host-name semaphores. Every distinct key is a task in one task
group; results come back in first-seen order. A bad link is a value: nothing a server does
raises out of :func:`check_urls` (only a missing or malformed cassette does).

Method choice: GET first for pages, HEAD first for file-like URLs (``.pdf``, ``.zip``...).
"HEAD first" everywhere would cost two requests per HTML page, because soft-404, parking and
bot-wall detection need the body; a streamed GET that stops at ``max_body`` costs one. A HEAD
that answers 400/403/405/500/501 or a 200 page falls back to GET.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Protocol, TypeVar
from urllib.parse import urljoin, urlsplit

from auditor.check import archive, client, softpage, status
from auditor.check.client import Answer, FetchError, Transport
from auditor.check.gate import Gate, HostTooSlow
from auditor.check.guard import DNSFailure, Guard, Refused, Resolver, system_resolver
from auditor.models import CheckOptions, CheckResult, Hop, Status
from auditor.urls import DEFAULT_PORTS, BadURL, check_key, normalise

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")
BACKOFF_BASE = 0.5  # seconds; doubled per attempt, plus up to 50 % jitter
_FILE_EXT = (".pdf", ".zip", ".gz", ".mp4", ".mp3", ".mov", ".avi", ".jpg", ".jpeg", ".png", ".gif", ".webp",
             ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".csv", ".epub", ".tar", ".7z", ".iso", ".exe")  # fmt: skip
_HEAD_FALLBACK = frozenset({400, 403, 405, 500, 501})
_KIND_STATUS = {
    "timeout": Status.TIMEOUT,
    "dns": Status.DNS_ERROR,
    "tls": Status.TLS_ERROR,
    "connect": Status.CONNECTION_ERROR,
    "protocol": Status.CONNECTION_ERROR,
    "not-in-cassette": Status.UNCHECKED,
    "invalid": Status.INVALID_URL,
}


class ResultCache(Protocol):
    """What the store offers the checker: a fresh cached result by key, and a place to put one."""

    def get(self, key: str) -> CheckResult | None: ...
    def put(self, result: CheckResult) -> None: ...


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@lru_cache(maxsize=4096)
def _parts(url: str) -> tuple[str, str, int]:
    """Host, lower-cased path and port of a URL: each request asks for them several times
    (gate, guard, method), and urlsplit is pure Python."""
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS.get(parts.scheme, 80)
    return (parts.hostname or "").lower(), parts.path.lower(), port


def first_method(url: str) -> str:
    return "HEAD" if _parts(url)[1].endswith(_FILE_EXT) else "GET"


def _host(url: str) -> str:
    try:
        return _parts(url)[0]
    except ValueError:
        return ""


@dataclass
class _Trace:
    """What one check did: its requests, its hops, and the time its own requests used.

    ``budget`` is the check's total time in requests and back-off sleeps. It is spent only
    while the link is on the wire or backing off, never while it waits for a slot: a link
    at the back of a long per-host queue has its whole budget when its turn comes.
    """

    budget: float
    requests: int = 0
    spent: float = 0.0
    hops: list[Hop] = field(default_factory=list)
    options: CheckOptions | None = None  # this check's own options (a larger body cap)

    def left(self) -> float:
        if self.spent >= self.budget:
            raise FetchError("timeout", f"gave up after {self.spent:.0f} s in {self.requests} requests")
        return self.budget - self.spent


def check_budget(options: CheckOptions) -> float:
    """A check's total request time: a few slow hops, plus every retry's longest wait."""
    return options.timeout * 3 + options.retries * (options.max_retry_after + BACKOFF_BASE * 4)


@dataclass
class _Run:
    options: CheckOptions
    http: client.Fetcher
    guard: Guard
    gate: Gate
    sleep: Sleep
    published: Mapping[str, str]
    vetted: set[tuple[str, int]] = field(default_factory=set)
    # Pages a caller will read after the check (quotes looked up at their source): their
    # final answer is kept, read up to the larger ``quote_max_body`` cap, until taken.
    wanted: set[str] = field(default_factory=set)
    pages: dict[str, tuple[Answer, str]] = field(default_factory=dict)
    # The last pages read with GET, whoever wanted them, within RECENT_BYTES: a batch's
    # later chunk may quote a page an earlier one only linked, and it costs no new request.
    recent: OrderedDict[str, tuple[Answer, str]] = field(default_factory=OrderedDict)
    recent_bytes: int = 0
    keep_recent: bool = False  # once a caller wants pages at all

    def __post_init__(self) -> None:
        self.page_options = replace(
            self.options, max_body=max(self.options.max_body, self.options.quote_max_body)
        )

    async def request(self, trace: _Trace, method: str, url: str, body: client.BodyWanted | None) -> Answer:
        """One request with retries: connection errors, 429 and 503 (``Retry-After`` honoured)."""
        opts = self.options
        for attempt in range(opts.retries + 1):
            wait = BACKOFF_BASE * 2**attempt * (1 + random.random() / 2)
            try:
                host = _host(url)
                await self.gate.enter(host)
                try:
                    answer = await self._timed(trace, method, url, body)
                finally:
                    self.gate.leave(host)
            except FetchError as exc:
                if exc.kind != "connect" or attempt == opts.retries:
                    raise
            else:
                if answer.status not in (429, 503) or attempt == opts.retries:
                    return answer
                if answer.status == 503 and answer.body and softpage.judge(answer.text()):
                    return answer  # a challenge page: asking again will not help
                wait = retry_after(answer.headers.get("retry-after")) or wait
            pause = min(wait, opts.max_retry_after, trace.left())
            trace.spent += pause
            if not opts.replay:  # a cassette answers the same at once: waiting changes nothing
                await self.sleep(pause)
        raise AssertionError("unreachable")

    async def _timed(self, trace: _Trace, method: str, url: str, body: client.BodyWanted | None) -> Answer:
        """One request, its clock started when it is sent and charged to the check's budget."""
        left = trace.left()
        trace.requests += 1
        sent = time.monotonic()
        try:
            return await self.http.fetch(
                method, url, trace.options or self.options, body=body, timeout=min(self.options.timeout, left)
            )
        finally:
            trace.spent += time.monotonic() - sent

    async def hop(self, trace: _Trace, url: str, body: client.BodyWanted = status.wants_body) -> Answer:
        method = first_method(url)
        answer = await self.request(trace, method, url, body)
        odd = answer.status < 200 or answer.status > 599
        if method == "HEAD" and (answer.status in _HEAD_FALLBACK or odd or _is_page(answer)):
            answer = await self.request(trace, "GET", url, body)
        return answer

    async def follow(self, key: str, trace: _Trace) -> CheckResult:
        """Walk the chain by hand and classify where it ends."""
        ended = await self.chase(key, trace, status.wants_body)
        if isinstance(ended, CheckResult):
            return ended
        answer, url = ended
        if key in self.wanted:
            self.pages[key] = (answer, url)
        elif self.keep_recent and answer.status == 200:  # a PDF's headers say "not text" too
            self.remember(key, answer, url)
        st, why = status.classify(key, url, answer, tuple(trace.hops), self.options.retries)
        return _result(key, st, why, trace, http_status=answer.status, final_url=url)

    def remember(self, key: str, answer: Answer, url: str) -> None:
        if key in self.recent:
            self.recent.move_to_end(key)
            return
        self.recent[key] = (answer, url)
        self.recent_bytes += len(answer.body)
        while self.recent_bytes > RECENT_BYTES or len(self.recent) > RECENT_PAGES:
            _old, (dropped, _url) = self.recent.popitem(last=False)
            self.recent_bytes -= len(dropped.body)

    def take(self, key: str) -> tuple[Answer, str] | None:
        self.wanted.discard(key)
        kept = self.pages.pop(key, None)
        if kept is not None and kept[0].status == 200:
            self.remember(key, *kept)  # later articles quoting it need no new request either
        elif kept is None and key in self.recent:
            kept = self.recent[key]
            self.recent.move_to_end(key)
        return kept

    async def chase(
        self, key: str, trace: _Trace, body: client.BodyWanted
    ) -> tuple[Answer, str] | CheckResult:
        """Follow redirects hop by hop: the guard before every hop, loop and hop-limit checks.

        Returns the last answer and its URL, or the result that ended the walk early.
        """
        url, seen = key, {key}
        for _ in range(self.options.max_redirects + 1):
            await self.vet(url)
            answer = await self.hop(trace, url, body)
            location = answer.headers.get("location", "").strip()
            if not (300 <= answer.status < 400 and location):
                return answer, url
            try:
                nxt = normalise(urljoin(url, location)).split("#")[0]
            except (BadURL, ValueError):
                return _result(
                    key, Status.INVALID_URL, f"redirect to a bad location {location[:200]!r}", trace
                )
            trace.hops.append(Hop(url=url, status=answer.status, location=nxt))
            if nxt in seen:
                return _result(key, Status.TOO_MANY_REDIRECTS, f"redirect loop back to {nxt}", trace)
            seen.add(nxt)
            url = nxt
        limit = self.options.max_redirects
        return _result(key, Status.TOO_MANY_REDIRECTS, f"more than {limit} redirects", trace)

    async def vet(self, url: str) -> None:
        """The guard before each hop. A name that does not resolve is left to the connection
        attempt, which reports it as ``dns-error`` (and a recording keeps it)."""
        host, _path, port = _parts(url)
        where = (host, port)
        if where in self.vetted:  # the guard's answer for a host does not change within a run
            return
        with suppress(DNSFailure):
            await self.guard.vet(*where)
            self.vetted.add(where)

    async def check(self, key: str) -> CheckResult:
        opts = self.options
        trace = _Trace(budget=check_budget(opts), options=self.page_options if key in self.wanted else None)
        started = time.monotonic()
        try:
            host = _host(key)
            await self.gate.admit(host)
            try:
                result = await self.follow(key, trace)
            finally:
                self.gate.dismiss(host)
        except (Refused, HostTooSlow) as exc:
            result = _result(key, Status.UNCHECKED, str(exc), trace)
        except FetchError as exc:
            reason = "not in cassette" if exc.kind == "not-in-cassette" else f"{exc.kind}: {exc.detail}"
            result = _result(key, _KIND_STATUS.get(exc.kind, Status.CONNECTION_ERROR), reason, trace)
        if opts.archive and result.status in (Status.DEAD, Status.SOFT_404):
            result = replace(result, archive_url=await self.archived(key))
        return replace(result, elapsed_ms=int((time.monotonic() - started) * 1000))

    async def archived(self, key: str) -> str | None:
        trace = _Trace(budget=self.options.timeout * 2)  # every lookup of this link shares it

        async def get(query: str) -> Answer | None:
            try:
                await self.vet(archive.API)
                return await self.request(trace, "GET", query, lambda code, _ct: code == 200)
            except (FetchError, Refused, HostTooSlow):
                return None

        return await archive.lookup(get, key, self.published.get(key))


def _is_page(answer: Answer) -> bool:
    return 200 <= answer.status < 300 and answer.content_type in ("text/html", "application/xhtml+xml", "")


@lru_cache(maxsize=4)
def _stamp(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> str:
    """The check time to the second: formatted once a second, not once a result."""
    return _stamp(int(time.time()))


def _result(
    key: str, st: Status, reason: str, trace: _Trace | None = None, *, http_status: int | None = None,
    final_url: str | None = None,
) -> CheckResult:  # fmt: skip
    trace = trace or _Trace(budget=0.0)
    return CheckResult(
        url=key, status=st, http_status=http_status, final_url=final_url, redirects=tuple(trace.hops),
        reason=reason, checked_at=_now(), requests=trace.requests,
    )  # fmt: skip


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


# Outcomes a later run should find out afresh: passing network trouble, and no answer at all.
_NOT_CACHED = frozenset(
    {Status.UNCHECKED, Status.INVALID_URL, Status.TIMEOUT, Status.CONNECTION_ERROR, Status.DNS_ERROR}
)
DONE_MAX = 200_000  # results a session keeps in memory (about 0.5 KB each)
RECENT_BYTES = 16 * 1024 * 1024  # bodies of the last pages read, kept for quotes
RECENT_PAGES = 20_000  # and at most this many answers (a PDF's is its headers alone)


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
    ) -> None:
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
        self._published: dict[str, str] = {}
        self._inflight: dict[str, asyncio.Future[CheckResult]] = {}
        self._done: OrderedDict[str, CheckResult] = OrderedDict()  # recent results, bounded
        self._stack = AsyncExitStack()
        self._run: _Run | None = None

    async def __aenter__(self) -> CheckSession:
        if not self.options.offline:
            http = await self._stack.enter_async_context(
                client.open_client(self.options, self._guard, self._transport)
            )
            gate = Gate(self.options, self._sleep)
            self._run = _Run(self.options, http, self._guard, gate, self._sleep, self._published)
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Checks still in flight (a caller was cancelled, the batch is stopping) are cancelled
        # before the client closes: a closed client would turn them into false connection
        # errors, and the cache would keep those for the next run.
        pending = list(self._inflight.values())
        for future in pending:
            future.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
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
        for result in results:
            if on_result:
                on_result(result)
        return results

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
        trace = _Trace(budget=self.options.timeout * 3, options=options)
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
        if found is None and key in self._done:
            found = asyncio.get_running_loop().create_future()
            found.set_result(self._done[key])
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
            result = _result(key, Status.INVALID_URL if invalid else Status.UNCHECKED, invalid or "offline")
        else:
            result = await _one(self._run, key, invalid, None)
            if self._store is not None and result.requests and result.status not in _NOT_CACHED:
                self._store.put(result)
        self._done[key] = result
        while len(self._done) > DONE_MAX:  # oldest out; a store cache still answers for them
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


async def _one(run: _Run, key: str, invalid: str | None, cache: ResultCache | None) -> CheckResult:
    if invalid:
        return _result(key, Status.INVALID_URL, invalid)
    if cache is not None:
        hit = cache.get(key)
        if hit is not None:
            return hit
    try:
        return await run.check(key)
    except Exception as exc:  # a checker bug must not sink the run: report it on the link
        return _result(key, Status.UNCHECKED, f"checker error: {type(exc).__name__}: {exc}"[:300])


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

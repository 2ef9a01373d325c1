"""One link's walk: redirects by hand, hop by hop, each request through the gate, retried,
watched for a dead network, and classified, with the site's answer to an impossible path.

Method choice: GET first for pages, HEAD first for file-like URLs (``.pdf``, ``.zip``...).
"HEAD first" everywhere would cost two requests per HTML page, because soft-404, parking and
bot-wall detection need the body; a streamed GET that stops at ``max_body`` costs one. A HEAD
that answers 400/403/405/500/501 or a 200 page falls back to GET.

Split from ``checker.py``, which keeps the session (what is shared by every link of a run).
"""

from __future__ import annotations

import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from auditor.check import archive, client, probe, softpage, status
from auditor.check.client import Answer, FetchError
from auditor.check.gate import Gate, HostTooSlow
from auditor.check.guard import DNSFailure, Guard, Refused
from auditor.check.netwatch import NETWORK_KINDS, NETWORK_UNREACHABLE, NetworkWatch
from auditor.check.probe import SiteProbes
from auditor.models import CheckOptions, CheckResult, Hop, SiteProbe, Status
from auditor.urls import DEFAULT_PORTS, BadURL, normalise

Sleep = Callable[[float], Awaitable[None]]
BACKOFF_BASE = 0.5  # seconds; doubled per attempt, plus up to 50 % jitter
_FILE_EXT = (".pdf", ".zip", ".gz", ".mp4", ".mp3", ".mov", ".avi", ".jpg", ".jpeg", ".png", ".gif", ".webp",
             ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".csv", ".epub", ".tar", ".7z", ".iso", ".exe")  # fmt: skip
_HEAD_FALLBACK = frozenset({400, 403, 405, 500, 501})
RECENT_BYTES = 16 * 1024 * 1024  # bodies of the last pages read, kept for quotes
RECENT_PAGES = 20_000  # and at most this many answers (a PDF's is its headers alone)
_REASONS = {"not-in-cassette": "not in cassette", "network": NETWORK_UNREACHABLE}
_KIND_STATUS = {
    "timeout": Status.TIMEOUT,
    "dns": Status.DNS_ERROR,
    "tls": Status.TLS_ERROR,
    "connect": Status.CONNECTION_ERROR,
    "protocol": Status.CONNECTION_ERROR,
    "not-in-cassette": Status.UNCHECKED,
    "invalid": Status.INVALID_URL,
    "network": Status.UNCHECKED,
}


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
class Trace:
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
class Walk:
    options: CheckOptions
    http: client.Fetcher
    guard: Guard
    gate: Gate
    sleep: Sleep
    published: Mapping[str, str]
    vetted: set[tuple[str, int]] = field(default_factory=set)
    watch: NetworkWatch = field(default_factory=NetworkWatch)
    suspect: set[str] = field(default_factory=set)  # keys that failed with nothing answering
    probes: SiteProbes | None = None  # how each site answers a path that cannot exist
    # Pages a caller will read after the check (quotes looked up at their source): their
    # final answer is kept, read up to the larger ``quote_max_body`` cap, until taken.
    wanted: set[str] = field(default_factory=set)
    pages: dict[str, tuple[Answer, str]] = field(default_factory=dict)
    # The last answers read, whoever wanted them, within RECENT_BYTES: a batch's later
    # chunk may quote a page an earlier one only linked, and it costs no new request.
    recent: OrderedDict[str, tuple[Answer, str]] = field(default_factory=OrderedDict)
    recent_bytes: int = 0
    keep_recent: bool = False  # once a caller wants pages at all

    def __post_init__(self) -> None:
        self.page_options = replace(
            self.options, max_body=max(self.options.max_body, self.options.quote_max_body)
        )

    async def request(self, trace: Trace, method: str, url: str, body: client.BodyWanted | None) -> Answer:
        """One request with retries: connection errors, 429 and 503 (``Retry-After`` honoured).

        Every outcome is shown to the network watch; once it calls the network down, no
        request is sent (``FetchError("network")``: the link is left unchecked).
        """
        opts = self.options
        for attempt in range(opts.retries + 1):
            wait = BACKOFF_BASE * 2**attempt * (1 + random.random() / 2)
            try:
                host = _host(url)
                await self.gate.enter(host)
                try:
                    answer = await self._sent(trace, method, url, body, host)
                finally:
                    self.gate.leave(host)
            except FetchError as exc:
                if exc.kind != "connect" or attempt == opts.retries or self.watch.down:
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

    async def _sent(
        self, trace: Trace, method: str, url: str, body: client.BodyWanted | None, host: str
    ) -> Answer:
        """One request, unless the network is down; its outcome told to the watch."""
        if self.watch.down:
            raise FetchError("network", self.watch.down)
        self.watch.tried(host)
        try:
            answer = await self._timed(trace, method, url, body)
        except FetchError as exc:
            if exc.kind in NETWORK_KINDS:
                self.watch.failed(host, exc.kind, exc.answered)
            elif exc.kind in ("tls", "protocol"):
                self.watch.answered(host)
            raise
        self.watch.answered(host)
        return answer

    async def _timed(self, trace: Trace, method: str, url: str, body: client.BodyWanted | None) -> Answer:
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

    async def hop(self, trace: Trace, url: str, body: client.BodyWanted = status.wants_body) -> Answer:
        method = first_method(url)
        answer = await self.request(trace, method, url, body)
        odd = answer.status < 200 or answer.status > 599
        if method == "HEAD" and (answer.status in _HEAD_FALLBACK or odd or _is_page(answer)):
            answer = await self.request(trace, "GET", url, body)
        return answer

    async def follow(self, key: str, trace: Trace) -> CheckResult:
        """Walk the chain by hand and classify where it ends."""
        ended = await self.chase(key, trace, status.wants_body)
        if isinstance(ended, CheckResult):
            return ended
        answer, url = ended
        if key in self.wanted:
            self.pages[key] = (answer, url)
        elif self.keep_recent and answer.status == 200:  # a PDF's headers say "not text" too
            self.remember(key, answer, url)
        site = await self.ask_site(key, url, answer, len(trace.hops))
        st, why = status.classify(key, url, answer, tuple(trace.hops), self.options.retries, site)
        return make_result(key, st, why, trace, http_status=answer.status, final_url=url)

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
        """A kept answer: a wanted key's (then remembered for later articles), or a recent one."""
        self.wanted.discard(key)
        kept = self.pages.pop(key, None)
        if kept is not None and kept[0].status == 200:
            self.remember(key, *kept)
        elif kept is None and key in self.recent:
            kept = self.recent[key]
            self.recent.move_to_end(key)
        return kept

    async def ask_site(self, key: str, url: str, answer: Answer, hops: int) -> probe.SiteSays | None:
        """For a page that answered 2xx: how the site answers a path that cannot exist there."""
        if self.probes is None or not 200 <= answer.status < 300 or not status.htmlish(answer.content_type):
            return None
        wanted = probe.probe_key(key)
        said = await self.probes.ask(wanted) if wanted else None
        return probe.compare(key, url, answer, hops, said) if said else None

    async def send_probe(self, key: str, url: str) -> SiteProbe | None:
        """One probe: the same guard, gate, redirects, retries and cassettes as a link; any
        failure means the probe says nothing (and the content rules decide alone)."""
        trace = Trace(budget=check_budget(self.options))
        try:
            ended = await self.chase(url, trace, status.wants_body)
        except (FetchError, Refused, HostTooSlow):
            return None
        if isinstance(ended, CheckResult):
            return None
        answer, final = ended
        return probe.site_probe(key, url, answer, final, len(trace.hops), now())

    async def chase(
        self, key: str, trace: Trace, body: client.BodyWanted
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
                return make_result(
                    key, Status.INVALID_URL, f"redirect to a bad location {location[:200]!r}", trace
                )
            trace.hops.append(Hop(url=url, status=answer.status, location=nxt))
            if nxt in seen:
                return make_result(key, Status.TOO_MANY_REDIRECTS, f"redirect loop back to {nxt}", trace)
            seen.add(nxt)
            url = nxt
        limit = self.options.max_redirects
        return make_result(key, Status.TOO_MANY_REDIRECTS, f"more than {limit} redirects", trace)

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
        trace = Trace(budget=check_budget(opts), options=self.page_options if key in self.wanted else None)
        started = time.monotonic()
        try:
            host = _host(key)
            await self.gate.admit(host)
            try:
                result = await self.follow(key, trace)
            finally:
                self.gate.dismiss(host)
        except (Refused, HostTooSlow) as exc:
            result = make_result(key, Status.UNCHECKED, str(exc), trace)
        except FetchError as exc:
            if exc.kind in NETWORK_KINDS and not exc.answered:
                self.suspect.add(key)  # unchecked instead, if the network turns out to be down
            reason = _REASONS.get(exc.kind) or f"{exc.kind}: {exc.detail}"
            result = make_result(key, _KIND_STATUS.get(exc.kind, Status.CONNECTION_ERROR), reason, trace)
        if opts.archive and result.status in (Status.DEAD, Status.SOFT_404):
            result = replace(result, archive_url=await self.archived(key))
        return replace(result, elapsed_ms=int((time.monotonic() - started) * 1000))

    async def archived(self, key: str) -> str | None:
        trace = Trace(budget=self.options.timeout * 2)  # every lookup of this link shares it

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


def now() -> str:
    """The check time to the second: formatted once a second, not once a result."""
    return _stamp(int(time.time()))


def make_result(
    key: str, st: Status, reason: str, trace: Trace | None = None, *, http_status: int | None = None,
    final_url: str | None = None,
) -> CheckResult:  # fmt: skip
    trace = trace or Trace(budget=0.0)
    return CheckResult(
        url=key, status=st, http_status=http_status, final_url=final_url, redirects=tuple(trace.hops),
        reason=reason, checked_at=now(), requests=trace.requests,
    )  # fmt: skip

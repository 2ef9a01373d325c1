"""What runs on a Dask worker: chunks of articles to extract, partitions of URLs to check.

Each worker holds one :class:`CheckSession` for the whole batch (a worker plugin, so a
worker that joins or is restarted mid-batch gets one too), on an event loop of its own in
a thread: the worker's own loop keeps talking to the scheduler while links are checked.
The client sends all URLs of a host to the worker that owns the host, so this session's
per-host limits are the cluster's.

Linked quotes are judged here too, by the owner of their link's host: the check read the
page on this worker (the client says which pages its articles quote, with the partition),
and the page stays here, in the worker's memo of quoted pages, for later articles that
quote it. Only the verdicts go back to the client.

Site probes (soft 404s by asking the site) run here too, by the host's owner, so a site is
probed once per section per batch. A worker has no database: the client sends the stored
probes (younger than a week) of a partition's sections with it, and stores the probes the
worker made, which come back with the answers; so a Dask batch reuses probes as the default
engine does.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict, deque
from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from distributed import WorkerPlugin, get_worker

from auditor.batch.options import RECENT
from auditor.batch.work import Signed, extract_signed
from auditor.check import CheckSession
from auditor.models import Budget, CheckOptions, CheckResult, QuoteCheck, RawArticle, SiteProbe

if TYPE_CHECKING:
    from auditor.quotes.lookup import PageMemo, PageText

PLUGIN = "auditor-checker"
# A partition's results, why the network is down (or None), and the site probes made meanwhile.
Answered = tuple[list[CheckResult], str | None, list[SiteProbe]]
ToJudge = tuple[str, CheckResult | None, tuple[str, ...]]  # a link's key, its check, the quotes linked to it


class ProbeNotes:
    """The worker's probe cache (``check.probe.ProbeCache``): the stored probes the client
    sent, and the probes this worker made, until they go back to the client to be stored."""

    LIMIT = 20_000  # as SiteProbes keeps in memory

    def __init__(self) -> None:
        self.known: OrderedDict[str, SiteProbe] = OrderedDict()
        self.made: deque[SiteProbe] = deque()  # put on the session's loop, drained on the worker's

    def seed(self, probes: Sequence[SiteProbe]) -> None:
        for probe in probes:
            self.known[probe.key] = probe
        while len(self.known) > self.LIMIT:
            self.known.popitem(last=False)

    def get(self, key: str) -> SiteProbe | None:
        return self.known.get(key)

    def put(self, probe: SiteProbe) -> None:
        self.made.append(probe)
        self.seed([probe])

    def drain(self) -> list[SiteProbe]:
        """The probes made since the last drain (popleft and append are thread-safe: a probe
        made meanwhile stays for the next answer instead of going into a list already sent)."""
        return [self.made.popleft() for _ in range(len(self.made))]


class CheckerPlugin(WorkerPlugin):
    """One check session per worker, opened when the worker starts, closed when it ends."""

    name = PLUGIN

    def __init__(self, options: CheckOptions) -> None:
        self.options = options
        self.loop: asyncio.AbstractEventLoop | None = None
        self.session: CheckSession | None = None
        self.thread: threading.Thread | None = None
        self.memo: PageMemo | None = None  # the quoted pages this worker read (quotes on)
        self.probes = ProbeNotes()

    def setup(self, worker: Any) -> None:
        ready = threading.Event()

        def serve() -> None:
            loop = _new_loop()
            self.loop = loop
            # The client asks for each URL once, so the worker needs no long memory of results
            # (the default, 200,000, grew a worker by tens of MB over a 20,000-article batch).
            self.session = CheckSession(self.options, done_max=RECENT, probes=self.probes)
            loop.run_until_complete(self.session.__aenter__())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.session.__aexit__(None, None, None))
            loop.close()

        self.thread = threading.Thread(target=serve, name="auditor-checker", daemon=True)
        self.thread.start()
        ready.wait(60)

    def teardown(self, worker: Any) -> None:
        if self.loop is not None and self.thread is not None:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(30)


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _plugin() -> tuple[CheckerPlugin, CheckSession, asyncio.AbstractEventLoop]:
    plugin = get_worker().plugins[PLUGIN]
    if not isinstance(plugin, CheckerPlugin) or plugin.session is None or plugin.loop is None:
        raise RuntimeError("the auditor checker plugin is not running on this worker")
    return plugin, plugin.session, plugin.loop


async def check_partition(
    keys: Sequence[str],
    published: Mapping[str, str],
    pages: Sequence[str] = (),
    probes: Sequence[SiteProbe] = (),
) -> Answered:
    """Check one host's URLs with this worker's session (the task awaits; the session's loop works).

    ``pages``: keys whose page an article quotes, kept by their check (its one request) for
    :func:`judge_quotes`. ``probes``: the stored probes of these URLs' sections. With the
    answers go why this worker's network looks unreachable, if it does (the client then
    stops the batch as the default engine does, exit 75, storing none of them), and the
    probes this worker made since its last answer, for the client to store."""
    plugin, session, loop = _plugin()

    async def check() -> list[CheckResult]:  # on the session's loop, where the probes are read
        plugin.probes.seed(probes)
        if pages:
            session.want_pages(pages)
        return await session.check(keys, published=published)

    results = await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(check(), loop))
    return results, session.network_down, plugin.probes.drain()


async def judge_quotes(items: Sequence[ToJudge]) -> list[list[QuoteCheck]]:
    """Each quote judged against its link's page, as :func:`auditor.quotes.lookup.check_quotes`
    does: the page this worker's check kept (or the memo's, or one more GET), read on the
    session's loop; the matching, which is CPU work, in a thread, so neither the session
    nor the worker's own loop waits on it. Verdicts in ``items``' order, without the
    attribution each belongs to (the client knows it)."""
    plugin, session, loop = _plugin()
    future = asyncio.run_coroutine_threadsafe(_pages(plugin, session, items), loop)
    pages = await asyncio.wrap_future(future)
    return await asyncio.to_thread(_judged, items, pages, session.options.quote_max_body)


async def _pages(
    plugin: CheckerPlugin, session: CheckSession, items: Sequence[ToJudge]
) -> list[PageText | str]:
    from auditor.quotes.lookup import PageMemo, page_of

    plugin.memo = plugin.memo or PageMemo()
    reads = (plugin.memo.get(key, partial(page_of, session, key, check)) for key, check, _ in items)
    return list(await asyncio.gather(*reads))


def _judged(items: Sequence[ToJudge], pages: Sequence[PageText | str], cap: int) -> list[list[QuoteCheck]]:
    from auditor.quotes.lookup import judge
    from auditor.quotes.targets import Target

    out = []
    for (key, _, quotes), page in zip(items, pages, strict=True):
        out.append([judge(Target(quote, key, None, None), page, cap) for quote in quotes])
        if not isinstance(page, str):
            page.forget()  # its words were cut for these quotes: the memo keeps the text
    return out


def extract_chunk(
    items: Sequence[str | RawArticle], max_bytes: int, domains_file: str | None, budget: Budget | None
) -> list[Signed | str]:
    """Extract and sign a chunk of articles, each a path this worker reads or a shipped article."""
    return [extract_signed(item, max_bytes, domains_file, budget) for item in items]

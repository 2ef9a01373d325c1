"""The default engine: this machine's cores parse, one check session answers every URL.

Parse chunk n+1 while earlier chunks' URLs are checked; commit each article as its chunk
completes. One :class:`CheckSession` serves the whole batch, so per-host politeness holds
across all chunks, a URL is fetched once however many chunks cite it, and up to
``IN_FLIGHT`` chunks are checked at once: one slow host delays the chunks that cite it, not
the whole batch. Memory is bounded by the chunks in flight, not the corpus.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.batch.options import RECENT, BatchOptions
from auditor.batch.pool import ParsePool
from auditor.batch.sink import Sink, by_key, quote_targets_of, wanted
from auditor.check import CheckSession
from auditor.errors import NetworkUnreachable
from auditor.models import Article, CheckResult, QuoteCheck
from auditor.store import CheckCache, ProbeCache

if TYPE_CHECKING:
    from auditor.quotes.lookup import PageMemo
    from auditor.quotes.targets import Target

IN_FLIGHT = 4  # chunks whose URLs may be checked at once (memory: about 4 chunks of articles)


class LocalEngine:
    def __init__(self, opts: BatchOptions, sink: Sink) -> None:
        self.opts, self.sink = opts, sink
        self.pages: PageMemo | None = None  # the batch's quoted pages, read once each
        self.cache = CheckCache.for_run(sink.store, sink.run_id, opts.check)  # offline: last real checks

    def run(self, files: Iterable[Path]) -> None:
        opts = self.opts
        pool = ParsePool(
            opts.workers, max_bytes=opts.max_bytes, domains_file=opts.check.domains_file, budget=opts.budget
        )
        finished = False
        try:
            asyncio.run(self._run(files, pool))
            finished = True
        finally:
            pool.close(abort=not finished)  # on Ctrl-C or a crash: stop the workers, do not wait

    async def _run(self, files: Iterable[Path], pool: ParsePool) -> None:
        chunks = _batches(files, max(1, self.opts.chunk))
        session = CheckSession(
            self.opts.check,
            cache=self.cache,
            on_checked=self.sink.checked,
            recall=self.cache.recall,
            done_max=RECENT,
            probes=ProbeCache(self.sink.store),
        )
        slots = asyncio.Semaphore(IN_FLIGHT)
        try:
            async with session, asyncio.TaskGroup() as group:
                chunk = next(chunks, None)
                pending = pool.submit(chunk) if chunk else []
                while chunk is not None:
                    results = await pool.results(chunk, pending)
                    following = next(chunks, None)
                    pending = pool.submit(following) if following else []
                    await slots.acquire()
                    group.create_task(self._finish_chunk(session, chunk, results, slots))
                    chunk = following
        except BaseExceptionGroup as group_error:  # one failing chunk stops the batch: say why
            raise group_error.exceptions[0] from None

    async def _finish_chunk(
        self, session: CheckSession, chunk: list[Path], results: list[Article | str], slots: asyncio.Semaphore
    ) -> None:
        try:
            for path, result in zip(chunk, results, strict=True):
                if isinstance(result, str):
                    self.sink.failed(str(path), result)
            articles = [r for r in results if isinstance(r, Article)]
            targets = quote_targets_of(articles, self.opts.check.quotes)
            checked = await self._check(session, articles, targets)
            quotes = await self._quotes(session, articles, checked, targets)
            for article, found in zip(articles, quotes, strict=True):  # no await below: a
                self.sink.commit(article, checked, found)  # cancellation cannot split a commit
        finally:
            slots.release()

    async def _check(
        self, session: CheckSession, articles: list[Article], targets: list[list[Target]]
    ) -> dict[str, CheckResult]:
        """Every check key of these articles, answered by the session (fresh, shared or cached)."""
        keys, published = wanted(articles)
        if not keys:
            return {}
        if self.opts.check.quotes:  # their check is the page's one request; and with quotes on, the
            # session remembers every page it reads, for a later chunk that quotes one of them
            session.want_pages(t.key for found in targets for t in found)
        results = await session.check(keys, published=published)
        if session.network_down:  # these articles are left for a rerun, not stored unchecked
            raise NetworkUnreachable(session.network_down)
        return by_key(keys, results)

    async def _quotes(
        self, session: CheckSession, articles: list[Article], checked: dict[str, CheckResult],
        targets: list[list[Target]],
    ) -> list[tuple[QuoteCheck, ...]]:  # fmt: skip
        """Each article's linked quotes judged against the pages its check just read."""
        if not self.opts.check.quotes:
            return [() for _ in articles]
        from auditor.quotes.lookup import PageMemo, check_quotes

        self.pages = self.pages or PageMemo()
        by_checker_key = {c.url: c for c in checked.values()}
        found = [
            check_quotes(session, a, by_checker_key, self.pages, targets=t)
            for a, t in zip(articles, targets, strict=True)
        ]
        return list(await asyncio.gather(*found))


def _batches(files: Iterable[Path], size: int) -> Iterator[list[Path]]:
    it = iter(files)
    while batch := list(islice(it, size)):
        yield batch

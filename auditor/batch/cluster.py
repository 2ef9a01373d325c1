"""The Dask engine: the same batch on a cluster (``--engine dask [--scheduler ADDRESS]``).

Where the work runs:

- **Extraction**: chunks of articles are Dask tasks, run by whichever worker the scheduler
  picks (:func:`~auditor.batch.daskworker.extract_chunk`), signed there for near-duplicates.
  A worker reads each file at the path the client found it, so the folder must be mounted
  at the same path on every machine; ``--ship-files`` has the client read and send them.
- **Checking**: per-host partitions. Each host is owned by one worker at a time, picked
  when the host is first seen (rendezvous hashing over the workers then running); all its
  URLs go there, to that worker's one check session, so per-host limits hold across the
  cluster. The tasks are pinned: the scheduler never moves them. When a worker leaves, its
  hosts get new owners and its unfinished partitions are sent again.
- **Linked quotes** (unless ``--no-quotes``): once a chunk's links are checked, its quotes
  go to the owners of their links' hosts (:func:`~auditor.batch.daskworker.judge_quotes`),
  which read the pages with the check (the partition said which ones are quoted) and keep
  them for later chunks; the verdicts come back. So a quoted page costs no request more
  than on the default engine, and the matching runs on the workers.
- **This process** (the client) asks only for URLs nobody has answered (in flight, recent
  results, this run's rows, the cache), so each distinct URL is requested once per batch,
  and it stays the only writer of the database and the reports (:class:`Sink`).

Memory on the client is bounded by the chunks in flight and a window of recent results,
whatever the corpus size.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from contextlib import AbstractContextManager, ExitStack, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from distributed import Client, Future, LocalCluster, wait

from auditor.batch.daskworker import (
    PLUGIN,
    Answered,
    CheckerPlugin,
    ProbeNotes,
    ToJudge,
    check_partition,
    extract_chunk,
    judge_quotes,
)  # fmt: skip
from auditor.batch.options import RECENT, BatchOptions
from auditor.batch.sink import Sink, by_key, quote_targets_of, wanted
from auditor.batch.work import Signed, one_line
from auditor.check.checker import key_of
from auditor.errors import AuditorError, NetworkUnreachable
from auditor.load import load_path
from auditor.models import UNCACHED_STATUSES, Article, CheckResult, QuoteCheck, RawArticle, SiteProbe
from auditor.store import CheckCache, ProbeCache
from auditor.urls import host_of

if TYPE_CHECKING:
    from auditor.quotes.targets import Target

TICK = 1.0  # seconds between looks at which workers are alive
NO_WORKERS = 120.0  # seconds a batch waits for a worker when the cluster has none
_CANCELLED = (
    "the Dask cluster cancelled some of this batch's tasks; the articles they carried are not"
    " stored: run the same batch again to audit them"
)
MAX_ERRORS = 3  # a partition whose check raises on this many workers stops the batch (a bug, not the web)


@dataclass
class _Chunk:
    """Articles extracted, waiting for their URLs' answers before they are committed."""

    articles: list[tuple[Article, bytes | None]]
    checked: dict[str, CheckResult] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    targets: list[list[Target]] = field(default_factory=list)  # each article's linked quotes
    judged: dict[tuple[str, str], QuoteCheck] = field(default_factory=dict)  # (link key, quote) -> verdict
    judging: int = 0  # judge tasks still out


@dataclass
class _Partition:
    host: str
    worker: str
    keys: list[str]
    published: dict[str, str]
    pages: tuple[str, ...] = ()  # keys whose pages the chunk's articles quote
    probes: tuple[SiteProbe, ...] = ()  # the stored probes of its sections
    errors: int = 0  # workers on which checking it raised (a lost worker does not count)


@dataclass
class _Judging:
    """One host's quotes of one chunk, sent to the host's owner."""

    host: str
    worker: str
    chunk: _Chunk
    items: list[ToJudge]
    errors: int = 0


_Job = TypeVar("_Job", _Partition, _Judging)


class DaskEngine:
    def __init__(self, opts: BatchOptions, sink: Sink) -> None:
        self.opts, self.sink = opts, sink
        self.cache = CheckCache.for_run(sink.store, sink.run_id, opts.check)  # offline: last real checks
        self.use_cache = not (opts.check.replay or opts.check.recheck)
        check = opts.check
        # Site probes: stored as the default engine stores them (not on a replay, which
        # writes nothing), and read back unless --recheck.
        self.probes = (
            ProbeCache(sink.store) if check.probe and not check.offline and not check.replay else None
        )
        self.read_probes = self.probes is not None and not check.recheck
        self.stored_probes: OrderedDict[str, SiteProbe | None] = OrderedDict()  # probe key -> as read
        self.recent: OrderedDict[str, CheckResult] = OrderedDict()
        self.waiting: dict[str, list[_Chunk]] = {}  # key in flight -> chunks that need it
        self.owners: dict[str, str] = {}  # host -> worker address
        self.extracting: dict[Future[list[Signed | str]], list[str | RawArticle]] = {}
        self.checking: dict[Future[Answered], _Partition] = {}
        self.judging: dict[Future[list[list[QuoteCheck]]], _Judging] = {}
        self.open = 0  # chunks extracted and not yet committed
        self.alive: list[str] = []  # the workers' addresses, as of the last look

    def run(self, files: Iterable[Path]) -> None:
        with ExitStack() as stack:
            client = stack.enter_context(self._connect())
            client.register_plugin(CheckerPlugin(self.opts.check), name=PLUGIN)
            stack.callback(_unregister, client)
            try:
                self._loop(client, iter(files))
            except BaseException:
                client.cancel([*self.extracting, *self.checking, *self.judging], force=True)
                raise

    def _connect(self) -> AbstractContextManager[Client]:
        if self.opts.scheduler:
            try:
                return Client(self.opts.scheduler, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise AuditorError(
                    f"cannot reach the Dask scheduler at {self.opts.scheduler}: {exc}"
                ) from exc
        try:
            cluster = LocalCluster(
                n_workers=max(1, self.opts.workers), threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR,
            )  # fmt: skip
        except (OSError, RuntimeError) as exc:  # distributed says "Cluster failed to start: ..."
            raise AuditorError(f"cannot start a local Dask cluster: {exc}") from exc
        client = Client(cluster)
        client.wait_for_workers(max(1, self.opts.workers))
        return _Closing(client, cluster)

    # -------------------------------------------------------------------- the loop

    def _loop(self, client: Client, files: Iterator[Path]) -> None:
        self._look(client)
        open_chunks = max(4, 2 * len(self.alive) + 2)
        exhausted = False
        while True:
            while not exhausted and len(self.extracting) + self.open < open_chunks:
                exhausted = not self._submit_chunk(client, files)
            if not self.extracting and not self.checking and not self.judging:
                if self.open:  # tasks cancelled by someone else, seen as they ended
                    raise AuditorError(_CANCELLED)
                return
            try:
                done, _ = wait(
                    [*self.extracting, *self.checking, *self.judging],
                    timeout=TICK,
                    return_when="FIRST_COMPLETED",
                )
            except TimeoutError:  # nothing ended within the tick: look at the workers
                done = set()
            except CancelledError as exc:  # by someone else (a scheduler restart, an operator)
                raise AuditorError(_CANCELLED) from exc
            for future in done:
                if future in self.extracting:
                    self._extracted(client, future, self.extracting.pop(future))
                elif future in self.checking:
                    self._checked(client, future, self.checking.pop(future))
                elif future in self.judging:
                    self._judged(client, future, self.judging.pop(future))
            self._reroute_lost(client)

    def _look(self, client: Client) -> None:
        # Every worker: releases between dask/distributed#9045 and #9308 list five by default.
        self.alive = sorted(client.scheduler_info(n_workers=-1)["workers"])
        if not self.alive:  # all restarting at once, or gone: wait a while for one
            try:
                client.wait_for_workers(1, timeout=NO_WORKERS)
            except TimeoutError as exc:
                raise AuditorError(f"the Dask cluster has had no workers for {NO_WORKERS:.0f} s") from exc
            self.alive = sorted(client.scheduler_info(n_workers=-1)["workers"])

    def _submit_chunk(self, client: Client, files: Iterator[Path]) -> bool:
        items: list[str | RawArticle] = []
        for path in files:
            items.append(self._item(path))
            if len(items) == max(1, self.opts.chunk):
                break
        if items:
            self._extract(client, items)
        return bool(items)

    def _item(self, path: Path) -> str | RawArticle:
        if not self.opts.ship_files:
            return str(path)
        try:
            return load_path(path, max_bytes=self.opts.max_bytes)
        except AuditorError:
            return str(path)  # the worker records why (or reads it, on a shared path after all)

    def _extract(self, client: Client, items: list[str | RawArticle]) -> None:
        opts = self.opts
        args = (opts.max_bytes, opts.check.domains_file, opts.budget)
        future = client.submit(extract_chunk, items, *args, pure=False)
        self.extracting[future] = items

    def _extracted(
        self, client: Client, future: Future[list[Signed | str]], items: list[str | RawArticle]
    ) -> None:
        if future.status in ("lost", "pending"):  # its result was lost with a worker: Dask computes it again
            self.extracting[future] = items
            return
        if future.status != "finished":  # workers died on it (a crash, its budget, its memory)
            if len(items) > 1:
                for item in items:  # alone, each: only the article that kills a worker fails
                    self._extract(client, [item])
                return
            source = items[0] if isinstance(items[0], str) else items[0].source
            self.sink.failed(source, one_line(source, f"the Dask worker died on this file ({_why(future)})"))
            return
        results: list[Signed | str] = future.result()
        for item, result in zip(items, results, strict=True):
            if isinstance(result, str):
                self.sink.failed(item if isinstance(item, str) else item.source, result)
        articles = [r for r in results if not isinstance(r, str)]
        keys, published = wanted([a for a, _ in articles])
        chunk = _Chunk(
            articles=articles, targets=quote_targets_of([a for a, _ in articles], self.opts.check.quotes)
        )
        quoted = {t.key for found in chunk.targets for t in found}
        ask: dict[str, list[str]] = {}
        for key in keys:
            known = self._known(key, fresh=bool(quoted) and key_of(key)[0] in quoted)
            if known is not None:
                chunk.checked[key] = known
                continue
            chunk.missing.add(key)
            if key not in self.waiting:
                ask.setdefault(host_of(key) or "", []).append(key)
            self.waiting.setdefault(key, []).append(chunk)
        pages: dict[str, list[str]] = {}
        for key in quoted:
            pages.setdefault(host_of(key) or "", []).append(key)
        for host, mine in ask.items():
            dates = {k: published[k] for k in mine if k in published}
            stored = self._stored_probes(mine)
            self._ask(
                client, _Partition(host, self._owner(host), mine, dates, tuple(pages.get(host, ())), stored)
            )
        self.open += 1
        if not chunk.missing:
            self._ready(client, chunk)

    def _stored_probes(self, keys: list[str]) -> tuple[SiteProbe, ...]:
        """The stored probes (younger than a week) of these URLs' sections, for their owner.

        Each is read from the database once (then remembered, found or not): a section's
        URLs come in many partitions. It goes with every one of them, since the worker may
        run a later partition first."""
        if not self.read_probes or self.probes is None:
            return ()
        from auditor.check.probe import probe_key

        found = []
        for key in dict.fromkeys(k for k in map(probe_key, keys) if k):
            if key not in self.stored_probes:
                self.stored_probes[key] = self.probes.get(key)
                while len(self.stored_probes) > ProbeNotes.LIMIT:
                    self.stored_probes.popitem(last=False)
            probe = self.stored_probes[key]
            if probe is not None:
                found.append(probe)
        return tuple(found)

    def _known(self, key: str, *, fresh: bool = False) -> CheckResult | None:
        """This run's answer, or the cache's: never a second request for the same URL.

        ``fresh``: an article quotes its page, so an earlier run's cached check will not do
        (it has no page); as on the default engine, the check is the page's one request."""
        found = self.recent.get(key) or self.cache.recall(key)
        if found is None and self.use_cache and not (fresh and not self.opts.check.offline):
            found = self.cache.get(key)
            if found is not None:
                self._remember(found)
                self.sink.checked(found)
        return found

    def _remember(self, result: CheckResult) -> None:
        self.recent[result.url] = result
        while len(self.recent) > RECENT:
            self.recent.popitem(last=False)

    def _ask(self, client: Client, part: _Partition) -> None:
        future = client.submit(
            check_partition,
            part.keys,
            part.published,
            part.pages,
            part.probes,
            workers=[part.worker],
            allow_other_workers=False,
            pure=False,
        )
        self.checking[future] = part  # type: ignore[index]  # an async task's future holds its result

    def _checked(self, client: Client, future: Future[Answered], part: _Partition) -> None:
        answers: Answered | None = self._result(client, future, part, self._ask, "checking the URLs of")
        if answers is None:
            return
        results, down, probes = answers
        if self.probes is not None:
            for probe in probes:
                self.probes.put(probe)
        if down:  # as the default engine: the articles waiting are left for a rerun (exit 75)
            raise NetworkUnreachable(down)
        found = by_key(part.keys, results)
        if not self.opts.check.replay:  # the partition's new checks, in one transaction
            self.cache.put_all(
                [r for r in found.values() if r.requests and r.status not in UNCACHED_STATUSES]
            )
        for key in part.keys:
            result = found[key]
            self._remember(result)
            self.sink.checked(result)
            for chunk in self.waiting.pop(key, []):
                chunk.checked[key] = result
                chunk.missing.discard(key)
                if not chunk.missing:
                    self._ready(client, chunk)

    def _result(
        self, client: Client, future: Future[Any], job: _Job, send: Callable[[Client, _Job], None], what: str
    ) -> Any:
        """A pinned task's answers; None when it was rerouted already, or when its worker failed
        it or died holding the answers, and it has just been sent again (``send``)."""
        if future.status == "cancelled":
            return None  # rerouted
        answers = self._answers(client, future, job) if future.status == "finished" else None
        if answers is None:
            send(client, self._again(future, job, what))
        return answers

    def _again(self, future: Future[Any], job: _Job, what: str) -> _Job:
        """A pinned task to send again, to its host's owner as of now (a new one if its worker
        died); a task that raised on ``MAX_ERRORS`` workers is a bug, and stops the batch."""
        if future.status == "error":
            job.errors += 1
            if job.errors >= MAX_ERRORS:
                raise AuditorError(f"{what} {job.host} failed on {job.errors} workers: {_why(future)}")
        future.cancel()
        self.owners.pop(job.host, None)
        return replace(job, worker=self._owner(job.host))

    def _answers(self, client: Client, future: Future[Any], part: _Partition | _Judging) -> Any:
        """The task's answers, or None when they were lost with its worker.

        A finished task's result stays on its worker until the client fetches it. If the
        worker dies first, Dask computes the task again, and a task pinned to a dead worker
        waits for it forever: so the client fetches a tick at a time, looking at the workers.
        """
        while True:
            try:
                return future.result(timeout=TICK)
            except TimeoutError:
                self._look(client)
                if part.worker not in self.alive:
                    return None

    # -------------------------------------------------------------------- quotes

    def _ready(self, client: Client, chunk: _Chunk) -> None:
        """Every link of the chunk is answered: its quotes go to be judged, or it is committed."""
        if not any(chunk.targets):
            self._commit(chunk)
            return
        if self.opts.check.offline:  # no pages: each quote says so (the sink adds the last verdicts)
            from auditor.models import OFFLINE_REASON
            from auditor.quotes.lookup import judge

            cap = self.opts.check.quote_max_body
            for target in (t for found in chunk.targets for t in found):
                chunk.judged[(target.key, target.quote)] = judge(target, OFFLINE_REASON, cap)
            self._commit(chunk)
            return
        checks = {c.url: c for c in chunk.checked.values()}  # by the checker's key, as targets are
        quotes: dict[str, dict[str, dict[str, None]]] = {}  # host -> key -> its quotes, in order
        for target in (t for found in chunk.targets for t in found):
            quotes.setdefault(host_of(target.key) or "", {}).setdefault(target.key, {})[target.quote] = None
        for host, mine in quotes.items():
            items: list[ToJudge] = [(key, checks.get(key), tuple(said)) for key, said in mine.items()]
            self._judge(client, _Judging(host, self._owner(host), chunk, items))
            chunk.judging += 1

    def _judge(self, client: Client, job: _Judging) -> None:
        future = client.submit(
            judge_quotes, job.items, workers=[job.worker], allow_other_workers=False, pure=False
        )
        self.judging[future] = job  # type: ignore[index]  # an async task's future holds its result

    def _judged(self, client: Client, future: Future[list[list[QuoteCheck]]], job: _Judging) -> None:
        verdicts: list[list[QuoteCheck]] | None = self._result(
            client, future, job, self._judge, "judging the quotes linked to"
        )
        if verdicts is None:
            return
        chunk = job.chunk
        for (key, _, said), found in zip(job.items, verdicts, strict=True):
            for quote, verdict in zip(said, found, strict=True):
                chunk.judged[(key, quote)] = verdict
        chunk.judging -= 1
        if not chunk.judging:
            self._commit(chunk)

    def _commit(self, chunk: _Chunk) -> None:
        self.open -= 1
        targets = chunk.targets or [[] for _ in chunk.articles]
        for (article, minhash), found in zip(chunk.articles, targets, strict=True):
            quotes = tuple(
                replace(chunk.judged[(t.key, t.quote)], attribution=t.attribution, source=t.source)
                for t in found
            )
            self.sink.commit(article, chunk.checked, quotes, signed=True, minhash=minhash)

    # -------------------------------------------------------------------- owners

    def _owner(self, host: str) -> str:
        owner = self.owners.get(host)
        if owner is None:
            owner = self.owners[host] = max(self.alive, key=lambda w: _weight(host, w))
        return owner

    def _reroute_lost(self, client: Client) -> None:
        """Partitions pinned to a worker that left are sent to their host's new owner."""
        self._look(client)
        alive = set(self.alive)
        lost = [(f, p) for f, p in self.checking.items() if p.worker not in alive]
        lost_quotes = [(f, j) for f, j in self.judging.items() if j.worker not in alive]
        if not lost and not lost_quotes:
            return
        self.owners = {h: w for h, w in self.owners.items() if w in alive}
        for future, part in lost:
            del self.checking[future]
            future.cancel()
            self._ask(client, replace(part, worker=self._owner(part.host)))
        for judging, job in lost_quotes:  # the new owner reads the page again: its one request more
            del self.judging[judging]
            judging.cancel()
            self._judge(client, replace(job, worker=self._owner(job.host)))


def _weight(host: str, worker: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{host}|{worker}".encode(), digest_size=8).digest(), "big")


def _why(future: Future[Any]) -> str:
    with suppress(Exception):
        exc = future.exception(timeout=1)
        return f"{type(exc).__name__}: {exc}"[:200]
    return str(future.status)


def _unregister(client: Client) -> None:
    with suppress(Exception):  # the cluster may be gone already: nothing left to tear down
        client.unregister_worker_plugin(PLUGIN)


class _Closing:
    """A client that also closes the LocalCluster it started."""

    def __init__(self, client: Client, cluster: LocalCluster) -> None:
        self.client, self.cluster = client, cluster

    def __enter__(self) -> Client:
        return self.client

    def __exit__(self, *exc: Any) -> None:
        self.client.close()
        self.cluster.close()

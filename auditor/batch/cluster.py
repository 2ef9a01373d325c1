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
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from distributed import Client, Future, LocalCluster, wait

from auditor.batch.daskworker import PLUGIN, Answered, CheckerPlugin, check_partition, extract_chunk
from auditor.batch.options import RECENT, BatchOptions
from auditor.batch.sink import Sink, by_key, wanted
from auditor.batch.work import Signed, one_line
from auditor.errors import AuditorError, NetworkUnreachable
from auditor.load import load_path
from auditor.models import UNCACHED_STATUSES, Article, CheckResult, RawArticle
from auditor.store import CheckCache
from auditor.urls import host_of

TICK = 1.0  # seconds between looks at which workers are alive
NO_WORKERS = 120.0  # seconds a batch waits for a worker when the cluster has none
MAX_ERRORS = 3  # a partition whose check raises on this many workers stops the batch (a bug, not the web)


@dataclass
class _Chunk:
    """Articles extracted, waiting for their URLs' answers before they are committed."""

    articles: list[tuple[Article, bytes | None]]
    keys: list[str]
    checked: dict[str, CheckResult] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)


@dataclass
class _Partition:
    host: str
    worker: str
    keys: list[str]
    published: dict[str, str]
    errors: int = 0  # workers on which checking it raised (a lost worker does not count)


class DaskEngine:
    def __init__(self, opts: BatchOptions, sink: Sink) -> None:
        self.opts, self.sink = opts, sink
        self.cache = CheckCache.for_run(sink.store, sink.run_id, opts.check)  # offline: last real checks
        self.use_cache = not (opts.check.replay or opts.check.recheck)
        self.recent: OrderedDict[str, CheckResult] = OrderedDict()
        self.waiting: dict[str, list[_Chunk]] = {}  # key in flight -> chunks that need it
        self.owners: dict[str, str] = {}  # host -> worker address
        self.extracting: dict[Future[list[Signed | str]], list[str | RawArticle]] = {}
        self.checking: dict[Future[Answered], _Partition] = {}
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
                client.cancel([*self.extracting, *self.checking], force=True)
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
            if not self.extracting and not self.checking:
                return
            try:
                done, _ = wait(
                    [*self.extracting, *self.checking], timeout=TICK, return_when="FIRST_COMPLETED"
                )
            except TimeoutError:  # nothing ended within the tick: look at the workers
                done = set()
            for future in done:
                if future in self.extracting:
                    self._extracted(client, future, self.extracting.pop(future))
                elif future in self.checking:
                    self._checked(client, future, self.checking.pop(future))
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
        chunk = _Chunk(articles=articles, keys=keys)
        ask: dict[str, list[str]] = {}
        for key in keys:
            known = self._known(key)
            if known is not None:
                chunk.checked[key] = known
                continue
            chunk.missing.add(key)
            if key not in self.waiting:
                ask.setdefault(host_of(key) or "", []).append(key)
            self.waiting.setdefault(key, []).append(chunk)
        for host, mine in ask.items():
            dates = {k: published[k] for k in mine if k in published}
            self._ask(client, _Partition(host, self._owner(host), mine, dates))
        self.open += 1
        if not chunk.missing:
            self._commit(chunk)

    def _known(self, key: str) -> CheckResult | None:
        """This run's answer, or the cache's: never a second request for the same URL."""
        found = self.recent.get(key) or self.cache.recall(key)
        if found is None and self.use_cache:  # offline too: the last real check beats "unchecked"
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
            workers=[part.worker],
            allow_other_workers=False,
            pure=False,
        )
        self.checking[future] = part  # type: ignore[index]  # an async task's future holds its result

    def _checked(self, client: Client, future: Future[Answered], part: _Partition) -> None:
        if future.status == "cancelled":
            return  # rerouted
        answers = self._answers(client, future, part) if future.status == "finished" else None
        if answers is None:  # its worker failed it, or died holding its answers: try another
            if future.status == "error":
                part.errors += 1
                if part.errors >= MAX_ERRORS:
                    raise AuditorError(
                        f"checking the URLs of {part.host} failed on {part.errors} workers: {_why(future)}"
                    )
            future.cancel()
            self.owners.pop(part.host, None)
            self._ask(client, replace(part, worker=self._owner(part.host)))
            return
        results, down = answers
        if down:  # as the default engine: the articles waiting are left for a rerun (exit 75)
            raise NetworkUnreachable(down)
        found = by_key(part.keys, results)
        for key in part.keys:
            result = found[key]
            self._remember(result)
            self.sink.checked(result)
            if not self.opts.check.replay and result.requests and result.status not in UNCACHED_STATUSES:
                self.cache.put(result)
            for chunk in self.waiting.pop(key, []):
                chunk.checked[key] = result
                chunk.missing.discard(key)
                if not chunk.missing:
                    self._commit(chunk)

    def _answers(self, client: Client, future: Future[Answered], part: _Partition) -> Answered | None:
        """The partition's answers, or None when they were lost with its worker.

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

    def _commit(self, chunk: _Chunk) -> None:
        self.open -= 1
        for article, minhash in chunk.articles:
            self.sink.commit(article, chunk.checked, signed=True, minhash=minhash)

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
        if not lost:
            return
        self.owners = {h: w for h, w in self.owners.items() if w in alive}
        for future, part in lost:
            del self.checking[future]
            future.cancel()
            self._ask(client, replace(part, worker=self._owner(part.host)))


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

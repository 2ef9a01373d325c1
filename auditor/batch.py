"""``auditor batch``: thousands of articles overnight, resumable, each distinct URL checked once.

The unit of work is one article (:func:`extract_file`, a plain function over a path, run in a
process pool so parsing uses every core) and one URL check (the checker). Articles flow in
chunks: while one chunk's URLs are checked, the next chunk is parsed, so CPU and network
overlap and memory is bounded by the chunk size, not the corpus.

Each distinct URL is requested once per batch: ``seen`` holds every result of this run (a
few hundred bytes per URL), and the store's cache answers for URLs checked by an earlier,
interrupted run. Chunks are checked one after another, so the checker's per-host limits hold
across the whole batch at every instant.

Resume: an article's report and ``--jsonl`` line are written first, then its rows are
committed in one transaction. A rerun skips every article whose content hash is stored, so
an interruption at any moment (Ctrl-C, SIGKILL, power loss) loses at most the chunk in
flight, never duplicates a row, and may at worst repeat one ``--jsonl`` line (at least
once, never lost). Ctrl-C cancels the chunk in flight (none of its articles is committed),
stops the parsing processes and re-raises ``KeyboardInterrupt`` for the CLI.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import re
import resource
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from functools import cache
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from auditor import __version__
from auditor.budget import EXIT_OVER_BUDGET, check_links, within
from auditor.check import CheckSession
from auditor.discover import discover
from auditor.errors import AuditorError, NetworkUnreachable
from auditor.load import DEFAULT_MAX_BYTES, content_hash, load_path
from auditor.models import Article, Audit, Budget, CheckOptions, CheckResult, CrossPostMethod, LinkKind
from auditor.outputs import check_file_target, prepare_dir
from auditor.procs import process_identity, same_process
from auditor.store import CheckCache, ProbeCache, Store
from auditor.urls import check_key

if TYPE_CHECKING:
    from auditor.classify.domains import DomainTable


IN_FLIGHT = 4  # chunks whose URLs may be checked at once (memory: about 4 chunks of articles)


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchOptions:
    folder: Path
    out_dir: Path = Path("reports")
    db_path: Path = Path("reports/audit.db")
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    force: bool = False
    jsonl: Path | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    budget: Budget = field(default_factory=Budget)  # what one article may cost a parsing worker
    chunk: int = 32  # articles parsed ahead while the previous chunk's URLs are checked
    workers: int = 2  # parsing processes
    check: CheckOptions = field(default_factory=CheckOptions)


@dataclass(slots=True)
class BatchStats:
    found: int = 0  # supported files discovered
    todo: int = 0  # of those, not yet stored with this content
    skipped: int = 0
    audited: int = 0
    failed: int = 0
    links: int = 0
    urls_checked: int = 0  # distinct URLs resolved this run (from the network or the cache)
    near_duplicates: int = 0
    # What --fail-on looks for, over every article of the folder (skipped ones too: an
    # unchanged article still has its broken links), counted as the summary and report count.
    broken: int = 0
    placeholders: int = 0
    state_media: int = 0


class Event(StrEnum):
    START = "start"  # the to-do list is known (stats.todo)
    ARTICLE = "article"  # one article committed; detail: its source
    FAILED = "failed"  # one article failed; detail: "source: reason"
    URL = "url"  # one distinct URL resolved
    PHASE = "phase"  # detail: what the batch does now
    DONE = "done"  # always last; detail "" when finished, else "interrupted" or "failed"


class Progress(Protocol):
    def __call__(self, stats: BatchStats, event: Event, detail: str = "") -> None: ...


def _pending(
    files: Sequence[Path], store: Store, opts: BatchOptions, stats: BatchStats, run_id: int
) -> list[Path]:
    """Files whose current content is not yet stored (all of them with --force)."""
    todo = []
    inside = opts.folder.resolve()
    for path in files:
        if path.is_symlink() and not path.resolve().is_relative_to(inside):
            # An article folder is untrusted too: a link to /etc/passwd is not an article.
            store.record_failure(
                str(path), f"{path}: a symbolic link leading outside {opts.folder}; not followed", run_id
            )
            stats.failed += 1
            continue
        if not opts.force:
            try:
                raw = load_path(path, max_bytes=opts.max_bytes)
            except AuditorError:
                todo.append(path)  # the worker records the failure
                continue
            if store.article_done(str(path), content_hash(raw.text)):
                stats.skipped += 1
                continue
        todo.append(path)
    return todo


# ----------------------------------------------------------------------------- parsing


def extract_file(
    path: str, max_bytes: int, domains_file: str | None, budget: Budget | None = None
) -> Article | str:
    """One article's unit of work: a record, or the one-line reason it failed (never raises).

    Within ``budget`` (CPU time and memory): an article over it is a failure named as such,
    and a worker stuck past it in C code is ended (see :mod:`auditor.budget`).
    """
    from auditor.pipeline import extract_raw

    try:
        table = _table(domains_file)
        raw = load_path(path, max_bytes=max_bytes)
        with within(budget, path, worker=True):
            return check_links(extract_raw(raw, table=table), budget)
    except AuditorError as exc:
        return _one_line(path, str(exc))
    except Exception as exc:  # a parser bug on one hostile file must not sink the batch
        return _one_line(path, f"cannot extract ({type(exc).__name__}: {exc})")


@cache
def _table(domains_file: str | None) -> DomainTable:
    from auditor.classify.domains import DomainTable, default_table

    return DomainTable.load(domains_file) if domains_file else default_table()


def _one_line(path: str, reason: str) -> str:
    """``path: reason`` on one line of at most 300 characters, whatever the reason held."""
    reason = re.sub(r"\s+", " ", reason).strip()
    if not reason.startswith(path):
        reason = f"{path}: {reason}"
    return reason if len(reason) <= 300 else reason[:299] + "…"


def _worker_init(batch_pid: int, batch: str) -> None:
    """Workers leave Ctrl-C to the batch, which stops them in order, and die with it.

    A batch killed outright (SIGKILL, the OOM killer) cannot stop its pool; its workers
    would wait on their queue forever and keep the fork server alive with them. A watchdog
    thread ends a worker once the batch process is gone: its identity (pid and start time),
    not ``kill(pid, 0)``, which a zombie batch or a process reusing its pid still answers.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with suppress(ValueError, OSError):  # a worker ended by its CPU budget leaves no core file
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))

    def watch() -> None:
        while same_process(batch_pid, batch):
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="batch-watchdog", daemon=True).start()


@cache
def _context() -> BaseContext:
    """Forkserver (no fork of a threaded parent; modules preloaded once), else spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["auditor.batch", "auditor.pipeline"])
    return ctx


class ParsePool:
    """The parsing processes.

    A worker that dies (a crash in a parser, the OOM killer) costs only the articles it
    held: they are retried one at a time in a fresh pool, and the one that kills a worker
    on its own is recorded as a failure.
    """

    GRACE = 2.0  # seconds a busy worker gets to finish when the batch is interrupted

    def __init__(
        self,
        workers: int,
        *,
        max_bytes: int,
        domains_file: str | None,
        budget: Budget | None = None,
        work: Callable[..., Article | str] | None = None,
    ) -> None:
        self.workers = max(1, workers)
        self.args = (max_bytes, domains_file, budget)
        self.budget = budget
        self.work = work or extract_file  # what a worker runs per article (a test seam)
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers,
            mp_context=_context(),
            initializer=_worker_init,
            initargs=(os.getpid(), process_identity(os.getpid())),
        )

    def _restart_if_broken(self) -> None:
        if getattr(self.executor, "_broken", False):
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = self._start()

    def submit(self, paths: Sequence[Path]) -> list[asyncio.Future[Article | str]]:
        loop = asyncio.get_running_loop()
        self._restart_if_broken()
        return [loop.run_in_executor(self.executor, self.work, str(p), *self.args) for p in paths]

    async def results(
        self, paths: Sequence[Path], futures: list[asyncio.Future[Article | str]]
    ) -> list[Article | str]:
        got = await asyncio.gather(*futures, return_exceptions=True)
        out: list[Article | str] = []
        for path, result in zip(paths, got, strict=True):
            if isinstance(result, BrokenProcessPool):
                result = await self._alone(path)
            elif isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result  # cancelled: the batch is stopping
                result = _one_line(str(path), f"cannot extract ({type(result).__name__}: {result})")
            out.append(result)
        return out

    async def _alone(self, path: Path) -> Article | str:
        future = self.submit([path])[0]
        processes = list((self.executor._processes or {}).values())
        try:
            return await future
        except BrokenProcessPool:
            return _one_line(str(path), self._why_died(processes))

    def _why_died(self, processes: Sequence[multiprocessing.process.BaseProcess]) -> str:
        """The reason a worker that held one article alone ended: its budget, or a crash."""
        for process in processes:
            process.join(1.0)
        codes = {p.exitcode for p in processes}
        if self.budget is not None and codes & {EXIT_OVER_BUDGET, -signal.SIGXCPU}:
            return f"over the {self.budget.seconds:g} s CPU budget for one article, stuck in a parser (raise it with --article-seconds)"
        if -signal.SIGKILL in codes:
            return "the parsing process was killed on this file (out of memory?)"
        return "the parsing process died on this file (a crash or out of memory)"

    def close(self, *, abort: bool) -> None:
        """Wait for the workers, or (``abort``) cancel what is queued and stop them promptly."""
        if not abort:
            self.executor.shutdown(wait=True)
            return
        processes = list((self.executor._processes or {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + self.GRACE
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join(1.0)


class _Runner:
    """Parse chunk n+1 while earlier chunks' URLs are checked; commit each article as it completes.

    One :class:`CheckSession` serves the whole batch, so per-host politeness holds across all
    chunks, a URL is fetched once however many chunks cite it, and up to ``IN_FLIGHT`` chunks
    are checked at once: one slow host delays the chunks that cite it, not the whole batch.
    """

    def __init__(
        self, opts: BatchOptions, store: Store, run_id: int, stats: BatchStats, progress: Progress
    ) -> None:
        self.opts, self.store, self.run_id, self.stats, self.progress = opts, store, run_id, stats, progress
        self.cache = CheckCache(store, run_id, opts.check.cache_ttl_hours)
        self.jsonl: IO[str] | None = None

    async def run(self, files: list[Path], pool: ParsePool) -> None:
        size = max(1, self.opts.chunk)
        chunks = [files[i : i + size] for i in range(0, len(files), size)]
        session = CheckSession(
            self.opts.check, cache=self.cache, on_checked=self._checked, probes=ProbeCache(self.store)
        )
        slots = asyncio.Semaphore(IN_FLIGHT)
        try:
            async with session, asyncio.TaskGroup() as group:
                pending = pool.submit(chunks[0]) if chunks else []
                for index, chunk in enumerate(chunks):
                    results = await pool.results(chunk, pending)
                    pending = pool.submit(chunks[index + 1]) if index + 1 < len(chunks) else []
                    await slots.acquire()
                    group.create_task(self._finish_chunk(session, chunk, results, slots))
        except BaseExceptionGroup as group_error:  # one failing chunk stops the batch: say why
            raise group_error.exceptions[0] from None

    def _checked(self, _result: CheckResult) -> None:
        self.stats.urls_checked += 1
        self.progress(self.stats, Event.URL)

    async def _finish_chunk(
        self, session: CheckSession, chunk: list[Path], results: list[Article | str], slots: asyncio.Semaphore
    ) -> None:
        try:
            for path, result in zip(chunk, results, strict=True):
                if isinstance(result, str):
                    self.store.record_failure(str(path), result, self.run_id)
                    self.stats.failed += 1
                    self.progress(self.stats, Event.FAILED, result)
            articles = [r for r in results if isinstance(r, Article)]
            checked = await self._check(session, articles)
            for article in articles:  # no await below: a cancellation cannot split a commit
                self._commit(article, checked)
        finally:
            slots.release()

    async def _check(self, session: CheckSession, articles: list[Article]) -> dict[str, CheckResult]:
        """Every check key of these articles, answered by the session (fresh, shared or cached)."""
        keys = list(dict.fromkeys(k for a in articles for k in _web_keys(a)))
        if not keys:
            return {}
        published = {k: a.metadata.published for a in articles if a.metadata.published for k in _web_keys(a)}
        results = await session.check(keys, published=published)
        if session.network_down:  # these articles are left for a rerun, not stored unchecked
            raise NetworkUnreachable(session.network_down)
        by_key = {r.url: r for r in results}
        checked = {}
        for key, checker_key in zip(keys, _checker_keys(keys), strict=True):
            result = by_key.get(checker_key)
            if result is not None:
                checked[key] = result if result.url == key else replace(result, url=key)
        return checked

    def _commit(self, article: Article, checked: dict[str, CheckResult]) -> None:
        from auditor.report.render import write_report  # Jinja2 only where reports are written

        audit = Audit(article=article, checks=tuple(checked[k] for k in _web_keys(article) if k in checked))
        try:
            write_report(audit, self.opts.out_dir)
        except OSError:
            raise  # a full disk is the batch's problem, not this article's
        except Exception as exc:  # a report bug on one odd article: recorded, not committed
            reason = _one_line(article.source, f"cannot write its report ({type(exc).__name__}: {exc})")
            self.store.record_failure(article.source, reason, self.run_id)
            self.stats.failed += 1
            self.progress(self.stats, Event.FAILED, reason)
            return
        self._write_jsonl(audit)
        self.store.save_audit(audit, self.run_id)
        self.stats.audited += 1
        self.stats.links += len(article.links)
        self.progress(self.stats, Event.ARTICLE, article.source)

    def _write_jsonl(self, audit: Audit) -> None:
        if self.opts.jsonl is None:
            return
        from auditor.cli.jsonout import article_json

        if self.jsonl is None:
            self.opts.jsonl.parent.mkdir(parents=True, exist_ok=True)
            self.jsonl = self.opts.jsonl.open("a", encoding="utf-8")
        self.jsonl.write(json.dumps(article_json(audit.article, audit.checks), ensure_ascii=False) + "\n")
        self.jsonl.flush()

    def close(self) -> None:
        if self.jsonl is not None:
            self.jsonl.close()


def _web_keys(article: Article) -> list[str]:
    """The check keys of an article's web links, as the store and the report look them up."""
    return list(dict.fromkeys(check_key(lk.url) for lk in article.links if lk.kind is LinkKind.WEB))


def _checker_keys(keys: list[str]) -> list[str]:
    """The key the checker files each result under (it normalises once more)."""
    from auditor.check.checker import distinct_keys

    return [next(iter(distinct_keys([k]))) for k in keys]


def _count_problems(audits: list[Audit], sources: set[str], stats: BatchStats) -> None:
    from auditor.report import views

    for audit in audits:
        if audit.article.source in sources:
            verdict = views.verdict(audit, views.link_rows(audit))
            stats.broken += verdict.counts["broken"]
            stats.placeholders += verdict.counts["placeholder"]
            stats.state_media += len(verdict.state_media)


def _finish(store: Store, run_id: int, opts: BatchOptions, stats: BatchStats, progress: Progress,
            sources: set[str]) -> None:  # fmt: skip
    """Near-duplicates across the whole database, then the reports they change and the index.

    One full load serves both (the index needs every article anyway); near-duplicate
    detection itself only sees light :class:`~auditor.neardup.Candidate` rows. datasketch (and
    numpy with it, ~55 MB) is imported here only: parsing workers and `check` never need it.
    """
    from auditor.neardup import candidate, near_duplicates
    from auditor.report.render import write_index, write_report

    progress(stats, Event.PHASE, "finding near-duplicate copies")
    audits = store.audits()
    changed = near_duplicates(candidate(a.article) for a in audits)
    for i, audit in enumerate(audits):
        near = changed.get(audit.article.source)
        if near is None:
            continue
        kept = tuple(c for c in audit.article.crossposts if c.method is not CrossPostMethod.NEAR_DUPLICATE)
        audits[i] = audit = replace(audit, article=replace(audit.article, crossposts=kept + near))
        write_report(audit, opts.out_dir)
        store.save_audit(replace(audit, checks=()), run_id)
    stats.near_duplicates = sum(1 for a in audits if _has_near_duplicate(a))
    _count_problems(audits, sources, stats)
    progress(stats, Event.PHASE, "writing the index")
    write_index(audits, store.failures(), opts.out_dir)


def _has_near_duplicate(audit: Audit) -> bool:
    return any(c.method is CrossPostMethod.NEAR_DUPLICATE for c in audit.article.crossposts)


def _audit_files(todo: list[Path], opts: BatchOptions, store: Store, run_id: int, stats: BatchStats,
                 progress: Progress) -> None:  # fmt: skip
    runner = _Runner(opts, store, run_id, stats, progress)
    pool = ParsePool(
        opts.workers, max_bytes=opts.max_bytes, domains_file=opts.check.domains_file, budget=opts.budget
    )
    finished = False
    try:
        asyncio.run(runner.run(todo, pool))
        finished = True
    finally:
        pool.close(abort=not finished)  # on Ctrl-C or a crash: stop the workers, do not wait
        runner.close()


def run_batch(opts: BatchOptions, progress: Progress) -> BatchStats:
    """Audit every supported file under the folder; returns what was done.

    Raises ``KeyboardInterrupt`` (after a clean stop) when interrupted, ``AuditorError`` on
    bad input; a file that cannot be read or parsed is a recorded failure, not an error.
    """
    opts = replace(opts, folder=Path(os.path.abspath(opts.folder)))
    prepare_dir(opts.out_dir)
    if opts.jsonl is not None:
        check_file_target(opts.jsonl, "--jsonl")
    files = list(discover(opts.folder, opts.include, opts.exclude, skip=opts.out_dir))
    if not files:
        raise AuditorError(f"{opts.folder}: no .html, .htm, .md or .txt files found")
    store = Store.open(opts.db_path)
    stats = BatchStats(found=len(files))
    ending = ""
    run_id: int | None = None
    try:
        # One batch per database at a time: a second one would redo every article and hit
        # every host twice. The lock is the run's, released when the run ends.
        run_id = store.start_run("batch", _options_json(opts), __version__, lock="batch")
        todo = _pending(files, store, opts, stats, run_id)
        stats.todo = len(todo)
        progress(stats, Event.START)
        if todo:
            _audit_files(todo, opts, store, run_id, stats, progress)
        _finish(store, run_id, opts, stats, progress, {str(p) for p in files})
        store.finish_run(run_id, asdict(stats))
    except BaseException as exc:
        ending = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        if run_id is not None:
            _end_run(store, run_id, stats, ending)
        raise
    finally:
        progress(stats, Event.DONE, ending)
        store.close()
    return stats


def _end_run(store: Store, run_id: int, stats: BatchStats, ending: str) -> None:
    """Mark the run interrupted or failed; a database that fails now keeps it ``running``
    (the next batch marks it interrupted when it takes the lock over)."""
    with suppress(AuditorError):
        store.finish_run(run_id, asdict(stats), ending)


def _options_json(opts: BatchOptions) -> dict[str, object]:
    data = asdict(opts)
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]

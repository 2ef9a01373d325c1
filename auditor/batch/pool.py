"""The parsing processes of the local engine: a forkserver pool that survives a crash.

Parsing uses every core this way, and a parser that crashes or is ended for its budget
costs only the articles its process held (see :class:`ParsePool`).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from functools import cache
from multiprocessing.context import BaseContext
from pathlib import Path

from auditor.batch.work import extract_file, one_line
from auditor.budget import EXIT_OVER_BUDGET
from auditor.models import Article, Budget
from auditor.procs import process_identity, same_process


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
    ctx.set_forkserver_preload(["auditor.batch.work", "auditor.batch.pool", "auditor.pipeline"])
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
                result = one_line(str(path), f"cannot extract ({type(result).__name__}: {result})")
            out.append(result)
        return out

    async def _alone(self, path: Path) -> Article | str:
        future = self.submit([path])[0]
        processes = list((self.executor._processes or {}).values())
        try:
            return await future
        except BrokenProcessPool:
            return one_line(str(path), self._why_died(processes))

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

"""A budget per article: no article may hold a parsing worker (or the CLI) indefinitely.

Three layers, each catching what the one before cannot:

1. **Cooperative** (``seconds``): a CPU-time timer (``ITIMER_PROF``) raises ``OverBudget`` in
   the main thread at the next bytecode, and again every second, so a broad ``except`` in a
   stage cannot swallow it for good. Memory: the address space the process may grow by is
   capped (``RLIMIT_AS``), so an allocation past ``memory_mb`` fails with ``MemoryError``
   (or libxml2's "Memory allocation failed"), reported as over budget.
2. **Watchdog** (``seconds`` + grace): a thread that polls the process's CPU time ends the
   process when the main thread is stuck inside one C call that never returns to Python
   (the cooperative timer cannot interrupt it). The CLI says so in one line first; a batch
   worker just ends with :data:`EXIT_OVER_BUDGET`, and the batch names the article.
3. **Kernel** (workers only, ``seconds`` + twice the grace): ``RLIMIT_CPU`` sends SIGXCPU,
   whose default action ends the process even when a C call holds the GIL and the watchdog
   cannot run.

Signal timers and handlers only exist in the main thread; elsewhere only the memory cap and
the watchdog apply.

A process shared with other work (``shared``: a Dask worker, whose event loop and check
session run beside the article) gets the watchdog alone, on the article thread's own CPU
clock: process-wide limits would charge the article for its neighbours' work, and a memory
cap would fail their allocations too. Dask's own per-worker memory limit stands in for it.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import FrameType

from auditor.errors import OverBudget
from auditor.models import Article, Budget

EXIT_OVER_BUDGET = 86  # a worker's exit status when the watchdog ended it
_MEMORY_WORDS = ("memory allocation failed", "out of memory", "cannot allocate memory")


def grace(budget: Budget) -> float:
    return max(2.0, budget.seconds / 4)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _address_space() -> int:
    """Bytes of address space the process holds now (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def over_memory(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) is an allocation that failed under the cap."""
    chain: BaseException | None = exc
    for _ in range(10):
        if chain is None:
            return False
        text = str(chain).lower()
        if isinstance(chain, MemoryError) or any(w in text for w in _MEMORY_WORDS):
            return True
        if type(chain).__module__.startswith("lxml") and "unknown error" in text:
            return True  # what libxml2 says when an allocation failed mid-parse
        chain = chain.__cause__ or chain.__context__
    return False


def _message(budget: Budget, what: str) -> str:
    if what == "time":
        return f"over the {budget.seconds:g} s CPU budget for one article (raise it with --article-seconds)"
    return f"over the {budget.memory_mb:,} MB memory budget for one article (raise it with --article-mb)"


@contextmanager
def _soft_limit(kind: int, value: int | None) -> Iterator[None]:
    """Lower the soft resource limit ``kind`` to ``value`` (never above the hard one) for
    the block; ``None`` leaves it alone."""
    if value is None:
        yield
        return
    soft, hard = resource.getrlimit(kind)
    resource.setrlimit(kind, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(kind, (soft, hard))


def _memory_cap(budget: Budget) -> AbstractContextManager[None]:
    now = _address_space()
    cap = now + budget.memory_mb * 1024 * 1024 if budget.memory_mb > 0 and now else None
    return _soft_limit(resource.RLIMIT_AS, cap)


def _kernel_cpu_limit(budget: Budget) -> AbstractContextManager[None]:
    limit = int(_cpu() + budget.seconds + 2 * grace(budget)) + 1 if budget.seconds > 0 else None
    return _soft_limit(resource.RLIMIT_CPU, limit)


@contextmanager
def _cpu_timer(budget: Budget) -> Iterator[None]:
    if budget.seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def over(_signum: int, _frame: FrameType | None) -> None:
        raise OverBudget(_message(budget, "time"))

    previous = signal.signal(signal.SIGPROF, over)
    signal.setitimer(signal.ITIMER_PROF, budget.seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _thread_clock() -> Callable[[], float]:
    """The calling thread's CPU time, readable from another thread (Linux, macOS)."""
    clock = time.pthread_getcpuclockid(threading.get_ident())
    return lambda: time.clock_gettime(clock)


@contextmanager
def _watchdog(budget: Budget, *, say: str | None, cpu: Callable[[], float] = _cpu) -> Iterator[None]:
    """End the process when the CPU time passes the budget plus grace (``say``: the line to
    print first; None in a worker, whose exit status tells the batch)."""
    if budget.seconds <= 0:
        yield
        return
    limit = cpu() + budget.seconds + grace(budget)
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.25):
            if cpu() > limit:
                if say is not None:
                    sys.stderr.write(f"auditor: error: {say}: {_message(budget, 'time')}\n")
                    sys.stderr.flush()
                    os._exit(2)
                os._exit(EXIT_OVER_BUDGET)

    thread = threading.Thread(target=watch, name="article-budget", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()


def check_links(article: Article, budget: Budget | None) -> Article:
    """The article, or ``OverBudget`` when it has more links than the budget allows (called
    inside :func:`within`, which names the article)."""
    if budget is not None and budget.links > 0 and len(article.links) > budget.links:
        raise OverBudget(
            f"{len(article.links):,} links, over the {budget.links:,}-link budget for one article"
            " (raise it with --article-links)"
        )
    return article


@contextmanager
def within(
    budget: Budget | None, source: str, *, worker: bool = False, shared: bool = False
) -> Iterator[None]:
    """Run one article's extraction within ``budget``; raise ``OverBudget`` naming ``source``.

    ``worker``: a disposable batch worker, which may also be ended by the kernel; ``shared``:
    a worker process that runs other work beside the article (see above).
    """
    if budget is None:
        yield
        return
    if shared:
        with _watchdog(budget, say=None, cpu=_thread_clock()):
            yield
        return
    try:
        with _memory_cap(budget), _watchdog(budget, say=None if worker else source), _cpu_timer(budget):
            if worker:
                with _kernel_cpu_limit(budget):
                    yield
            else:
                yield
    except OverBudget as exc:
        raise OverBudget(f"{source}: {exc}") from None
    except Exception as exc:
        if over_memory(exc):
            raise OverBudget(f"{source}: {_message(budget, 'memory')}") from None
        raise

"""Politeness and queueing: how many requests run at once, per host and in all, and how long a
link may wait for its turn.

Kept apart from the checker because the two measure different things: the checker's budgets
are a link's own time on the wire; the gate's waits are the host's slowness (or our own
limits), bounded by ``max_wait`` and reported as ``unchecked``, never as a timeout.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable

from auditor.models import CheckOptions

Sleep = Callable[[float], Awaitable[None]]


class HostTooSlow(Exception):
    """A link waited longer than ``max_wait`` for a connection to its host: not checked."""


class Gate:
    """Global and per-host-name concurrency, and an optional minimum interval per host.

    The host slot is taken before the global one, so tasks queued behind one busy host never
    hold global slots that other hosts could use. Waiting for a host is bounded on its own
    (``max_wait``): a queue is the host's slowness (or ours), never the link's timeout.

    A check is *admitted* for its host before it starts (twice ``per_host`` at a time), so
    the thousands of links queued for busy hosts wait with a shallow stack instead of a
    dozen coroutine frames each (about 15 MB of a 3,700-URL run).
    """

    def __init__(self, options: CheckOptions, sleep: Sleep) -> None:
        self._global = asyncio.Semaphore(max(1, options.concurrency))
        self._per_host = max(1, options.per_host)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._admitted: dict[str, asyncio.Semaphore] = {}
        self._waiting: Counter[str] = Counter()
        self._next: dict[str, float] = {}
        self._interval = options.min_interval
        self._max_wait = options.max_wait
        self._sleep = sleep

    async def enter(self, host: str) -> None:
        """Take a slot at ``host`` (after its interval), then a global one; ``leave`` gives
        both back. Plain methods, not a context manager: this runs for every request."""
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self._per_host)
        await self._acquire(host, sem)
        try:
            if self._interval > 0:
                now = asyncio.get_running_loop().time()
                start = max(now, self._next.get(host, 0.0))
                self._next[host] = start + self._interval
                if start > now:
                    await self._sleep(start - now)
            await self._global.acquire()
        except BaseException:
            sem.release()
            raise

    def leave(self, host: str) -> None:
        self._global.release()
        self._hosts[host].release()

    async def admit(self, host: str) -> None:
        """Let one more check for ``host`` start (``dismiss`` when it ends)."""
        sem = self._admitted.get(host)
        if sem is None:
            sem = self._admitted[host] = asyncio.Semaphore(2 * self._per_host)
        await self._acquire(host, sem)

    def dismiss(self, host: str) -> None:
        self._admitted[host].release()

    async def _acquire(self, host: str, sem: asyncio.Semaphore) -> None:
        if not sem.locked():
            await sem.acquire()
            return
        self._waiting[host] += 1
        try:
            async with asyncio.timeout(self._max_wait):
                await sem.acquire()
        except TimeoutError:
            raise HostTooSlow(
                f"host too slow: no free connection to {host} within {self._max_wait:g} s"
                f" ({self._waiting[host]} links waiting for its {self._per_host}); not checked"
            ) from None
        finally:
            self._waiting[host] -= 1

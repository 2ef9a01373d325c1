"""Long queues and a busy machine: a link's time budget is spent on the wire, never in a queue.

A real server on 127.0.0.1 answers one request at a time, a little slowly. Hundreds of links
to it wait far longer than any one link's budget, yet each is requested and none is reported
as a timeout it never had. A link that waits past ``max_wait`` is ``unchecked`` with the
reason (the host was too slow to reach), not requested and not cached.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from auditor.check import check_urls
from auditor.check.checker import check_budget
from auditor.models import CheckOptions, CheckResult, Status
from tests.unit.test_check_checker import DictCache

PAGE = b"<html><head><title>Harbour story</title></head><body><p>A fine page.</p></body></html>"


class SlowHost:
    """One connection at a time (per_host=1 on our side), ``latency`` seconds per answer."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.seen: Counter[str] = Counter()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                self.seen[request.split(b" ")[1].decode()] += 1
                await asyncio.sleep(self.latency)  # the host's slowness, not the test waiting
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
                    % (len(PAGE), PAGE)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def serving(host: SlowHost) -> AsyncIterator[int]:
    server = await asyncio.start_server(host.handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


def check_queue(
    n: int, latency: float, options: CheckOptions, cache: DictCache | None = None
) -> tuple[list[CheckResult], SlowHost]:
    host = SlowHost(latency)

    async def scenario() -> list[CheckResult]:
        async with serving(host) as port:
            urls = [f"http://127.0.0.1:{port}/story/{i}" for i in range(n)]
            return await check_urls(urls, options, cache=cache)

    return asyncio.run(scenario()), host


def test_hundreds_of_links_behind_one_slow_host_are_all_requested_and_none_times_out() -> None:
    options = CheckOptions(probe=False, archive=False, timeout=0.5, retries=0, per_host=1, allow_private=True)
    # 300 answers one after another take ~3 s: the last link waits twice its whole budget.
    assert 2 * check_budget(options) <= 300 * 0.01
    cache = DictCache()
    results, host = check_queue(300, 0.01, options, cache)
    assert Counter(r.status for r in results) == {Status.OK: 300}
    assert len(host.seen) == 300 and set(host.seen.values()) == {1}
    assert len(cache.puts) == 300 and all(r.requests == 1 for r in cache.puts)


def test_a_host_too_slow_to_reach_leaves_links_unchecked_with_the_reason_and_uncached() -> None:
    options = CheckOptions(
        archive=False, timeout=1.0, retries=0, per_host=1, allow_private=True, max_wait=0.3, probe=False
    )
    cache = DictCache()
    results, host = check_queue(60, 0.02, options, cache)
    by_status = Counter(r.status for r in results)
    assert set(by_status) == {Status.OK, Status.UNCHECKED}
    assert 0 < by_status[Status.OK] < 60 and by_status[Status.OK] == sum(host.seen.values())
    for r in results:
        if r.status is Status.UNCHECKED:
            assert r.reason.startswith("host too slow: no free connection to 127.0.0.1 within 0.3 s")
            assert r.requests == 0
    assert {r.status for r in cache.puts} == {Status.OK} and len(cache.puts) == by_status[Status.OK]


@contextmanager
def burning(processes: int) -> Iterator[None]:
    """Other processes keeping every core busy, ended by their PIDs whatever happens."""
    burners = [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(processes)]
    try:
        yield
    finally:
        for proc in burners:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def test_the_checker_is_right_while_the_machine_is_busy() -> None:
    """A CPU burner per core beside the checker, and a queue longer than any link's budget."""
    options = CheckOptions(probe=False, archive=False, timeout=1.0, retries=0, per_host=2, allow_private=True)
    assert check_budget(options) < 800 * 0.008 / 2  # on an idle machine; longer on a busy one
    with burning(max(2, os.cpu_count() or 2)):
        results, host = check_queue(800, 0.008, options)
    wrong = Counter(f"{r.status.value}: {r.reason}" for r in results if r.status is not Status.OK)
    assert not wrong
    assert sum(host.seen.values()) == 800

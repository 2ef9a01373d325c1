"""A dead network is not forty dead links: unchecked, said once, never cached."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter

import httpx
import pytest

from auditor.check.checker import CheckSession, check_urls
from auditor.check.guard import DNSFailure
from auditor.check.netwatch import NETWORK_UNREACHABLE, NetworkWatch, dns_answered, os_answered
from auditor.models import CheckOptions, CheckResult, Status
from tests.unit.test_check_checker import DictCache

OPTS = CheckOptions(archive=False, probe=False, timeout=5)
URLS = [f"https://site{n % 8}.example.org/story/{n}" for n in range(24)]  # 8 hosts, 3 links each


async def no_sleep(_seconds: float) -> None:
    return None


def failing(error: type[Exception], message: str, seen: Counter[str] | None = None) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen[request.url.host] += 1
        raise error(message, request=request)

    return httpx.MockTransport(handler)


def check(
    transport: httpx.AsyncBaseTransport, urls: list[str] = URLS, **kw: object
) -> tuple[list[CheckResult], str | None]:
    async def scenario() -> tuple[list[CheckResult], str | None]:
        async with CheckSession(OPTS, transport=transport, sleep=no_sleep, **kw) as session:  # type: ignore[arg-type]
            results = await session.check(urls)
            return results, session.network_down

    return asyncio.run(scenario())


def test_every_connection_failing_leaves_every_link_unchecked_and_caches_nothing() -> None:
    seen: Counter[str] = Counter()
    cache = DictCache()
    results, down = check(
        failing(httpx.ConnectError, "[Errno 101] Network is unreachable", seen), cache=cache
    )
    assert [r.status for r in results] == [Status.UNCHECKED] * len(URLS)
    assert {r.reason for r in results} == {NETWORK_UNREACHABLE}
    assert all(r.http_status is None for r in results)
    assert down is not None and "no host answered" in down and "connections failed" in down
    assert cache.puts == []
    # It stopped asking: far fewer requests than 24 links x 3 attempts.
    assert sum(seen.values()) < len(URLS) * (OPTS.retries + 1) / 2


def test_names_that_cannot_be_resolved_anywhere_is_the_network_not_the_links() -> None:
    """The live path: our own client, a resolver that finds no name server (EAI_AGAIN)."""

    async def resolver(host: str, _port: int) -> list[str]:
        error = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        raise DNSFailure(f"cannot resolve {host}: {error}", answered=dns_answered(error))

    results = asyncio.run(check_urls(URLS, OPTS, resolver=resolver, sleep=no_sleep))
    assert {r.status for r in results} == {Status.UNCHECKED}
    assert {r.reason for r in results} == {NETWORK_UNREACHABLE}


@pytest.mark.parametrize(
    ("error", "message", "status"),
    [
        (httpx.ConnectError, "[Errno 111] Connection refused", Status.CONNECTION_ERROR),
        (DNSFailure, "cannot resolve x: [Errno -2] Name or service not known", Status.DNS_ERROR),
    ],
)
def test_hosts_that_answer_no_are_dead_links_not_a_dead_network(
    error: type[Exception], message: str, status: Status
) -> None:
    """A refusal and a name server's 'no such name' are answers: the network works."""

    def handler(request: httpx.Request) -> httpx.Response:
        if error is DNSFailure:
            raise DNSFailure(message, answered=dns_answered(Exception(message)))
        raise error(message, request=request)  # type: ignore[call-arg]

    results, down = check(httpx.MockTransport(handler))
    assert down is None
    assert {r.status for r in results} == {status}


def test_a_few_unreachable_hosts_among_working_ones_stay_as_they_are() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host in ("site1.example.org", "site2.example.org"):
            raise httpx.ConnectError("[Errno 113] No route to host", request=request)
        return httpx.Response(200, html="<title>Story</title><p>Text</p>")

    results, down = check(httpx.MockTransport(handler))
    assert down is None
    statuses = Counter(r.status for r in results)
    assert statuses == Counter({Status.OK: 18, Status.CONNECTION_ERROR: 6})


def test_the_network_going_away_mid_run_is_noticed() -> None:
    watch = NetworkWatch(window=16)
    for n in range(40):
        watch.answered(f"h{n}.example")
    for n in range(14):
        watch.failed(f"h{n}.example", "dns", answered=False)
    assert watch.down is None  # 14 of the last 16: not yet
    watch.failed("h14.example", "dns", answered=False)
    assert watch.down is not None and "15 of the last 16 hosts stopped answering" in watch.down


def test_one_silent_host_is_not_a_dead_network() -> None:
    watch = NetworkWatch()
    watch.tried("a.example")
    watch.failed("a.example", "timeout", answered=False)
    assert watch.down is None
    watch.tried("b.example")
    watch.answered("b.example")
    watch.failed("c.example", "timeout", answered=False)
    assert watch.down is None


def test_failures_are_read_for_whether_anything_replied() -> None:
    assert os_answered(ConnectionRefusedError(111, "Connection refused"))
    assert not os_answered(OSError(101, "Network is unreachable"))
    assert dns_answered(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
    assert not dns_answered(socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"))
    wrapped = httpx.ConnectError("All connection attempts failed")
    wrapped.__cause__ = ConnectionRefusedError(111, "Connect call failed")
    assert os_answered(wrapped)

"""The private-address guard: every spelling of a private address, direct and after a redirect."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from auditor.check import check_urls
from auditor.check.guard import Guard, Refused, forbidden_reason, parse_address
from auditor.models import CheckOptions, Status

OPTS = CheckOptions(archive=False)

FORBIDDEN = [
    "http://127.0.0.1/",
    "http://127.1/",  # short form
    "http://2130706433/",  # decimal
    "http://0177.0.0.1/",  # octal
    "http://0x7f.0.0.1/",  # hex part
    "http://0x7f000001/",  # hex whole
    "http://017700000001/",  # octal whole
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "http://[::ffff:a9fe:a9fe]/",  # mapped metadata address
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://10.0.0.5/",
    "http://172.16.3.4/",
    "http://192.168.1.1/admin",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://0.0.0.0/",
    "http://224.0.0.1/",  # multicast
    "http://240.0.0.1/",  # reserved
    "http://[fe80::1]/",  # link-local v6
    "http://[fc00::1]/",  # unique local v6
    "http://[ff02::1]/",  # multicast v6
    "http://localhost/",
    "http://LOCALHOST./",
    "http://api.localhost:8080/",
]


def refusing_transport() -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"connected to {request.url}")

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("url", FORBIDDEN)
def test_private_spellings_are_refused_without_connecting(url: str) -> None:
    [result] = asyncio.run(check_urls([url], OPTS, transport=refusing_transport()))
    assert result.status == Status.UNCHECKED
    assert "private-address guard" in result.reason and result.requests == 0


@pytest.mark.parametrize("url", FORBIDDEN[:8] + FORBIDDEN[12:14] + FORBIDDEN[-3:])
def test_private_spellings_are_refused_after_a_redirect(url: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "news.example.com":
            return httpx.Response(302, headers={"location": url})
        raise AssertionError(f"followed to {request.url}")

    [result] = asyncio.run(
        check_urls(["https://news.example.com/x"], OPTS, transport=httpx.MockTransport(handler))
    )
    assert result.status == Status.UNCHECKED and "private-address guard" in result.reason
    assert len(result.redirects) == 1 and result.requests == 1


def test_names_that_resolve_to_private_addresses_are_refused() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return {"evil.example.com": ["93.184.216.34", "10.1.2.3"], "fine.example.com": ["93.184.216.34"]}[
            host
        ]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html="<p>ok</p>")

    urls = ["https://evil.example.com/", "https://fine.example.com/"]
    evil, fine = asyncio.run(
        check_urls(urls, OPTS, transport=httpx.MockTransport(handler), resolver=resolver)
    )
    assert evil.status == Status.UNCHECKED and "resolves to private address 10.1.2.3" in evil.reason
    assert fine.status == Status.OK


def test_rebinding_name_after_redirect_is_refused() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["169.254.169.254"] if host == "rebind.example.org" else ["93.184.216.34"]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"location": "http://rebind.example.org/latest"})

    [r] = asyncio.run(
        check_urls(
            ["https://news.example.com/"], OPTS, transport=httpx.MockTransport(handler), resolver=resolver
        )
    )
    assert r.status == Status.UNCHECKED and "link-local" in r.reason


def test_allow_private_lifts_the_guard() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html="<p>local</p>")

    results = asyncio.run(
        check_urls(
            ["http://127.0.0.1:8080/", "http://localhost/"],
            CheckOptions(archive=False, allow_private=True),
            transport=httpx.MockTransport(handler),
        )
    )
    assert [r.status for r in results] == [Status.OK, Status.OK]


def test_public_addresses_and_names_pass() -> None:
    assert forbidden_reason(parse_address("8.8.8.8")) is None  # type: ignore[arg-type]
    assert forbidden_reason(parse_address("[2606:4700::1111]")) is None  # type: ignore[arg-type]
    assert parse_address("news.example.com") is None
    assert parse_address("1.2.3.4.5") is None and parse_address("256.1.1.1") is None


def test_guard_resolves_each_name_once() -> None:
    calls: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["93.184.216.34"]

    guard = Guard(allow_private=False, resolver=resolver)

    async def go() -> None:
        for _ in range(3):
            assert await guard.vet("news.example.com", 443) == ["93.184.216.34"]
        with pytest.raises(Refused):
            await guard.vet("127.000.000.001", 80)

    asyncio.run(go())
    assert calls == ["news.example.com"]

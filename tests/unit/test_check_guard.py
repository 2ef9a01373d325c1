"""The private-address guard: every spelling of a private address, direct and after a redirect."""

from __future__ import annotations

import asyncio
import ipaddress

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
    assert evil.status == Status.UNCHECKED and "resolves to private-use address 10.1.2.3" in evil.reason
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


# One address in every IANA special-purpose range (IPv4 and IPv6) and the multicast ranges,
# written out here, apart from the guard's own table, with a word its refusal must say.
SPECIAL_PURPOSE = [
    ("0.1.2.3", "this network"),
    ("10.200.0.1", "private-use"),
    ("100.127.255.254", "shared"),
    ("127.255.0.1", "loopback"),
    ("169.254.169.254", "link-local"),
    ("172.31.255.1", "private-use"),
    ("192.0.0.1", "IETF protocol"),  # IPv4 service continuity
    ("192.0.0.8", "IETF protocol"),  # IPv4 dummy address: was fetched (is_global says yes)
    ("192.0.0.9", "IETF protocol"),  # PCP anycast
    ("192.0.0.10", "IETF protocol"),  # TURN anycast
    ("192.0.0.170", "IETF protocol"),  # NAT64 discovery
    ("192.0.2.44", "documentation"),
    ("192.31.196.1", "AS112"),
    ("192.52.193.1", "AMT"),
    ("192.88.99.1", "6to4 relay"),
    ("192.168.255.255", "private-use"),
    ("192.175.48.6", "AS112"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.254", "benchmarking"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("224.0.0.251", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "broadcast"),
    ("[::]", "unspecified"),
    ("[::1]", "loopback"),
    ("[::ffff:192.0.0.8]", "IETF protocol"),  # mapped
    ("[64:ff9b::c612:1]", "benchmarking"),  # NAT64 of 198.18.0.1
    ("[64:ff9b:1::1]", "translation"),
    ("[100::1]", "discard"),
    ("[100:0:0:1::1]", "dummy"),
    ("[2001::1]", "IETF protocol"),  # Teredo
    ("[2001:1::1]", "IETF protocol"),  # PCP anycast
    ("[2001:2::1]", "IETF protocol"),  # benchmarking
    ("[2001:3::1]", "IETF protocol"),  # AMT
    ("[2001:4:112::1]", "IETF protocol"),  # AS112
    ("[2001:20::1]", "IETF protocol"),  # ORCHIDv2
    ("[2001:30::1]", "IETF protocol"),  # drone remote ID
    ("[2001:db8::1]", "documentation"),
    ("[2002:c000:0208::1]", "documentation"),  # 6to4 of 192.0.2.8
    ("[2620:4f:8000::1]", "AS112"),
    ("[3fff::1]", "documentation"),
    ("[5f00::1]", "segment routing"),
    ("[fd12:3456::1]", "unique-local"),
    ("[fe80::1]", "link-local"),
    ("[fec0::1]", "site-local"),
    ("[ff02::1]", "multicast"),
    ("[4000::1]", "outside global unicast"),
    ("[::8.8.8.8]", "outside global unicast"),  # deprecated IPv4-compatible form
]


@pytest.mark.parametrize(("host", "word"), SPECIAL_PURPOSE)
def test_every_special_purpose_range_is_refused(host: str, word: str) -> None:
    [result] = asyncio.run(check_urls([f"http://{host}/x"], OPTS, transport=refusing_transport()))
    assert result.status == Status.UNCHECKED and result.requests == 0
    assert "private-address guard" in result.reason and word in result.reason


def test_the_guard_never_asks_the_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    """``is_global`` and friends change between Python versions; the table does not."""
    for cls in (ipaddress.IPv4Address, ipaddress.IPv6Address):
        for name in ("is_global", "is_private", "is_reserved", "is_link_local", "is_loopback"):
            monkeypatch.setattr(cls, name, property(lambda _self: pytest.fail("asked the interpreter")))
    assert forbidden_reason(ipaddress.ip_address("192.0.0.8")) is not None
    assert forbidden_reason(ipaddress.ip_address("93.184.216.34")) is None


@pytest.mark.parametrize(
    ("host", "private", "link_local", "refused"),
    [
        ("127.0.0.1", True, False, False),
        ("[::1]", True, False, False),
        ("10.1.2.3", True, False, False),
        ("[fd00::1]", True, False, False),
        ("localhost", True, False, False),
        ("169.254.169.254", True, False, True),  # --allow-private alone keeps metadata closed
        ("[fe80::1]", True, False, True),
        ("169.254.169.254", False, True, False),
        ("[fe80::1]", False, True, False),
        ("127.0.0.1", False, True, True),  # and --allow-link-local opens nothing else
        ("192.0.0.8", True, True, True),  # special-purpose ranges: never
        ("198.18.0.1", True, True, True),
        ("0.0.0.0", True, True, True),
    ],
)
def test_allow_private_and_allow_link_local_open_their_own_ranges(
    host: str, private: bool, link_local: bool, refused: bool
) -> None:
    guard = Guard(allow_private=private, allow_link_local=link_local, resolver=None)
    if refused:
        with pytest.raises(Refused):
            guard.vet_literal(host)
    else:
        guard.vet_literal(host)


def test_a_refusal_names_the_flag_that_opens_it() -> None:
    guard = Guard(allow_private=False, resolver=None)
    with pytest.raises(Refused, match="--allow-link-local"):
        guard.vet_literal("169.254.169.254")
    with pytest.raises(Refused, match="--allow-private"):
        guard.vet_literal("10.0.0.1")


def test_public_addresses_and_names_pass() -> None:
    for public in ("8.8.8.8", "1.1.1.1", "[2606:4700::1111]", "[2a00:1450:4001::200e]", "[::ffff:8.8.8.8]"):
        assert forbidden_reason(parse_address(public)) is None, public  # type: ignore[arg-type]
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

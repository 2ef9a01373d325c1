"""The live network through aiohttp: its C HTTP parser (llhttp) and pool, our limits and guard.

What aiohttp is told, and why:

* it connects only to addresses the guard vetted: :class:`VettedResolver` answers every name
  with :meth:`Guard.vet`'s (cached) addresses, so a name cannot resolve one way for the guard
  and another for the socket; TLS still checks the certificate against, and sends SNI for,
  the real host name (aiohttp takes those from the URL, not from the resolver's address);
* no proxies, netrc or cookies from the environment (``trust_env=False``, a dummy cookie
  jar): a proxy would connect for us and bypass the guard;
* no automatic redirects (the checker follows hops itself, vetting each) and no automatic
  decompression (bodies go through our ``CappedDecoder``, so a compression bomb stops at
  ``max_body``), and no timeouts of its own (ours covers the whole exchange, drips included);
* headers bounded by aiohttp's per-line and per-count limits while parsing, then by
  ``max_header_bytes`` in all;
* keep-alive per origin bounded by ``--per-host``, and idle origins bounded in number;
* every error mapped to a ``FetchError`` kind here, as the checker expects them.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
from collections import OrderedDict
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from auditor.check.client import Answer, BodyWanted, CappedDecoder, FetchError, request_headers
from auditor.check.guard import DNSFailure, Guard
from auditor.models import CheckOptions

KEEPALIVE = 5.0  # seconds an idle connection is kept for the next request to its origin
DRAIN_MAX = 16 * 1024  # an unwanted body this small is read, so its connection can be reused
FIELD_MAX = 16 * 1024  # one header line, as h11 (httpx) allowed for a whole head
HEADERS_MAX = 128  # header lines: with FIELD_MAX, at most 2 MB parsed before our total applies
_SAFE_TARGET = re.compile(r"[!-~]*")  # printable ASCII, no spaces: nothing to smuggle a line in
_DEFAULT_PORT = {"http": 80, "https": 443}
Origin = tuple[str, str, int]


class VettedResolver(AbstractResolver):
    """Names resolve to what the guard vetted and to nothing else (``Refused`` otherwise)."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addrs = await self._guard.vet(host, port)
        return [
            ResolveResult(
                hostname=host,
                host=addr,
                port=port,
                family=socket.AF_INET6 if ":" in addr else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for addr in addrs
        ]

    async def close(self) -> None:
        return None


class AiohttpFetcher:
    """Every live request of one run, over one aiohttp session."""

    def __init__(self, guard: Guard, options: CheckOptions) -> None:
        self._guard = guard
        self._vetted: set[tuple[str, int]] = set()
        per_host = max(1, options.per_host)
        self._idle: OrderedDict[Origin, float] = OrderedDict()  # origins that keep connections
        self._max_idle = max(8, options.concurrency * 2 // per_host)
        connector = aiohttp.TCPConnector(
            resolver=VettedResolver(guard),
            use_dns_cache=False,  # the guard caches, and is the one answer
            ssl=_tls_context(),
            limit=0,  # the checker's gate bounds concurrency; a second queue here would run our clock
            limit_per_host=per_host,
            keepalive_timeout=KEEPALIVE,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=request_headers(options),
            trust_env=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            timeout=aiohttp.ClientTimeout(total=None),
            max_line_size=FIELD_MAX,
            max_field_size=FIELD_MAX,
            max_headers=HEADERS_MAX,
        )

    async def fetch(
        self, method: str, url: str, options: CheckOptions, *, body: BodyWanted | None, timeout: float
    ) -> Answer:
        """One request and its (bounded) answer; the clock runs from here to the last byte."""
        try:
            async with asyncio.timeout(timeout):
                return await self._exchange(method, url, options, body)
        except TimeoutError as exc:  # before OSError, of which it is a subclass
            raise FetchError("timeout", f"no complete answer within {timeout:g} s") from exc
        except (DNSFailure, aiohttp.ClientError, OSError, ValueError, asyncio.IncompleteReadError) as exc:
            raise FetchError(_kind(exc), _describe(exc)) from exc

    async def _exchange(
        self, method: str, url: str, options: CheckOptions, wanted: BodyWanted | None
    ) -> Answer:
        origin, target = _parse(url)
        if origin[1:] not in self._vetted:  # literal addresses never reach the resolver
            await self._guard.vet(origin[1], origin[2])
            self._vetted.add(origin[1:])
        resp = await self._session.request(method, target, allow_redirects=False)
        try:
            answer, reusable = await _answer(resp, method, options, wanted)
        except BaseException:
            resp.close()
            raise
        if reusable and self._keep(origin):
            resp.release()
        else:
            resp.close()
        return answer

    def _keep(self, origin: Origin) -> bool:
        """Whether ``origin`` may keep its connection idle: at most ``_max_idle`` origins at
        once, each with at most ``--per-host`` connections (aiohttp bounds idle ones only in
        time; a run over thousands of one-link hosts would otherwise hold a socket each)."""
        now = asyncio.get_running_loop().time()
        idle = self._idle
        while idle and now - next(iter(idle.values())) > KEEPALIVE:
            idle.popitem(last=False)
        if origin not in idle and len(idle) >= self._max_idle:
            return False
        idle[origin] = now
        idle.move_to_end(origin)
        return True

    async def aclose(self) -> None:
        await self._session.close()


def _tls_context() -> ssl.SSLContext:
    try:
        import certifi  # the CA bundle httpx used, so verification does not change

        context = ssl.create_default_context(cafile=certifi.where())
    except ImportError:
        context = ssl.create_default_context()
    context.set_alpn_protocols(["http/1.1"])
    return context


def _parse(url: str) -> tuple[Origin, URL]:
    """(scheme, host, port) and the URL as sent: IDNA host, a request target that nothing in
    the URL can break (urlsplit drops CR, LF and tabs; the rest is percent-encoded)."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in _DEFAULT_PORT or not host:
        raise FetchError("invalid", f"not an http(s) URL: {url[:200]}")
    try:
        port = parts.port or _DEFAULT_PORT[scheme]
        name = host if host.isascii() else host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise FetchError("invalid", f"bad host or port in {url[:200]}") from exc
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not _SAFE_TARGET.fullmatch(target):
        target = quote(target, safe="/?&=%:@!$'()*+,;[]~-._")
    shown = f"[{name}]" if ":" in name else name
    netloc = shown if port == _DEFAULT_PORT[scheme] else f"{shown}:{port}"
    try:
        return (scheme, name, port), URL(f"{scheme}://{netloc}{target}", encoded=True)
    except ValueError as exc:
        raise FetchError("invalid", f"bad URL {url[:200]}") from exc


async def _answer(
    resp: aiohttp.ClientResponse, method: str, options: CheckOptions, wanted: BodyWanted | None
) -> tuple[Answer, bool]:
    """Read (or skip) the body; the answer, and whether the connection can serve again."""
    headers = _headers(resp.raw_headers, options.max_header_bytes)
    status = resp.status
    answer = Answer(status, headers)
    if method == "HEAD" or status in (204, 304):
        return answer, True
    if wanted is None or not wanted(status, answer.content_type):
        length = resp.content_length  # None when chunked (aiohttp refuses both at once)
        if length is not None and length <= DRAIN_MAX:
            await resp.content.readexactly(length)
            return answer, True
        return answer, False  # not worth reading: the connection is closed instead
    decoder = CappedDecoder(headers.get("content-encoding", ""), options.max_body)
    raw = 0
    async for chunk in resp.content.iter_any():
        raw += len(chunk)
        if decoder.feed(chunk) or raw > 4 * options.max_body:
            return Answer(status, headers, bytes(decoder.out), truncated=True), False
    return Answer(status, headers, bytes(decoder.out)), True


def _headers(raw: Any, limit: int) -> dict[str, str]:
    """Lower-cased names, the last value of a repeated one, as the wire gives them."""
    if sum(len(k) + len(v) + 4 for k, v in raw) > limit:
        raise _TooLarge(f"response headers larger than {limit} bytes")
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}


class _TooLarge(ValueError):
    """The response head is over ``max_header_bytes``: ``protocol``."""


def _kind(exc: BaseException) -> str:
    """Our kind for aiohttp's (and the guard's) exceptions, as ``wire.py`` maps its own."""
    if isinstance(exc, DNSFailure | aiohttp.ClientConnectorDNSError | socket.gaierror):
        return "dns"
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError | ssl.CertificateError):
        return "tls"
    if isinstance(exc, aiohttp.InvalidURL):
        return "invalid"
    if isinstance(exc, _PROTOCOL):
        return "protocol"  # malformed or cut short, as wire.py's _Malformed / IncompleteReadError
    return "connect"


_PROTOCOL = (
    aiohttp.ClientResponseError,  # the parser refused the head (status line, headers, framing)
    aiohttp.ClientPayloadError,  # the body was cut short or its framing broke
    aiohttp.ServerDisconnectedError,  # closed before (or while) answering
    asyncio.IncompleteReadError,
    ValueError,
)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]

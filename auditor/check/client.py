"""The one place that speaks HTTP: the run's ``httpx.AsyncClient``, its transports, bounded reads.

Everything httpx-shaped stays here; the checker sees :class:`Answer` values and
:class:`FetchError` kinds, so the classification logic is testable without sockets and the
transport is the single test seam (``httpx.MockTransport``, cassettes).

Exceptions crossing this boundary::

    FetchError(kind)   kind in timeout | connect | dns | tls | protocol | not-in-cassette | invalid
    guard.Refused      the private-address guard said no (raised before any socket opens)
"""

from __future__ import annotations

import asyncio
import importlib.util
import re
import ssl
import sys
import zlib
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpcore
import httpx

from auditor.check import cassette as cas
from auditor.check.guard import DNSFailure, Guard
from auditor.models import CheckOptions

# httpcore tries ``import sniffio`` on every request; without sniffio installed (anyio 4.x
# no longer needs it) each failed import searches sys.path: ~0.3 ms a request, a fifth of the
# run's CPU. A None entry makes the failure instant and changes nothing else.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

Transport = httpx.AsyncBaseTransport
Client = httpx.AsyncClient
BodyWanted = Callable[[int, str], bool]
HIDDEN_LOCATION = "x-auditor-location"
_DRAIN_MAX = 16 * 1024
_DNS_WORDS = re.compile(
    r"name or service not known|nodename nor servname|getaddrinfo|name resolution|no address associated", re.I
)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([a-zA-Z0-9_\-]{1,40})""")


class FetchError(Exception):
    """A request ended without an answer; ``kind`` picks the status class."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class NotInCassette(Exception):
    """A replayed run asked for something the cassette does not hold."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes = b""
    truncated: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        """The body as text: header charset, else a ``<meta charset>`` near the top, else UTF-8."""
        m = _CHARSET.search(self.headers.get("content-type", "").encode()) or _CHARSET.search(
            self.body[:2048]
        )
        charset = m.group(1).decode() if m else "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


@dataclass
class CappedDecoder:
    """Decode gzip / deflate incrementally and stop at ``cap`` output bytes, so a 100 KB
    compression bomb never expands past the limit; unknown encodings yield no body."""

    encoding: str
    cap: int
    out: bytearray = field(default_factory=bytearray)
    done: bool = False
    _z: Any = None

    def __post_init__(self) -> None:
        enc = self.encoding.strip().lower()
        if enc in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self._z = zlib.decompressobj()
        elif enc not in ("", "identity"):
            self.done = True

    def feed(self, chunk: bytes) -> bool:
        """Add raw bytes; return True once nothing more is wanted."""
        if self.done:
            return True
        room = self.cap - len(self.out)
        if self._z is None:
            self.out += chunk[:room]
        else:
            try:
                self.out += self._z.decompress(chunk, room)
            except zlib.error:
                self.done = True
        if len(self.out) >= self.cap:
            self.done = True
        return self.done


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connect only to addresses the guard vetted (one resolution per name per run)."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addrs = await self._guard.vet(host, port)
        last: Exception | None = None
        for addr in addrs:
            try:
                return await self._inner.connect_tcp(addr, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the checker")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


TRANSPORT_ERRORS = (httpx.HTTPError, httpx.InvalidURL, OSError, TimeoutError, DNSFailure, NotInCassette)


def _kept(headers: httpx.Headers) -> dict[str, str]:
    return {k: headers[k] for k in cas.KEPT_HEADERS if k in headers}


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answer every request from a cassette; never open a socket."""

    def __init__(self, cassette: cas.Cassette) -> None:
        self.cassette = cassette

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        entry = self.cassette.find(request.method, str(request.url))
        if entry is None:
            raise NotInCassette(f"{request.method} {request.url} not in cassette")
        if entry.error:
            raise _recorded_error(entry.error, entry.detail)
        body = b""
        if request.method != "HEAD" and entry.body:
            m = _CHARSET.search(entry.headers.get("content-type", "").encode())
            try:
                body = entry.body.encode(m.group(1).decode() if m else "utf-8", errors="replace")
            except LookupError:
                body = entry.body.encode("utf-8")
        return httpx.Response(entry.status, headers=entry.headers, content=body, request=request)


def _recorded_error(kind: str, detail: str) -> Exception:
    if kind == "timeout":
        return httpx.ReadTimeout(detail or "recorded timeout")
    if kind == "dns":
        return DNSFailure(detail or "recorded DNS failure")
    if kind == "tls":
        return httpx.ConnectError(detail if "[SSL" in detail else f"[SSL] {detail or 'recorded TLS failure'}")
    if kind == "protocol":
        return httpx.RemoteProtocolError(detail or "recorded malformed response")
    return httpx.ConnectError(detail or "recorded connection failure")


class _TeeStream(httpx.AsyncByteStream):
    """Pass raw chunks through to the checker and keep (capped) what it read, for the recording."""

    def __init__(self, inner: httpx.AsyncByteStream, decoder: CappedDecoder, finish: Any) -> None:
        self._inner, self._decoder, self._finish = inner, decoder, finish

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._decoder.feed(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()
        self._finish(bytes(self._decoder.out))


class RecordingTransport(httpx.AsyncBaseTransport):
    """Wrap the real transport and write every exchange to a cassette when the run ends."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path: str, max_body: int) -> None:
        self.inner, self.path, self.max_body = inner, path, max_body
        self.cassette = cas.Cassette()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        method, url = request.method, str(request.url)
        try:
            response = await self.inner.handle_async_request(request)
        except TRANSPORT_ERRORS as exc:
            self.cassette.add(
                cas.Entry(method=method, url=url, error=_error_kind(exc), detail=_describe(exc))
            )
            raise
        headers = _kept(response.headers)
        decoder = CappedDecoder(response.headers.get("content-encoding", ""), self.max_body)

        def finish(body: bytes) -> None:
            text = Answer(response.status_code, headers, body).text() if body else ""
            self.cassette.add(
                cas.Entry(method=method, url=url, status=response.status_code, headers=headers, body=text)
            )

        assert isinstance(response.stream, httpx.AsyncByteStream)
        tee = _TeeStream(response.stream, decoder, finish)
        return httpx.Response(
            response.status_code, headers=response.headers, stream=tee, extensions=response.extensions
        )

    async def aclose(self) -> None:
        await self.inner.aclose()
        key = str(Path(self.path).resolve())
        if key in _RECORDED:  # a run opens several clients (the article page, each batch chunk)
            merged = cas.load(self.path)
            for entry in self.cassette.entries():
                merged.add(entry)
            self.cassette = merged
        cas.save(self.cassette, self.path)
        _RECORDED.add(key)


#: Cassettes this process has written: a later client of the same run adds to them
#: instead of replacing them; a new run (a new process) starts its cassette afresh.
_RECORDED: set[str] = set()


def _error_kind(exc: BaseException) -> str:
    """Map a transport exception to our kind, looking down the cause chain for SSL errors."""
    if isinstance(exc, DNSFailure):
        return "dns"
    if isinstance(exc, NotInCassette):
        return "not-in-cassette"
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timeout"
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return "invalid"
    chain: BaseException | None = exc
    while chain is not None:
        if isinstance(chain, ssl.SSLError) or "[SSL" in str(chain) or "CERTIFICATE" in str(chain):
            return "tls"
        chain = chain.__cause__ or chain.__context__
    if isinstance(exc, httpx.ProtocolError):
        return "protocol"
    if _DNS_WORDS.search(str(exc)):
        return "dns"
    return "connect"


class PerHostTransport(httpx.AsyncBaseTransport):
    """One small guarded connection pool per origin.

    httpcore's pool matches every queued request against every connection, which is
    quadratic when one pool serves many hosts (most of the CPU of a 3,700-URL run). Per-host
    pools of ``per_host`` connections keep that work tiny; pools with nothing in flight
    beyond the ``max_idle_hosts`` most recent are closed, so a run over thousands of hosts
    does not keep thousands of sockets open.
    """

    def __init__(self, guard: Guard, *, per_host: int, max_idle_hosts: int) -> None:
        self._backend = GuardedBackend(guard)
        self._ssl = httpx.create_ssl_context()
        self._per_host, self._max = max(1, per_host), max(1, max_idle_hosts)
        self._pools: OrderedDict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = OrderedDict()
        self._busy: Counter[tuple[bytes, bytes, int | None]] = Counter()

    def _pool(self, key: tuple[bytes, bytes, int | None]) -> httpx.AsyncHTTPTransport:
        transport = self._pools.get(key)
        if transport is None:
            transport = httpx.AsyncHTTPTransport(verify=self._ssl, retries=0)
            # httpx does not expose httpcore's network_backend, the only place where the
            # connection's address can be pinned to the one the guard vetted: swap the pool.
            transport._pool = httpcore.AsyncConnectionPool(
                ssl_context=self._ssl,
                max_connections=self._per_host + 2,
                max_keepalive_connections=self._per_host,
                keepalive_expiry=5.0,
                network_backend=self._backend,
            )
            self._pools[key] = transport
        self._pools.move_to_end(key)
        return transport

    async def _evict(self) -> None:
        for key in list(self._pools)[: max(0, len(self._pools) - self._max)]:
            if not self._busy[key]:
                await self._pools.pop(key).aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.raw_scheme, request.url.raw_host, request.url.port)
        pool = self._pool(key)
        self._busy[key] += 1
        try:
            response = await pool.handle_async_request(request)
        except BaseException:
            self._busy[key] -= 1
            raise
        inner = response.stream
        assert isinstance(inner, httpx.AsyncByteStream)

        async def release() -> None:
            self._busy[key] -= 1
            await self._evict()

        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Closing(inner, release),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()


class _Closing(httpx.AsyncByteStream):
    """A stream that calls back once when closed (to count a pool's requests in flight)."""

    def __init__(self, inner: httpx.AsyncByteStream, on_close: Callable[[], Awaitable[None]]) -> None:
        self._inner, self._on_close, self._closed = inner, on_close, False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()
        if not self._closed:
            self._closed = True
            await self._on_close()


class _HideLocation(httpx.AsyncBaseTransport):
    """Rename ``Location`` before httpx sees it: httpx parses it even with redirects off and
    raises on hostile values (``http://0177.0.0.1/``), while we follow redirects ourselves."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if "location" in response.headers:
            response.headers[HIDDEN_LOCATION] = response.headers.pop("location")
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def build_transport(options: CheckOptions, guard: Guard, transport: Transport | None) -> Transport:
    """Replay, or the real (guarded) transport or the injected one, wrapped for recording."""
    return _HideLocation(_build_transport(options, guard, transport))


def _build_transport(options: CheckOptions, guard: Guard, transport: Transport | None) -> Transport:
    if options.replay:
        return ReplayTransport(cas.load(options.replay))
    if transport is None:
        transport = PerHostTransport(guard, per_host=options.per_host, max_idle_hosts=options.concurrency * 2)
    if options.record:
        return RecordingTransport(transport, options.record, options.max_body)
    return transport


@asynccontextmanager
async def open_client(
    options: CheckOptions, guard: Guard, transport: Transport | None
) -> AsyncIterator[httpx.AsyncClient]:
    """The run's single client: no automatic redirects (we follow them hop by hop), no proxies
    from the environment (a proxy would connect for us and bypass the guard)."""
    headers = {
        "User-Agent": options.user_agent,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
        "Accept-Encoding": "gzip, deflate",
        "Accept-Language": "en;q=0.9, *;q=0.5",
    }
    client = httpx.AsyncClient(
        transport=build_transport(options, guard, transport),
        follow_redirects=False,
        timeout=httpx.Timeout(options.timeout),
        headers=headers,
        trust_env=False,
    )
    async with client:
        yield client


async def fetch(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    options: CheckOptions,
    *,
    body: BodyWanted | None,
    timeout: float | None = None,
) -> Answer:
    """One request, bounded in time (``asyncio.timeout`` covers a slow drip that httpx's
    per-read timeout would not) and in bytes. The clock starts here, when the request is
    sent: the caller has its connection slot already. The body is read only when
    ``body(status, content_type)`` says so; otherwise the response is closed unread."""
    try:
        async with asyncio.timeout(options.timeout if timeout is None else timeout):
            request = client.build_request(method, url)
            response = await client.send(request, stream=True)
            try:
                return await _answer(response, options, body=body)
            finally:
                await response.aclose()
    except TRANSPORT_ERRORS as exc:
        raise FetchError(_error_kind(exc), _describe(exc)) from exc


async def _answer(response: httpx.Response, options: CheckOptions, *, body: BodyWanted | None) -> Answer:
    raw = response.headers.raw
    if sum(len(k) + len(v) + 4 for k, v in raw) > options.max_header_bytes:
        raise httpx.RemoteProtocolError(f"response headers larger than {options.max_header_bytes} bytes")
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}
    if HIDDEN_LOCATION in headers:
        headers["location"] = headers.pop(HIDDEN_LOCATION)
    answer = Answer(response.status_code, headers)
    if body is None or response.request.method == "HEAD" or not body(answer.status, answer.content_type):
        length = headers.get("content-length", "x")
        drain = length.isdigit() and int(length) <= _DRAIN_MAX and not response.is_stream_consumed
        if response.request.method != "HEAD" and drain:
            async for _chunk in response.aiter_raw():  # drain a small body, so that the
                pass  # connection goes back to the pool instead of being closed
        return answer
    if response.is_stream_consumed:  # built in memory (mock transports): already decoded
        return Answer(answer.status, headers, response.content[: options.max_body])
    decoder = CappedDecoder(headers.get("content-encoding", ""), options.max_body)
    raw_read = 0
    async for chunk in response.aiter_raw():
        raw_read += len(chunk)
        if decoder.feed(chunk) or raw_read > 4 * options.max_body:
            return Answer(response.status_code, headers, bytes(decoder.out), truncated=True)
    return Answer(response.status_code, headers, bytes(decoder.out))


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]

"""HTTP/1.1 with the least machinery a link check needs, straight over asyncio streams.

Why not httpx on the live path: its client, httpcore's pool and the h11 and anyio layers
under it cost about half a millisecond of CPU per request, most of a check's CPU, for
things a link check never uses (cookies, auth, automatic redirects, proxies, HTTP/2). What a
check does need is here, in one place: a small keep-alive pool per origin; connections only
to the addresses the guard vetted (so a name cannot resolve one way for the guard and
another for the socket); TLS with SNI and certificate checks; header and body reads bounded
whatever the framing (Content-Length, chunked, or until close); errors mapped to
``FetchError`` kinds at this one boundary. httpx remains the seam for tests, replays and
library callers who pass a transport (``check/viahttpx.py``).

Why not aiohttp either, though a well-kept library beats our own code where it does the job
as well: it was measured as the live fetcher (commit c6e9d38: the same guard-vetted
resolver, bounds and error kinds, passing the same tests; ``bench_check.py --fetcher wire
--fetcher aiohttp --repeat 3`` at 200659f reruns the comparison). Over 9 interleaved rounds
of ``benchmarks/bench_check.py`` (3,700 URLs, load average 3.7-6.4) a check took a median
2.62 s of CPU (0.71 s per 1,000 URLs) over aiohttp against 2.27 s (0.61) over this module;
the fetcher alone, 167-216 us of CPU a request against 86-111 us, plus 0.1 s to import.
That puts the check at 2.13x lychee's CPU (within issue 12's 2x in 1 round of 9) instead
of 1.84x (8 of 9). Its parser (llhttp) also refuses answers this module reads: some the
RFCs allow (spaces around a chunk extension's ``;``; an identical repeated Content-Length,
which a client may read as one), some that careless servers send (a space before a header's
colon, a NUL byte in a value). Each would be a working link reported broken. (Heads whose
lines end in a bare LF are the other way round: aiohttp reads them, this module not yet.)
The risk of our own client is kept small instead: every read is capped, broken framing is
``protocol``, and hostile servers drive it in ``tests/integration/test_check_server.py``,
``test_check_wire.py`` and ``test_check_live_guard.py``.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from auditor.check.client import Answer, BodyWanted, CappedDecoder, FetchError, request_headers
from auditor.check.guard import DNSFailure, Guard
from auditor.check.netwatch import dns_answered, os_answered
from auditor.models import CheckOptions

KEEPALIVE = 5.0  # seconds an idle connection is kept for the next request to its origin
DRAIN_MAX = 16 * 1024  # an unwanted body this small is read, so its connection can be reused
_READ = 64 * 1024
_SAFE_TARGET = re.compile(r"[!-~]*")  # printable ASCII, no spaces: nothing to smuggle a line in
_DEFAULT_PORT = {"http": 80, "https": 443}
Origin = tuple[str, str, int]


_MAX_HEAD_LINES = 256


class _Malformed(Exception):
    """The server's answer breaks HTTP/1.1 framing: ``protocol``."""


@dataclass(slots=True)
class _Conn:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0

    def usable(self, now: float) -> bool:
        return (
            now - self.idle_since < KEEPALIVE
            and not self.reader.at_eof()
            and not self.writer.transport.is_closing()
        )

    def close(self) -> None:
        self.writer.transport.abort()


@dataclass(slots=True)
class _Head:
    status: int
    headers: dict[str, str]
    keep_alive: bool


class Pool:
    """Every request of one run: idle connections per origin, at most ``max_idle`` in all."""

    def __init__(self, guard: Guard, options: CheckOptions) -> None:
        self._guard = guard
        self._options = options
        self._headers = "".join(f"{k}: {v}\r\n" for k, v in request_headers(options).items())
        self._idle: OrderedDict[Origin, list[_Conn]] = OrderedDict()
        self._idle_count = 0
        self._per_origin = max(1, options.per_host)
        self._max_idle = max(8, options.concurrency * 2)
        self._tls: ssl.SSLContext | None = None

    async def fetch(
        self, method: str, url: str, options: CheckOptions, *, body: BodyWanted | None, timeout: float
    ) -> Answer:
        """One request and its (bounded) answer; the clock runs from here to the last byte.

        Errors become ``FetchError`` kinds here, with whether anything replied (a refused
        connection, a name server's NXDOMAIN, a server that accepted and went quiet).
        """
        connected = [False]
        try:
            async with asyncio.timeout(timeout):
                return await self._exchange(method, url, options, body, connected)
        except TimeoutError as exc:  # before OSError, of which it is a subclass
            if not connected[0]:
                raise FetchError("timeout", f"no connection within {timeout:g} s") from exc
            raise FetchError("timeout", f"no complete answer within {timeout:g} s", answered=True) from exc
        except DNSFailure as exc:
            raise FetchError("dns", str(exc)[:200], answered=exc.answered) from exc
        except (ssl.SSLError, ssl.CertificateError) as exc:
            raise FetchError("tls", _describe(exc), answered=True) from exc
        except socket.gaierror as exc:
            raise FetchError("dns", _describe(exc), answered=dns_answered(exc)) from exc
        except (_Malformed, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            raise FetchError("protocol", _describe(exc), answered=True) from exc
        except OSError as exc:
            raise FetchError("connect", _describe(exc), answered=connected[0] or os_answered(exc)) from exc

    async def _exchange(
        self, method: str, url: str, options: CheckOptions, wanted: BodyWanted | None, connected: list[bool]
    ) -> Answer:
        origin, host_header, target = _parse(url)
        request = f"{method} {target} HTTP/1.1\r\nHost: {host_header}\r\n{self._headers}\r\n".encode()
        while True:
            connected[0] = False
            conn, reused = await self._connection(origin)
            connected[0] = True  # whatever fails from here, the host was reached
            try:
                conn.writer.write(request)
                head = await _read_head(conn.reader, options.max_header_bytes)
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                conn.close()
                if reused and not (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                    continue  # the server closed a kept-alive connection while it was idle
                raise
            except BaseException:
                conn.close()
                raise
            break
        try:
            answer, reusable = await _body(conn.reader, method, head, options, wanted)
        except BaseException:
            conn.close()
            raise
        if reusable and head.keep_alive:
            self._release(origin, conn)
        else:
            conn.close()
        return answer

    async def _connection(self, origin: Origin) -> tuple[_Conn, bool]:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            conn = idle.pop()
            self._idle_count -= 1
            if conn.usable(now):
                return conn, True
            conn.close()
        return await self._connect(origin), False

    async def _connect(self, origin: Origin) -> _Conn:
        scheme, host, port = origin
        tls = self._tls_context() if scheme == "https" else None
        last: Exception | None = None
        for addr in await self._guard.vet(host, port):  # only what the guard vetted
            try:
                reader, writer = await asyncio.open_connection(
                    addr, port, ssl=tls, server_hostname=host if tls else None,
                    limit=self._options.max_header_bytes + _READ,
                )  # fmt: skip
                return _Conn(reader, writer)
            except (ssl.SSLError, ssl.CertificateError):
                raise
            except OSError as exc:
                last = exc
        raise last or OSError(f"no address to connect to for {host}")

    def _release(self, origin: Origin, conn: _Conn) -> None:
        conn.idle_since = time.monotonic()
        self._idle.setdefault(origin, [])
        self._idle.move_to_end(origin)
        kept = self._idle[origin]
        if len(kept) >= self._per_origin:
            conn.close()
            return
        kept.append(conn)
        self._idle_count += 1
        while self._idle_count > self._max_idle:  # the least recently used origin gives one up
            oldest = next(iter(self._idle))
            if self._idle[oldest]:
                self._idle[oldest].pop(0).close()
                self._idle_count -= 1
            if not self._idle[oldest]:
                del self._idle[oldest]

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            try:
                import certifi  # the CA bundle httpx used, so verification does not change

                self._tls = ssl.create_default_context(cafile=certifi.where())
            except ImportError:
                self._tls = ssl.create_default_context()
            self._tls.set_alpn_protocols(["http/1.1"])
        return self._tls

    async def aclose(self) -> None:
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        self._idle.clear()
        self._idle_count = 0


def _parse(url: str) -> tuple[Origin, str, str]:
    """(scheme, host, port), the Host header and the request target of an absolute URL."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in _DEFAULT_PORT or not host:
        raise FetchError("invalid", f"not an http(s) URL: {url[:200]}")
    try:
        port = parts.port or _DEFAULT_PORT[scheme]
        name = host if host.isascii() else host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise FetchError("invalid", f"bad host or port in {url[:200]}") from exc
    shown = f"[{name}]" if ":" in name else name
    host_header = shown if port == _DEFAULT_PORT[scheme] else f"{shown}:{port}"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not _SAFE_TARGET.fullmatch(target):
        target = quote(target, safe="/?&=%:@!$'()*+,;[]~-._")
    return (scheme, name, port), host_header, target


async def _head_lines(reader: asyncio.StreamReader, limit: int) -> list[str]:
    """One response head's lines, up to the empty line. Lines may end in CRLF or, as embedded
    servers often send them, a bare LF (RFC 9112 §2.2 lets a recipient accept both)."""
    lines: list[str] = []
    size = 0
    while True:
        try:
            raw = await reader.readuntil(b"\n")
        except asyncio.LimitOverrunError as exc:
            raise _Malformed(f"response headers larger than {limit} bytes") from exc
        size += len(raw)
        if size > limit or len(lines) > _MAX_HEAD_LINES:
            raise _Malformed(f"response headers larger than {limit} bytes")
        line = raw.rstrip(b"\r\n").decode("latin-1")
        if not line:
            if lines:
                return lines
            continue  # stray empty lines before a status line (after a 1xx, say)
        lines.append(line)


async def _read_head(reader: asyncio.StreamReader, limit: int) -> _Head:
    """The status line and headers, skipping interim (1xx) answers; at most ``limit`` bytes."""
    for _ in range(8):
        lines = await _head_lines(reader, limit)
        version, _, rest = lines[0].partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or not code.isdigit():
            raise _Malformed(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
        status = int(code)
        if 100 <= status < 200 and status != 101:
            continue
        headers: dict[str, str] = {}
        last = ""
        for line in lines[1:]:
            if not line:
                continue
            if line[0] in " \t" and last:  # an obsolete folded continuation line
                headers[last] += " " + line.strip()
                continue
            name, sep, value = line.partition(":")
            last = name.strip().lower()
            if not sep or not last:
                raise _Malformed(f"malformed header line {line[:80]!r}")
            headers[last] = value.strip()
        connection = headers.get("connection", "").lower()
        keep = "close" not in connection and (version != "HTTP/1.0" or "keep-alive" in connection)
        return _Head(status, headers, keep)
    raise _Malformed("too many interim (1xx) responses")


async def _body(
    reader: asyncio.StreamReader, method: str, head: _Head, options: CheckOptions, wanted: BodyWanted | None
) -> tuple[Answer, bool]:
    """Read (or skip) the body; the answer, and whether the connection can serve again."""
    headers, status = head.headers, head.status
    answer = Answer(status, headers)
    if method == "HEAD" or status in (204, 304):
        return answer, True
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    length = _content_length(headers) if not chunked else None
    if wanted is None or not wanted(status, answer.content_type):
        if length is not None and length <= DRAIN_MAX:
            await reader.readexactly(length)
            return answer, True
        return answer, False  # not worth reading: the connection is closed instead
    decoder = CappedDecoder(headers.get("content-encoding", ""), options.max_body)
    chunks = _chunks(reader) if chunked else _sized(reader, length)
    raw = 0
    try:
        async for chunk in chunks:
            raw += len(chunk)
            if decoder.feed(chunk) or raw > 4 * options.max_body:
                return Answer(status, headers, bytes(decoder.out), truncated=True), False
    finally:
        await chunks.aclose()
    return Answer(status, headers, bytes(decoder.out)), length is not None or chunked


def _content_length(headers: dict[str, str]) -> int | None:
    value = headers.get("content-length")
    if value is None:
        return None
    values = {v.strip() for v in value.split(",")}
    if len(values) != 1 or not next(iter(values)).isdigit():
        raise _Malformed(f"bad Content-Length {value[:40]!r}")
    return int(values.pop())


async def _sized(reader: asyncio.StreamReader, length: int | None) -> AsyncGenerator[bytes, None]:
    """``length`` bytes, or everything until the server closes when no length was given."""
    if length is None:
        while chunk := await reader.read(_READ):
            yield chunk
        return
    left = length
    while left > 0:
        chunk = await reader.read(min(_READ, left))
        if not chunk:
            raise asyncio.IncompleteReadError(b"", left)
        left -= len(chunk)
        yield chunk


async def _chunks(reader: asyncio.StreamReader) -> AsyncGenerator[bytes, None]:
    """The data of a chunked body, chunk by chunk, trailers skipped (CRLF or bare LF lines)."""
    while True:
        line = await reader.readuntil(b"\n")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError as exc:
            raise _Malformed(f"bad chunk size line {line[:40]!r}") from exc
        if size == 0:
            for _ in range(64):  # trailers, up to the empty line
                if not (await reader.readuntil(b"\n")).strip(b"\r\n"):
                    return
            raise _Malformed("endless chunked trailers")
        while size > 0:
            chunk = await reader.read(min(_READ, size))
            if not chunk:
                raise asyncio.IncompleteReadError(b"", size)
            size -= len(chunk)
            yield chunk
        end = await reader.readexactly(1)
        if end == b"\r":
            end = await reader.readexactly(1)
        if end != b"\n":
            raise _Malformed("chunk without its CRLF")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]

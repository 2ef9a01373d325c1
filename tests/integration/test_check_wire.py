"""Our HTTP/1.1 on the wire, against a server this test starts on 127.0.0.1.

What the live path must get right that a mock transport never shows: connections kept alive
and reused per origin, a kept-alive connection the server closed meanwhile, every body
framing (length, chunked, until close), interim answers, folded headers, and a request line
that nothing in a URL can break.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from auditor.check import check_urls
from auditor.check.client import FetchError
from auditor.check.guard import Guard, system_resolver
from auditor.check.wire import Pool
from auditor.models import CheckOptions, CheckResult, Status

PAGE = b"<html><head><title>Harbour</title></head><body><p>A fine page.</p></body></html>"
OPTS = CheckOptions(probe=False, timeout=2.0, allow_private=True, archive=False, retries=0)
Respond = Callable[[str, asyncio.StreamWriter], Awaitable[bool]]  # True: keep the connection


class Server:
    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.connections = 0
        self.requests: list[bytes] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            first = await reader.readexactly(1)
            if first == b"\x16":  # a TLS ClientHello to this plain-HTTP port: answer in plain text
                writer.write(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
                return
            while True:
                head = first + await reader.readuntil(b"\r\n\r\n")
                first = b""
                self.requests.append(head)
                if not await self.respond(head.split(b" ")[1].decode("latin-1"), writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def serving(respond: Respond) -> AsyncIterator[tuple[Server, str]]:
    server = Server(respond)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    try:
        yield server, f"http://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
    finally:
        listener.close()


async def page(path: str, w: asyncio.StreamWriter) -> bool:
    w.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(PAGE), PAGE))
    await w.drain()
    return True


def check(
    respond: Respond, paths: list[str], options: CheckOptions = OPTS
) -> tuple[Server, list[CheckResult]]:
    async def go() -> tuple[Server, list[CheckResult]]:
        async with serving(respond) as (server, base):
            return server, await check_urls([base + p for p in paths], options)

    return asyncio.run(go())


def test_connections_are_kept_alive_and_reused_per_host() -> None:
    server, results = check(page, [f"/story/{i}" for i in range(40)])
    assert [r.status for r in results] == [Status.OK] * 40
    assert len(server.requests) == 40 and server.connections <= OPTS.per_host


def test_a_kept_alive_connection_the_server_closed_is_replaced_without_an_error() -> None:
    async def once_per_connection(path: str, w: asyncio.StreamWriter) -> bool:
        await page(path, w)
        return False  # closes after each answer, though it never said "Connection: close"

    options = CheckOptions(probe=False, timeout=2.0, allow_private=True, archive=False, retries=0, per_host=1)
    server, results = check(once_per_connection, [f"/story/{i}" for i in range(10)], options)
    assert [r.status for r in results] == [Status.OK] * 10
    assert all(r.requests == 1 for r in results) and len(server.requests) == 10


def test_every_body_framing_is_read_and_interim_answers_skipped() -> None:
    async def framings(path: str, w: asyncio.StreamWriter) -> bool:
        if path == "/chunked":
            body = b"<html><head><title>Seite nicht gefunden</title></head><body><h1>Fehler 404</h1></body></html>"
            w.write(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n")  # fmt: skip
            for i in range(0, len(body), 10):
                piece = body[i : i + 10]
                w.write(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece))
            w.write(b"0\r\nX-Trailer: yes\r\n\r\n")
        elif path == "/close":
            w.write(b"HTTP/1.0 404 Not Found\r\nContent-Type: text/html\r\n\r\nnot here")
            await w.drain()
            return False
        elif path == "/folded":
            w.write(
                b"HTTP/1.1 301 Moved\r\nLocation: /story\r\nX-Note: one\r\n  two\r\nContent-Length: 0\r\n\r\n"
            )
        else:
            return await page(path, w)
        await w.drain()
        return True

    _server, results = check(framings, ["/chunked", "/close", "/folded"])
    chunked, closed, folded = results
    assert chunked.status is Status.SOFT_404
    assert closed.status is Status.DEAD and closed.http_status == 404
    assert folded.status is Status.REDIRECTED and folded.final_url and folded.final_url.endswith("/story")


def test_bare_line_feeds_are_read_as_line_ends() -> None:
    """Embedded servers end header and chunk lines with a bare LF; such a page is alive."""

    async def bare_lf(path: str, w: asyncio.StreamWriter) -> bool:
        if path == "/chunked":
            w.write(b"HTTP/1.1 200 OK\nContent-Type: text/html\nTransfer-Encoding: chunked\n\n")
            w.write(b"%x\n%s\n0\n\n" % (len(PAGE), PAGE))
        else:
            w.write(b"HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: %d\n\n%s" % (len(PAGE), PAGE))
        await w.drain()
        return True

    one = CheckOptions(timeout=2.0, allow_private=True, archive=False, retries=0, per_host=1)
    server, results = check(bare_lf, ["/length", "/chunked", "/length2"], one)
    assert [r.status for r in results] == [Status.OK] * 3
    assert server.connections == 1  # read to the end of each answer, so the connection is reused


def test_the_request_line_and_host_header_are_what_the_url_says() -> None:
    async def go() -> tuple[Server, list[bytes]]:
        async with serving(page) as (server, base):
            pool = Pool(Guard(allow_private=True, resolver=system_resolver), OPTS)
            try:
                await pool.fetch("GET", base + "/a b?q=ü\r\nX-Evil: 1", OPTS, body=None, timeout=2)
            finally:
                await pool.aclose()
            return server, server.requests

    _server, requests = asyncio.run(go())
    line, *headers = requests[0].decode("latin-1").split("\r\n")
    assert line == "GET /a%20b?q=%C3%BCX-Evil:%201 HTTP/1.1"  # CR and LF dropped, as browsers do
    assert not any(h.lower().startswith("x-evil") for h in headers)
    assert any(h.startswith("Host: 127.0.0.1:") for h in headers)


def test_malformed_answers_are_protocol_errors_not_crashes() -> None:
    async def garbage(path: str, w: asyncio.StreamWriter) -> bool:
        replies = {
            "/status": b"HTTX/9 what\r\n\r\n",
            "/length": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5, 6\r\n\r\nhello",
            "/chunk": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "/short": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 500\r\n\r\n<p>cut",
        }
        w.write(replies[path])
        await w.drain()
        return False

    async def go() -> list[str]:
        kinds = []
        async with serving(garbage) as (_server, base):
            pool = Pool(Guard(allow_private=True, resolver=system_resolver), OPTS)
            for path in ("/status", "/length", "/chunk", "/short"):
                try:
                    await pool.fetch("GET", base + path, OPTS, body=lambda _s, _c: True, timeout=2)
                except FetchError as exc:
                    kinds.append(exc.kind)
            await pool.aclose()
        return kinds

    assert asyncio.run(go()) == ["protocol"] * 4


def test_the_cli_event_loop_speaks_the_same_wire() -> None:
    """The CLI runs checks on uvloop where it is installed: framings, reuse and TLS errors too."""
    from auditor.check.checker import run_sync

    async def mixed(path: str, w: asyncio.StreamWriter) -> bool:
        if path == "/chunked":
            w.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"%x\r\n%s\r\n0\r\n\r\n" % (len(PAGE), PAGE))  # fmt: skip
            await w.drain()
            return True
        return await page(path, w)

    async def go() -> tuple[Server, list[CheckResult]]:
        async with serving(mixed) as (server, base):
            urls = [
                base + "/chunked",
                *(f"{base}/story/{i}" for i in range(20)),
                base.replace("http:", "https:") + "/",
            ]
            return server, await check_urls(urls, OPTS)

    server, results = run_sync(go())
    assert [r.status for r in results[:-1]] == [Status.OK] * 21
    assert results[-1].status is Status.TLS_ERROR  # TLS to a plain-HTTP port
    assert server.connections <= OPTS.per_host + 1

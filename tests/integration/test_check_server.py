"""Hostile servers, for real: a server this test starts on 127.0.0.1 (ephemeral port).

Each misbehaviour must end in its status class within the configured limits, and the
run must go on. Everything runs in one check so the whole file takes about the timeout.
"""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from auditor.check import check_urls
from auditor.check.client import CappedDecoder
from auditor.models import CheckOptions, CheckResult, Status

TIMEOUT = 1.0
BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # ~64 KB that inflates to 64 MB
PAGE = b"<html><head><title>Fine</title></head><body><p>A fine page.</p></body></html>"


def head(status: str, extra: str = "", length: int | None = None, ctype: str = "text/html") -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Type: {ctype}", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if extra:
        lines.append(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Hostile:
    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.port = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            first = await reader.readexactly(1)
            if first == b"\x16":  # a TLS ClientHello to a plain-HTTP port: answer in plain text
                writer.write(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
                await writer.drain()
                return
            request = first + await reader.readuntil(b"\r\n\r\n")
            method, path = request.split(b" ")[:2]
            self.seen[path.decode()] += 1
            await self.respond(path.decode(), method == b"HEAD", writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def respond(self, path: str, is_head: bool, w: asyncio.StreamWriter) -> None:
        if path == "/ok":
            w.write(head("200 OK", length=len(PAGE)) + (b"" if is_head else PAGE))
        elif path == "/hang":
            await asyncio.sleep(30)
        elif path == "/drip":
            w.write(head("200 OK", length=10_000_000))
            for _ in range(300):  # one byte every 50 ms: never idle long enough for a read timeout
                w.write(b"<")
                await w.drain()
                await asyncio.sleep(0.05)
        elif path == "/endless":
            w.write(head("200 OK", "Transfer-Encoding: chunked"))
            chunk = b"<p>" + b"more " * 2000 + b"</p>"
            while True:
                w.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                await w.drain()
        elif path == "/bomb":
            w.write(head("200 OK", "Content-Encoding: gzip", length=len(BOMB)) + BOMB)
        elif path.startswith("/loop"):
            other = "/loop-b" if path == "/loop-a" else "/loop-a"
            w.write(head("302 Found", f"Location: {other}", length=0))
        elif path.startswith("/many/"):
            n = int(path.rsplit("/", 1)[1])
            w.write(head("301 Moved", f"Location: /many/{n + 1}", length=0))
        elif path == "/huge-headers":
            w.write(head("200 OK", "\r\n".join(f"X-Pad-{i}: {'a' * 1000}" for i in range(200)), length=0))
        elif path == "/retry":
            status = "429 Too Many" if self.seen[path] == 1 else "200 OK"
            w.write(head(status, "Retry-After: 0", length=len(PAGE)) + PAGE)
        else:
            w.write(head("404 Not Found", length=0))
        await w.drain()


@asynccontextmanager
async def serve() -> AsyncIterator[Hostile]:
    hostile = Hostile()
    server = await asyncio.start_server(hostile.handle, "127.0.0.1", 0)
    hostile.port = server.sockets[0].getsockname()[1]
    async with server:
        yield hostile
        server.close()


async def run(paths: list[str], **options: object) -> tuple[Hostile, dict[str, CheckResult], float]:
    async with serve() as hostile:
        base = f"http://127.0.0.1:{hostile.port}"
        opts = CheckOptions(probe=False, timeout=TIMEOUT, allow_private=True, archive=False, **options)  # type: ignore[arg-type]
        started = time.monotonic()
        results = await check_urls(
            [base + p if p.startswith("/") else p.format(port=hostile.port) for p in paths], opts
        )
        elapsed = time.monotonic() - started
    return hostile, {r.url.split(str(hostile.port), 1)[-1]: r for r in results}, elapsed


def test_hostile_servers_end_in_their_classes_within_the_limits() -> None:
    tracemalloc.start()
    paths = [
        "/ok",
        "/hang",
        "/drip",
        "/endless",
        "/bomb",
        "/loop-a",
        "/many/0",
        "/huge-headers",
        "/retry",
        "/nope",
    ]
    hostile, by_path, elapsed = asyncio.run(run(paths, max_redirects=20))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    status = {p: r.status for p, r in by_path.items()}
    assert status == {
        "/ok": Status.OK,
        "/hang": Status.TIMEOUT,
        "/drip": Status.TIMEOUT,
        "/endless": Status.OK,
        "/bomb": Status.OK,
        "/loop-a": Status.TOO_MANY_REDIRECTS,
        "/many/0": Status.TOO_MANY_REDIRECTS,
        "/huge-headers": Status.CONNECTION_ERROR,
        "/retry": Status.OK,
        "/nope": Status.DEAD,
    }
    assert "loop" in by_path["/loop-a"].reason
    assert (
        len(by_path["/many/0"].redirects) == 21
        and hostile.seen["/many/20"] == 1
        and hostile.seen["/many/21"] == 0
    )
    assert by_path["/retry"].requests == 2
    assert elapsed < TIMEOUT * 4  # drips and hangs cut at the per-request deadline
    assert peak < 40 * 1024 * 1024  # neither the bomb nor the endless body was held whole


def test_invalid_tls_and_refused_connections() -> None:
    async def go() -> list[CheckResult]:
        async with serve() as hostile:
            closed = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
            dead_port = closed.sockets[0].getsockname()[1]
            closed.close()
            await closed.wait_closed()
            urls = [f"https://127.0.0.1:{hostile.port}/ok", f"http://127.0.0.1:{dead_port}/"]
            opts = CheckOptions(probe=False, timeout=TIMEOUT, allow_private=True, archive=False)
            return await check_urls(urls, opts, sleep=_nosleep)

    tls, refused = asyncio.run(go())
    assert tls.status == Status.TLS_ERROR
    assert refused.status == Status.CONNECTION_ERROR and refused.requests == 3


async def _nosleep(_s: float) -> None:
    return None


def test_the_guard_holds_on_the_real_network_path() -> None:
    async def go() -> tuple[Hostile, list[CheckResult]]:
        async with serve() as hostile:
            urls = [
                f"http://127.0.0.1:{hostile.port}/ok",
                f"http://localhost:{hostile.port}/ok",
                f"http://2130706433:{hostile.port}/ok",
            ]
            return hostile, await check_urls(urls, CheckOptions(probe=False, timeout=TIMEOUT, archive=False))

    hostile, results = asyncio.run(go())
    assert [r.status for r in results] == [Status.UNCHECKED] * 3
    assert sum(hostile.seen.values()) == 0


def test_capped_decoder_never_inflates_past_the_cap() -> None:
    decoder = CappedDecoder("gzip", 256 * 1024)
    for i in range(0, len(BOMB), 16384):
        if decoder.feed(BOMB[i : i + 16384]):
            break
    assert len(decoder.out) == 256 * 1024

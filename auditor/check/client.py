"""The checker's HTTP boundary: what a request returns (``Answer``), how it fails
(``FetchError``), and the run's one fetcher, chosen in :func:`open_client`.

The live network goes through ``check/wire.py`` (HTTP/1.1 with the least machinery, the only
sockets we open); an injected transport (tests, library callers) or a ``--replay`` cassette
goes through httpx in ``check/viahttpx.py``, imported only then. Either way the checker sees
:class:`Answer` values and :class:`FetchError` kinds, so classification is testable without
sockets, and ``--record`` wraps whichever fetcher runs.

Exceptions crossing this boundary::

    FetchError(kind)   kind in timeout | connect | dns | tls | protocol | not-in-cassette | invalid
                       | network (not sent: the network looks unreachable)
    guard.Refused      the private-address guard said no (raised before any socket opens)
"""

from __future__ import annotations

import re
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from auditor.check import cassette as cas
from auditor.check.guard import Guard
from auditor.load import text_codec
from auditor.models import CheckOptions

if TYPE_CHECKING:
    import httpx

    Transport = httpx.AsyncBaseTransport
else:
    Transport = Any

BodyWanted = Callable[[int, str], bool]
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([a-zA-Z0-9_\-]{1,40})""")


def _codec(headers: dict[str, str], body: bytes = b"") -> str:
    m = _CHARSET.search(headers.get("content-type", "").encode()) or _CHARSET.search(body[:2048])
    return (text_codec(m.group(1).decode("ascii", "replace")) if m else None) or "utf-8"


class FetchError(Exception):
    """A request ended without an answer; ``kind`` picks the status class.

    ``answered``: something on the other side replied (a name server saying the name does
    not exist, a refused connection, a server that went quiet after accepting): a fact about
    the link. Unanswered failures from nearly every host are a fact about our network
    (``check/netwatch.py``).
    """

    def __init__(self, kind: str, detail: str, *, answered: bool = False) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.answered = answered


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
        """The body as text: header charset, else a ``<meta charset>`` near the top, else UTF-8.

        Only codecs a browser would use (``load.text_codec``): a not-found page labelled
        ``idna`` or ``utf-16`` must still read as the not-found page it is.
        """
        return self.body.decode(_codec(self.headers, self.body), errors="replace")


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


class Fetcher(Protocol):
    """One request and its bounded answer, or a ``FetchError``; the clock starts at the call."""

    async def fetch(
        self, method: str, url: str, options: CheckOptions, *, body: BodyWanted | None, timeout: float
    ) -> Answer: ...

    async def aclose(self) -> None: ...


def request_headers(options: CheckOptions) -> dict[str, str]:
    """What every request says about us and what we accept (both fetchers send these)."""
    return {
        "User-Agent": options.user_agent,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
        "Accept-Encoding": "gzip, deflate",
        "Accept-Language": "en;q=0.9, *;q=0.5",
    }


class Recorder:
    """``--record``: every exchange of the run written to a cassette when the run ends."""

    def __init__(self, inner: Fetcher, path: str) -> None:
        self.inner, self.path = inner, path
        self.cassette = cas.Cassette()

    async def fetch(
        self, method: str, url: str, options: CheckOptions, *, body: BodyWanted | None, timeout: float
    ) -> Answer:
        try:
            answer = await self.inner.fetch(method, url, options, body=body, timeout=timeout)
        except FetchError as exc:
            if exc.kind in cas.ERROR_KINDS:
                self.cassette.add(cas.Entry(method=method, url=url, error=exc.kind, detail=exc.detail))
            raise
        headers = {k: answer.headers[k] for k in cas.KEPT_HEADERS if k in answer.headers}
        text = answer.text() if answer.body else ""
        self.cassette.add(cas.Entry(method=method, url=url, status=answer.status, headers=headers, body=text))
        return answer

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


@asynccontextmanager
async def open_client(
    options: CheckOptions, guard: Guard, transport: Transport | None
) -> AsyncIterator[Fetcher]:
    """The run's single fetcher: our own HTTP/1.1 on the live network, httpx for an injected
    transport or a replay; wrapped for recording. No proxies from the environment either way
    (a proxy would connect for us and bypass the guard)."""
    fetcher: Fetcher
    if transport is None and not options.replay:
        from auditor.check.wire import Pool

        fetcher = Pool(guard, options)
    else:
        from auditor.check.viahttpx import HttpxFetcher

        fetcher = HttpxFetcher(options, transport)
    if options.record and not options.replay:
        fetcher = Recorder(fetcher, options.record)
    try:
        yield fetcher
    finally:
        await fetcher.aclose()

"""The httpx seam: injected transports (``httpx.MockTransport`` in tests, library callers) and
``--replay`` cassettes, behind the same :class:`~auditor.check.client.Fetcher` as the live path.

The only module that imports httpx, and only when a run needs it: the live network goes
through ``check/wire.py``.
"""

from __future__ import annotations

import asyncio
import importlib.util
import re
import ssl
import sys

import httpx

from auditor.check import cassette as cas
from auditor.check.client import (
    Answer,
    BodyWanted,
    CappedDecoder,
    FetchError,
    NotInCassette,
    _codec,
    request_headers,
)
from auditor.check.guard import DNSFailure
from auditor.check.netwatch import dns_answered, os_answered
from auditor.models import CheckOptions

# httpcore tries ``import sniffio`` on every request; without sniffio installed (anyio 4.x
# no longer needs it) each failed import searches sys.path: ~0.3 ms a request. A None entry
# makes the failure instant and changes nothing else.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

HIDDEN_LOCATION = "x-auditor-location"
_DRAIN_MAX = 16 * 1024
_DNS_WORDS = re.compile(
    r"name or service not known|nodename nor servname|getaddrinfo|name resolution|no address associated", re.I
)
TRANSPORT_ERRORS = (httpx.HTTPError, httpx.InvalidURL, OSError, TimeoutError, DNSFailure, NotInCassette)


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
            body = entry.body.encode(_codec(entry.headers), errors="replace")
        return httpx.Response(entry.status, headers=entry.headers, content=body, request=request)


def _recorded_error(kind: str, detail: str) -> Exception:
    if kind == "timeout":
        if detail.startswith("no connection"):  # as check/wire.py says it
            return httpx.ConnectTimeout(detail)
        return httpx.ReadTimeout(detail or "recorded timeout")
    if kind == "dns":
        return DNSFailure(detail or "recorded DNS failure", answered=dns_answered(Exception(detail)))
    if kind == "tls":
        return httpx.ConnectError(detail if "[SSL" in detail else f"[SSL] {detail or 'recorded TLS failure'}")
    if kind == "protocol":
        return httpx.RemoteProtocolError(detail or "recorded malformed response")
    return httpx.ConnectError(detail or "recorded connection failure")


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


def _answered(kind: str, exc: BaseException) -> bool:
    """Did anything reply? A connect timeout or an unreachable network did not; a read
    timeout did (the connection was made), and so did a refusal or a name server's NXDOMAIN."""
    if kind == "timeout":
        return not isinstance(exc, httpx.ConnectTimeout)
    if kind == "dns":
        return exc.answered if isinstance(exc, DNSFailure) else dns_answered(exc)
    if kind == "connect":
        return os_answered(exc)
    return True


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


class HttpxFetcher:
    """Requests through an httpx client over ``transport`` (or a replayed cassette)."""

    def __init__(self, options: CheckOptions, transport: httpx.AsyncBaseTransport | None) -> None:
        inner = ReplayTransport(cas.load(options.replay)) if options.replay else transport
        assert inner is not None, "the live network goes through check/wire.py"
        self.client = httpx.AsyncClient(
            transport=_HideLocation(inner),
            follow_redirects=False,
            timeout=httpx.Timeout(options.timeout),
            headers=request_headers(options),
            trust_env=False,
        )

    async def fetch(
        self, method: str, url: str, options: CheckOptions, *, body: BodyWanted | None, timeout: float
    ) -> Answer:
        """One request, bounded in time (``asyncio.timeout`` covers a slow drip) and in bytes. The
        body is read only when ``body(status, content_type)`` says so."""
        try:
            async with asyncio.timeout(timeout):
                request = self.client.build_request(method, url)
                response = await self.client.send(request, stream=True)
                try:
                    return await _answer(response, options, body=body)
                finally:
                    await response.aclose()
        except TRANSPORT_ERRORS as exc:
            kind = _error_kind(exc)
            raise FetchError(kind, _describe(exc), answered=_answered(kind, exc)) from exc

    async def aclose(self) -> None:
        await self.client.aclose()


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

"""The guard and TLS on the live path (``check/wire.py``): a connection goes only to the
address the guard vetted, never to a fresh resolution of the name, while TLS sends SNI for and
checks the certificate against the host name in the URL, not the address it connected to.

A resolver injected into the check maps made-up ``.test`` names onto 127.0.0.1, where this
test's own server listens; the certificates come from a throwaway CA made with ``openssl``.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from auditor.check import check_urls
from auditor.models import CheckOptions, CheckResult, Status

NAME = "news.example.test"
PAGE = b"<html><head><title>Harbour</title></head><body><p>A fine page.</p></body></html>"
OPTS = CheckOptions(probe=False, timeout=2.0, allow_private=True, archive=False, retries=0)


class Site:
    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self.sni: list[str | None] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                self.requests.append(await reader.readuntil(b"\r\n\r\n"))
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(PAGE), PAGE))  # fmt: skip
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def serving(tls: ssl.SSLContext | None = None) -> AsyncIterator[tuple[Site, int]]:
    site = Site()
    if tls is not None:
        tls.sni_callback = lambda _sock, name, _ctx: site.sni.append(name)  # type: ignore[assignment]
    listener = await asyncio.start_server(site.handle, "127.0.0.1", 0, ssl=tls)
    try:
        yield site, listener.sockets[0].getsockname()[1]
    finally:
        listener.close()


class Resolver:
    """A DNS that rebinds: the first answer is the server's address, every later one another."""

    def __init__(self, first: str, later: str = "127.0.0.2") -> None:
        self.first, self.later, self.calls = first, later, 0

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls += 1
        return [self.first if self.calls == 1 else self.later]


def test_connections_go_to_the_address_the_guard_vetted_not_to_a_new_answer() -> None:
    resolver = Resolver("127.0.0.1")  # 127.0.0.2 has no server: a new lookup would fail

    async def go() -> tuple[Site, list[CheckResult]]:
        async with serving() as (site, port):
            urls = [f"http://{NAME}:{port}/story/{i}" for i in range(12)]
            return site, await check_urls(urls, OPTS, resolver=resolver)

    site, results = asyncio.run(go())
    assert [r.status for r in results] == [Status.OK] * 12
    assert resolver.calls == 1 and len(site.requests) == 12
    assert all(f"Host: {NAME}:".encode() in r for r in site.requests)


def test_a_name_that_resolves_to_loopback_is_refused_before_any_connection() -> None:
    async def go() -> tuple[Site, list[CheckResult]]:
        async with serving() as (site, port):
            opts = CheckOptions(probe=False, timeout=2.0, archive=False, retries=0)
            return site, await check_urls([f"http://{NAME}:{port}/"], opts, resolver=Resolver("127.0.0.1"))

    site, [result] = asyncio.run(go())
    assert result.status is Status.UNCHECKED and "private-address guard" in result.reason
    assert site.requests == []


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A throwaway CA and a certificate it signed for ``NAME`` only: (CA, cert, key)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    d = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    (d / "leaf.ext").write_text(f"subjectAltName=DNS:{NAME}\nbasicConstraints=CA:FALSE\n")
    for cmd in (
        ["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=auditor test CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
        ["req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", f"/CN={NAME}"],
        ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext"],
    ):  # fmt: skip
        subprocess.run(["openssl", *cmd], cwd=d, check=True, capture_output=True, timeout=60)
    return d / "ca.pem", d / "leaf.pem", d / "leaf.key"


def test_tls_names_the_host_and_checks_its_certificate_not_the_address(
    certs: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    ca, cert, key = certs
    monkeypatch.setattr("certifi.where", lambda: str(ca))  # the live path trusts certifi's bundle
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)

    async def names(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]  # both names: the same server, the same certificate

    async def go() -> tuple[Site, list[CheckResult]]:
        async with serving(tls) as (site, port):
            urls = [f"https://{NAME}:{port}/story", f"https://other.example.test:{port}/story"]
            return site, await check_urls(urls, OPTS, resolver=names)

    site, (right, wrong) = asyncio.run(go())
    assert right.status is Status.OK, right.reason
    assert wrong.status is Status.TLS_ERROR, wrong.reason
    assert NAME in site.sni and "other.example.test" in site.sni  # SNI is the name, not the address
    assert len(site.requests) == 1  # nothing was sent over the connection that failed its check

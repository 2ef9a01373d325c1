"""``auditor audit URL``: the page is fetched with the checker's client, guard and caps."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import run_cli, serving

# Every link is relative, so checking them touches only this test's own server.
PAGE = b"""<!doctype html><html lang=en><head><title>Why deltas sink | Riverbank Weekly</title></head>
<body><nav><a href="/">Home</a> <a href="/climate">Climate</a></nav>
<main><article><h1>Why deltas sink</h1>
<p>Groundwater pumping is the main driver, a hydrologist <a href="/interview">told us</a> last week,
and the <a href="/gone">earlier survey</a> has since been taken down by the ministry.</p>
</article></main></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/old-address":
            self.send_response(301)
            self.send_header("Location", "/2024/02/deltas-sinking/")
            self.end_headers()
            return
        if self.path in {"/2024/02/deltas-sinking/", "/", "/climate", "/interview"}:
            body, kind = PAGE, "text/html; charset=utf-8"
        elif self.path == "/photo.png":
            body, kind = b"\x89PNG\r\n", "image/png"
        else:
            body, kind = b"<h1>Not found</h1>", "text/html"
            self.send_response(404)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    with serving(_Handler) as url:
        yield url


def test_audit_url_follows_redirects_and_reports(site: str, tmp_path: Path) -> None:
    result = run_cli(
        "audit", f"{site}/old-address", "--allow-private", "--no-archive",
        "--out", str(tmp_path), "--db", str(tmp_path / "a.db"), "--timeout", "3", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"] == f"{site}/old-address"
    assert data["title"] == "Why deltas sink"
    # relative links resolve against where the redirects ended, and are checked there
    by_url = {link["url"]: link for link in data["links"]}
    assert by_url[f"{site}/interview"]["status"] == "ok"
    assert by_url[f"{site}/gone"]["status"] == "dead"
    assert len(list(tmp_path.glob("*.html"))) == 1


def test_audit_url_refuses_loopback_by_default(site: str, tmp_path: Path) -> None:
    result = run_cli("audit", f"{site}/old-address", "--out", str(tmp_path), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    assert "refused" in result.stderr and "--allow-private" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("path", "message"), [("/missing", "HTTP 404"), ("/photo.png", "image/png")])
def test_audit_url_errors_are_one_line(site: str, tmp_path: Path, path: str, message: str) -> None:
    result = run_cli(
        "audit", site + path, "--allow-private", "--out", str(tmp_path), "--db", str(tmp_path / "a.db")
    )
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_record_keeps_the_page_and_its_links_and_replays_offline(tmp_path: Path) -> None:
    """One run opens two clients (the page, then its links): the cassette must hold both."""
    cassette = tmp_path / "run.jsonl"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site = f"http://127.0.0.1:{server.server_address[1]}"
    common = ["--allow-private", "--no-archive", "--json", "--out", str(tmp_path), "--timeout", "3"]
    try:
        live = run_cli(
            "audit", f"{site}/old-address", "--record", str(cassette), "--db", str(tmp_path / "a.db"), *common
        )
    finally:
        server.shutdown()
        server.server_close()
    assert live.returncode == 0, live.stderr
    urls = {json.loads(line)["url"] for line in cassette.read_text().splitlines()}
    assert f"{site}/old-address" in urls and f"{site}/interview" in urls
    replayed = run_cli(
        "audit", f"{site}/old-address", "--replay", str(cassette), "--db", str(tmp_path / "b.db"), *common
    )
    assert replayed.returncode == 0, replayed.stderr
    statuses = lambda out: {lk["url"]: lk["status"] for lk in json.loads(out)["links"]}  # noqa: E731
    assert statuses(replayed.stdout) == statuses(live.stdout)

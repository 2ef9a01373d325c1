"""Each command imports what it uses: start-up time and memory are part of every run.

numpy and scipy (pulled in by datasketch, ~55 MB and about a second of CPU) serve only the
batch's near-duplicate pass; Jinja2 only writes reports; httpx only checks links. The
commands run for real in a fresh interpreter, which then lists what it had imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CASSETTE, EXAMPLES, ROOT

# Run the real entry point, then print the top-level modules it imported, whatever the exit.
PROBE = """
import sys
sys.argv = ["auditor", *sys.argv[1:]]
try:
    from auditor.cli import main
    main()
except SystemExit:
    pass
finally:
    print("MODULES", " ".join(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""
HEAVY = {"numpy", "scipy", "datasketch"}


def probe(*args: str) -> tuple[set[str], str]:
    """The top-level modules the command imported, and what it printed."""
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("MODULES "))
    return set(line.split()[1:]), done.stdout


def imported(*args: str) -> set[str]:
    return probe(*args)[0]


def test_help_imports_neither_the_checker_nor_the_heavy_libraries() -> None:
    modules = imported("--help")
    assert "auditor" in modules
    assert not modules & (HEAVY | {"httpx", "jinja2", "lxml", "sqlite_utils"})


@pytest.mark.parametrize("page", ["cc-republished.html", "wire-harbour-strike.md"])
def test_extract_imports_no_checker_no_report_no_numpy(page: str) -> None:
    modules = imported("extract", str(EXAMPLES / page))
    assert "lxml" in modules  # it did parse
    assert not modules & (HEAVY | {"httpx", "jinja2", "sqlite_utils"})


def test_the_default_batch_engine_never_imports_dask(tmp_path: Path) -> None:
    """Dask is an optional extra: a batch on this machine, installed with it or not, loads none of it."""
    out = tmp_path / "out"
    modules, printed = probe(
        "batch", str(EXAMPLES), "--replay", str(CASSETTE), "--out", str(out), "--db", str(out / "audit.db")
    )
    assert "4 audited" in printed  # it did run
    assert not modules & {"dask", "distributed", "tornado", "cloudpickle"}


def test_check_imports_no_numpy_no_report_no_store() -> None:
    modules = imported("check", str(EXAMPLES), "--replay", str(CASSETTE), "--json")
    assert "httpx" in modules  # it did check
    assert not modules & (HEAVY | {"jinja2", "sqlite_utils"})


def test_a_live_check_speaks_http_without_httpx() -> None:
    """The live network goes through our own HTTP/1.1; httpx is only the seam for replays."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><head><title>Harbour</title></head><body><p>Fine.</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/story"
        modules, out = probe("check", url, "--allow-private", "--no-archive", "--json")
    finally:
        server.shutdown()
    assert '"status": "ok"' in out  # it did check, over the wire
    assert not modules & (HEAVY | {"httpx", "httpcore", "jinja2", "sqlite_utils"})

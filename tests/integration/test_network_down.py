"""With no network: one clear line, links ``unchecked``, exit 75, nothing cached (audit, check, batch).

"No network" is made two ways: a cassette in which every connection fails (the replay
transport), and the live path in a process whose name resolution finds no server, as on a
machine with its network down (``socket.getaddrinfo`` raising ``EAI_AGAIN``; uvloop, which
resolves in C, is kept out so that the patched resolver is the one used).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.errors import EXIT_NETWORK
from auditor.store import Store
from tests.conftest import ROOT, run_cli

HOSTS = [f"https://www.outlet{n}-example.org/news/story-{n}" for n in range(6)]
ARTICLE = "# Harbour strike\n\n" + "".join(f"The [report]({u}) says so.\n\n" for u in HOSTS)
# As on a machine whose name server is gone: addresses and localhost still resolve (a Dask
# cluster on 127.0.0.1 starts), every other name fails.
NO_NAME_SERVER = """
import ipaddress, socket, sys
sys.modules["uvloop"] = None
_resolve = socket.getaddrinfo
def _no_name_server(host, *args, **kwargs):
    try:
        if host is None or host in (b"localhost", "localhost") or ipaddress.ip_address(host):
            return _resolve(host, *args, **kwargs)
    except ValueError:
        pass
    raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
socket.getaddrinfo = _no_name_server
"""


def offline_machine(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real entry point in a process whose resolver reaches no name server."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(NO_NAME_SERVER)
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "PYTHONPATH": f"{site}{os.pathsep}{ROOT}"}
    return subprocess.run(
        [sys.executable, "-m", "auditor", *args], capture_output=True, text=True, cwd=ROOT, env=env,
        timeout=120, input=stdin, check=False,
    )  # fmt: skip


def unreachable_cassette(path: Path) -> Path:
    lines = [
        json.dumps(
            {"method": "GET", "url": u, "error": "connect", "detail": "[Errno 101] Network is unreachable"}
        )
        for u in HOSTS
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def assert_one_clear_line(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "network looks unreachable" in lines[0] and "--offline" in lines[0]
    assert "Traceback" not in stderr


def test_check_with_no_name_server_leaves_links_unchecked_and_exits_75(tmp_path: Path) -> None:
    result = offline_machine(tmp_path, "check", *HOSTS, "--json", "--no-archive")
    assert result.returncode == EXIT_NETWORK, result.stderr
    assert_one_clear_line(result.stderr)
    assert "names did not resolve" in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["status"], r["reason"]) for r in rows] == [("unchecked", "network unreachable")] * len(HOSTS)


def test_audit_with_no_name_server_stores_nothing_a_rerun_would_reuse(tmp_path: Path) -> None:
    article = tmp_path / "strike.md"
    article.write_text(ARTICLE)
    db = tmp_path / "audit.db"
    result = offline_machine(tmp_path, "audit", str(article), "--out", str(tmp_path / "r"), "--db", str(db))
    assert result.returncode == EXIT_NETWORK, result.stderr
    assert_one_clear_line(result.stderr)
    assert "unchecked 6" in result.stdout  # the summary says what became of the links
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT status, reason FROM checks").fetchall()
    assert rows and set(rows) == {("unchecked", "network unreachable")}
    store = Store.open(db)
    try:
        assert all(store.cached_check(u, 24) is None for u in HOSTS)
    finally:
        store.close()


def test_audit_replaying_connections_that_all_fail(tmp_path: Path) -> None:
    article = tmp_path / "strike.md"
    article.write_text(ARTICLE)
    cassette = unreachable_cassette(tmp_path / "down.jsonl")
    result = run_cli(
        "audit", str(article), "--replay", str(cassette), "--out", str(tmp_path / "r"),
        "--db", str(tmp_path / "a.db"), "--fail-on", "broken",
    )  # fmt: skip
    assert result.returncode == EXIT_NETWORK, result.stderr
    assert_one_clear_line(result.stderr)
    assert "connections failed" in result.stderr and "broken 0" in result.stdout


# dask: the worker that checks says its network is down; the client stops as the default engine does
@pytest.mark.parametrize("engine", [(), ("--engine", "dask", "--workers", "1")], ids=["local", "dask"])
def test_batch_stops_and_leaves_the_articles_for_a_rerun(tmp_path: Path, engine: tuple[str, ...]) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(3):
        (folder / f"story-{n}.md").write_text(ARTICLE)
    db = tmp_path / "audit.db"
    args = ("batch", str(folder), "--out", str(tmp_path / "r"), "--db", str(db), "--no-archive", *engine)
    result = offline_machine(tmp_path, *args)
    assert result.returncode == EXIT_NETWORK, result.stderr
    said = [line for line in result.stderr.splitlines() if "network" in line]
    assert len(said) == 1 and "rerun" in said[0] and "--offline" in said[0]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone() == (0,)
        assert conn.execute("SELECT status FROM runs").fetchall() == [("failed",)]
    again = run_cli(*args, "--offline")  # the network's absence is not remembered: all three are done
    assert again.returncode == 0, again.stderr
    assert "3 audited, 0 unchanged and skipped" in again.stdout

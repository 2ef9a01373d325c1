"""``auditor batch --engine dask``: the same database as the default engine, on a LocalCluster.

A small web this file starts on four loopback addresses (127.0.0.21-24, one host each)
counts requests per URL and how many run at once per host, so the tests see what a polite
crawler must guarantee: each distinct URL asked once, never more than ``--per-host``
requests at a time to one host, however many workers check links.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from distributed import Client, LocalCluster

from auditor.batch import BatchOptions, BatchStats, Event, run_batch
from auditor.models import CheckOptions
from tests.integration.test_batch import WORDS, _body, _page, snapshot

HOSTS = [f"127.0.0.{n}" for n in range(21, 25)]
PER_HOST = 2


class _Web:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: Counter[str] = Counter()
        self.active: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.port = 0

    def reset(self) -> None:
        with self.lock:
            self.seen.clear()
            self.peak.clear()


def _handler(web: _Web) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            host = self.server.server_address[0]
            with web.lock:
                web.seen[f"{host}{self.path}"] += 1
                web.active[host] += 1
                web.peak[host] = max(web.peak[host], web.active[host])
            try:
                time.sleep(0.03)  # the server's latency: requests overlap, as on the web
                status = 404 if self.path.startswith("/gone/") else 200
                data = f"<html><head><title>{self.path}</title></head><body><p>{' '.join(WORDS)}</p></body></html>".encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # a worker killed mid-request
            finally:
                with web.lock:
                    web.active[host] -= 1

    return Handler


@pytest.fixture(scope="module")
def web() -> Iterator[_Web]:
    state = _Web()
    servers = []
    for host in HOSTS:
        server = ThreadingHTTPServer((host, state.port), _handler(state))
        server.daemon_threads = True
        state.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield state
    for server in servers:
        server.shutdown()
        server.server_close()


def make_corpus(folder: Path, web: _Web, articles: int = 30) -> Path:
    """Articles citing a shared pool of URLs on four hosts, some dead; two edited copies."""
    for i in range(articles):
        rng = random.Random(i)
        cited = [(f"http://{HOSTS[n % 4]}:{web.port}/p/{n}", f"report {n}") for n in rng.sample(range(40), 8)]
        cited.append((f"http://{HOSTS[i % 4]}:{web.port}/gone/{i}", "a removed page"))
        html = _page("Harbour Herald", f"Story {i}", f"2024-03-{1 + i % 28:02d}", _body(i, cited))
        (folder / "herald").mkdir(parents=True, exist_ok=True)
        (folder / "herald" / f"story-{i:03d}.html").write_text(html, encoding="utf-8")
    for original in (1, 2):
        rng = random.Random(original)
        cited = [(f"http://{HOSTS[n % 4]}:{web.port}/p/{n}", f"report {n}") for n in rng.sample(range(40), 8)]
        cited.append((f"http://{HOSTS[original % 4]}:{web.port}/gone/{original}", "a removed page"))
        html = _page("Coastal Mirror", f"Story {original} (republished)", "2024-04-15", _body(original, cited),
                     intro="<p><em>From a partner publication.</em></p>")  # fmt: skip
        (folder / "mirror").mkdir(parents=True, exist_ok=True)
        (folder / "mirror" / f"copy-{original}.html").write_text(html, encoding="utf-8")
    return folder


def options(folder: Path, out: Path, **extra: object) -> BatchOptions:
    check = CheckOptions(allow_private=True, archive=False, timeout=10.0, retries=0, per_host=PER_HOST)
    values: dict[str, object] = {"out_dir": out / "reports", "db_path": out / "audit.db", "check": check}
    return BatchOptions(folder=folder, **({"chunk": 4, "workers": 2} | values | extra))  # type: ignore[arg-type]


class Recorder:
    def __init__(self, on_article: int = 0, then: object = None) -> None:
        self.articles = 0
        self.on_article, self.then = on_article, then

    def __call__(self, stats: BatchStats, event: Event, detail: str = "") -> None:
        if event is Event.ARTICLE:
            self.articles += 1
            if self.articles == self.on_article and callable(self.then):
                self.then()


@pytest.fixture(scope="module")
def reference(
    web: _Web, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, list[tuple[object, ...]]]]:
    """The default engine's run: what every Dask run must end as."""
    tmp = tmp_path_factory.mktemp("local")
    folder = make_corpus(tmp / "corpus", web)
    web.reset()
    stats = run_batch(options(folder, tmp / "local"), Recorder())
    assert stats.audited == 32 and stats.failed == 0 and stats.near_duplicates == 2
    assert set(web.seen.values()) == {1}
    return folder, snapshot(tmp / "local" / "audit.db")


@pytest.mark.parametrize("ship", [False, True], ids=["shared-folder", "shipped-files"])
def test_a_local_cluster_ends_with_the_same_database_each_url_once_and_polite(
    web: _Web, tmp_path: Path, reference: tuple[Path, dict[str, list[tuple[object, ...]]]], ship: bool
) -> None:
    folder, expected = reference
    web.reset()
    stats = run_batch(options(folder, tmp_path, engine="dask", ship_files=ship), Recorder())
    assert stats.audited == 32 and stats.failed == 0 and stats.near_duplicates == 2
    assert snapshot(tmp_path / "audit.db") == expected
    assert len(web.seen) == 40 + 32 - 2 and set(web.seen.values()) == {1}, web.seen.most_common(3)
    assert stats.urls_checked == len(web.seen)
    assert max(web.peak.values()) == PER_HOST and set(web.peak) == set(
        HOSTS
    )  # the limit was reached, never passed
    assert (tmp_path / "reports" / "index.html").is_file()


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(
    web: _Web, tmp_path: Path, reference: tuple[Path, dict[str, list[tuple[object, ...]]]]
) -> None:
    folder, expected = reference
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    client = Client(cluster)
    try:
        pids = client.run(os.getpid)
        victim = sorted(pids.values())[0]
        recorder = Recorder(on_article=5, then=lambda: os.kill(victim, signal.SIGKILL))
        web.reset()
        opts = options(folder, tmp_path, engine="dask", scheduler=cluster.scheduler_address)
        stats = run_batch(opts, recorder)
        assert recorder.articles == 32 and stats.audited == 32 and stats.failed == 0
        assert victim not in client.run(os.getpid).values()  # it did die; the nanny started another
    finally:
        client.close()
        cluster.close()
    assert snapshot(tmp_path / "audit.db") == expected

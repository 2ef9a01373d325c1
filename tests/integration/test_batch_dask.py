"""``auditor batch --engine dask``: the same database as the default engine, on a LocalCluster.

A small web this file starts on four loopback addresses (127.0.0.21-24, one host each)
counts requests per URL and how many run at once per host, so the tests see what a polite
crawler must guarantee: each distinct URL asked once, never more than ``--per-host``
requests at a time to one host, however many workers check links. It can also kill the
worker that sent a request while the request is open, so a test knows a worker died with
work in its hands.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil
import pytest

pytest.importorskip("distributed")

from distributed import Client, LocalCluster

from auditor.batch import BatchOptions, BatchStats, Event, run_batch
from auditor.batch.cluster import DaskEngine
from auditor.errors import AuditorError
from auditor.models import CheckOptions
from auditor.store import ProbeCache, Store
from tests.integration.test_batch import WORDS, _body, _page, snapshot, wait_for

HOSTS = [f"127.0.0.{n}" for n in range(21, 25)]
QUOTED = 5  # pages the corpus quotes (/q/...), beside the 40 shared pages and a dead link each
URLS = 40 + 32 - 2 + QUOTED  # the copies cite their originals' dead links
_PROBE = re.compile(r"/\d{9}$")  # a site probe's path that cannot exist (issue 13): nine digits
PER_HOST = 2


class _Web:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: Counter[str] = Counter()
        self.active: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.port = 0
        # Called with (URL, the requester's port) before a request is answered; True: the
        # requester is gone, the request is left unanswered.
        self.on_request: Callable[[str, int], bool] | None = None

    def links(self) -> Counter[str]:
        """Requests for the articles' links, site probes left out."""
        with self.lock:
            return Counter({u: n for u, n in self.seen.items() if not _PROBE.search(u)})

    def probes(self) -> Counter[str]:
        """Site probes: a host's owner asks once per section, as the default engine does."""
        with self.lock:
            return Counter({u: n for u, n in self.seen.items() if _PROBE.search(u)})

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
            hook = web.on_request
            if hook is not None and hook(f"{host}{self.path}", self.client_address[1]):
                with web.lock:
                    web.seen[f"{host}{self.path}"] += 1
                return
            with web.lock:
                web.seen[f"{host}{self.path}"] += 1
                web.active[host] += 1
                web.peak[host] = max(web.peak[host], web.active[host])
            try:
                time.sleep(0.03)  # the server's latency: requests overlap, as on the web
            finally:
                # Over before its answer is sent: the client can ask again only once it has
                # the answer, so a thread slow to count down on a loaded machine never looks
                # like one request too many.
                with web.lock:
                    web.active[host] -= 1
            status = 404 if self.path.startswith("/gone/") else 200
            text = " ".join(WORDS)
            if self.path.startswith("/q/") and not _PROBE.search(self.path):  # a quoted page: its own
                rng = random.Random(self.path)  # text, so the site's probe tells it from a missing page
                text = " ".join(rng.choice(WORDS) for _ in range(400)) + f". {text}."
            data = f"<html><head><title>{self.path}</title></head><body><p>{text}</p></body></html>".encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # a worker killed mid-request

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


def _quotes(i: int, port: int) -> str:
    """Every fifth article quotes two sources: words the linked page holds (three pages, each
    quoted by articles in different chunks) and words it does not (two pages)."""
    if i % 5:
        return ""
    found, absent = i % 3, 10 + i % 2
    return (
        f'<p>Harbour master Ada Lind said in <a href="http://{HOSTS[found]}:{port}/q/{found}">a statement</a>'
        " that the plan was “ferry budget minister port strike union wages”.</p>"
        f'<p>Councillor Bo Ekdal said in <a href="http://{HOSTS[absent % 4]}:{port}/q/{absent}">a blog post</a>'
        " that the ferry “will sail every single day of the year”.</p>"
    )


def make_corpus(folder: Path, web: _Web, articles: int = 30) -> Path:
    """Articles citing a shared pool of URLs on four hosts, some dead, some quoted; two edited copies."""
    for i in range(articles):
        rng = random.Random(i)
        cited = [(f"http://{HOSTS[n % 4]}:{web.port}/p/{n}", f"report {n}") for n in rng.sample(range(40), 8)]
        cited.append((f"http://{HOSTS[i % 4]}:{web.port}/gone/{i}", "a removed page"))
        body = _body(i, cited) + _quotes(i, web.port)
        html = _page("Harbour Herald", f"Story {i}", f"2024-03-{1 + i % 28:02d}", body)
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
    assert set(web.links().values()) == {1} and set(web.probes().values()) == {1}
    expected = snapshot(tmp / "local" / "audit.db")
    verdicts = Counter(
        row[5] for row in expected["quote_checks"]
    )  # article, position, who, quote, URL, verdict
    assert verdicts == {"found": 6, "not-found": 6}, expected["quote_checks"][:2]
    return folder, expected


@pytest.mark.parametrize("ship", [False, True], ids=["shared-folder", "shipped-files"])
def test_a_local_cluster_ends_with_the_same_database_each_url_once_and_polite(
    web: _Web, tmp_path: Path, reference: tuple[Path, dict[str, list[tuple[object, ...]]]], ship: bool
) -> None:
    folder, expected = reference
    web.reset()
    stats = run_batch(options(folder, tmp_path, engine="dask", ship_files=ship), Recorder())
    assert stats.audited == 32 and stats.failed == 0 and stats.near_duplicates == 2
    assert snapshot(tmp_path / "audit.db") == expected
    links = web.links()
    assert len(links) == URLS and set(links.values()) == {1}, links.most_common(3)
    assert stats.urls_checked == len(links)
    probes = web.probes()  # one per host and section (all links under /p/ or /gone/), once each
    assert set(probes.values()) == {1} and len(probes) <= 2 * len(HOSTS), probes
    with sqlite3.connect(tmp_path / "audit.db") as db:  # quotes were judged on the workers
        (options_json,) = db.execute("SELECT options FROM runs").fetchone()
    assert json.loads(options_json)["check"]["quotes"] is True
    assert max(web.peak.values()) == PER_HOST and set(web.peak) == set(
        HOSTS
    )  # the limit was reached, never passed
    assert (tmp_path / "reports" / "index.html").is_file()


class Killer:
    """Kills one worker (SIGKILL, as the kernel's OOM killer would) at a chosen moment, and
    returns only once it is dead: the worker that sent the ``request``-th request, while that
    request is open; the first worker when the ``article``-th article is committed; or, with
    ``answered``, the worker whose partition has just finished, before the client fetched
    its answers."""

    def __init__(self, client: Client, *, request: int = 0, article: int = 0, answered: bool = False) -> None:
        self.pids: dict[str, int] = client.run(os.getpid)  # worker address -> pid
        self.request, self.article, self.answered = request, article, answered
        self.requests = 0
        self.victim = 0
        self.lost: list[str] = []  # the URLs the dead worker was fetching, or had answered
        self.lock = threading.Lock()

    def on_request(self, url: str, port: int) -> bool:
        with self.lock:
            self.requests += 1
            if self.victim or self.requests != self.request:
                return False
            self.victim = next(pid for pid in self.pids.values() if _has_port(pid, port))
            self.lost = [url]
        self._kill()
        return True

    def on_article(self) -> None:
        self.victim = min(self.pids.values())
        self._kill()

    def on_answers(self, future: object, worker: str, keys: list[str]) -> None:
        if not self.victim and getattr(future, "status", "") == "finished":
            self.victim = self.pids[worker]
            self.lost = [f"{urlsplit(k).hostname}{urlsplit(k).path}" for k in keys]
            self._kill()

    def _kill(self) -> None:
        os.kill(self.victim, signal.SIGKILL)
        wait_for(lambda: _dead(self.victim), "the killed worker to die", timeout=30)


def _dead(pid: int) -> bool:
    """Gone or a zombie; never reaped here (its nanny must read its exit status)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _has_port(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds the TCP connection whose local port is ``port``."""
    try:
        return any(c.laddr and c.laddr.port == port for c in psutil.Process(pid).net_connections("tcp"))
    except psutil.Error:
        return False


@pytest.mark.parametrize("when", ["while-fetching", "holding-answers", "after-5-articles"])
def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(
    web: _Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    reference: tuple[Path, dict[str, list[tuple[object, ...]]]], when: str,
) -> None:  # fmt: skip
    """A worker dies with a request open (its host's partition must go to the new owner),
    after answering but before its answers were fetched (they are lost with it: a pinned
    task cannot be computed again elsewhere), or at an arbitrary moment (extraction chunks
    and partitions in its hands). The batch finishes with the same database, each article
    committed and written to --jsonl once, and asks again only for what the worker lost."""
    folder, expected = reference
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    client = Client(cluster)
    try:
        killer = Killer(
            client, request=15 * (when == "while-fetching"), article=5 * (when == "after-5-articles"),
            answered=when == "holding-answers",
        )  # fmt: skip
        recorder = Recorder(on_article=killer.article, then=killer.on_article)
        web.reset()
        web.on_request = killer.on_request if killer.request else None
        if killer.answered:
            checked = DaskEngine._checked

            def kill_first(engine: DaskEngine, client: Client, future: Any, part: Any) -> None:
                killer.on_answers(future, part.worker, part.keys)
                checked(engine, client, future, part)

            monkeypatch.setattr(DaskEngine, "_checked", kill_first)
        jsonl = tmp_path / "articles.jsonl"
        opts = options(folder, tmp_path, engine="dask", scheduler=cluster.scheduler_address, jsonl=jsonl)
        stats = run_batch(opts, recorder)
        assert (
            killer.victim and killer.victim not in client.run(os.getpid).values()
        )  # the nanny started another
    finally:
        web.on_request = None
        client.close()
        cluster.close()
    assert recorder.articles == 32 and stats.audited == 32 and stats.failed == 0
    assert snapshot(tmp_path / "audit.db") == expected
    sources = [json.loads(line)["source"] for line in jsonl.read_text().splitlines()]
    assert len(sources) == 32 and len(set(sources)) == 32
    assert len(web.links()) == URLS  # every URL was asked, none lost with the worker
    assert all(web.seen[url] == 2 for url in killer.lost), [(u, web.seen[u]) for u in killer.lost]
    assert max(web.seen.values()) <= 2


def test_a_dask_batch_that_crashes_is_resumed_like_the_default_engine(
    web: _Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    reference: tuple[Path, dict[str, list[tuple[object, ...]]]],
) -> None:  # fmt: skip
    """The client is the one writer, one transaction per article: a crash in the store after
    13 commits stops the cluster's work, and a rerun on Dask skips those 13 and ends with
    the default engine's database."""
    folder, expected = reference
    original, commits = Store.save_audit, Counter[str]()

    def failing(self: Store, *args: object, **kwargs: object) -> int:
        if commits["n"] >= 13:
            raise sqlite3.OperationalError("disk I/O error (simulated crash)")
        commits["n"] += 1
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "save_audit", failing)
    with pytest.raises(sqlite3.OperationalError):
        run_batch(options(folder, tmp_path, engine="dask"), Recorder())
    monkeypatch.setattr(Store, "save_audit", original)
    web.reset()
    stats = run_batch(options(folder, tmp_path, engine="dask"), Recorder())
    assert stats.skipped == 13 and stats.audited == 19 and stats.failed == 0
    assert snapshot(tmp_path / "audit.db") == expected
    assert max(web.seen.values()) == 1  # the rerun asks the web only for what the crash left unchecked


def test_an_offline_dask_rerun_shows_each_quotes_last_verdict_and_asks_nobody(
    web: _Web, tmp_path: Path, reference: tuple[Path, dict[str, list[tuple[object, ...]]]]
) -> None:
    """``--offline --force`` on Dask reads no page: each quote keeps the verdict the last
    real run gave it (as the default engine does), not "not fetched"."""
    folder, expected = reference
    run_batch(options(folder, tmp_path, engine="dask"), Recorder())
    web.reset()
    offline = replace(options(folder, tmp_path, engine="dask", force=True), check=replace(
        options(folder, tmp_path).check, offline=True))  # fmt: skip
    stats = run_batch(offline, Recorder())
    assert stats.audited == 32 and not web.seen  # nobody was asked anything
    assert snapshot(tmp_path / "audit.db")["quote_checks"] == expected["quote_checks"]


def test_dask_workers_site_probes_are_stored_and_reused_by_the_next_batch(
    web: _Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    reference: tuple[Path, dict[str, list[tuple[object, ...]]]],
) -> None:  # fmt: skip
    """A worker has no database: the probes it makes go back to the client, which stores
    them, and the next batch sends them with the partitions, so no site is probed again
    within the week (as on the default engine). Each stored probe is read from the database
    once, not for every partition of its section."""
    folder, _ = reference
    web.reset()
    run_batch(options(folder, tmp_path, engine="dask"), Recorder())
    made = web.probes()
    assert made and set(made.values()) == {1}
    with sqlite3.connect(tmp_path / "audit.db") as db:
        stored = [key for (key,) in db.execute("SELECT key FROM probes")]
    assert len(stored) == len(made)
    web.reset()
    looked_up: Counter[str] = Counter()
    get = ProbeCache.get

    def counted(cache: ProbeCache, key: str) -> Any:
        looked_up[key] += 1
        return get(cache, key)

    monkeypatch.setattr(ProbeCache, "get", counted)
    stats = run_batch(options(folder, tmp_path, engine="dask", force=True), Recorder())
    assert stats.audited == 32 and not web.probes(), web.probes()
    # only the quoted pages' sections are checked again (the rest answer from the cache)
    assert looked_up and set(looked_up) <= set(stored) and set(looked_up.values()) == {1}, looked_up


def test_work_the_cluster_cancels_is_reported_not_dropped_in_silence(
    web: _Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    reference: tuple[Path, dict[str, list[tuple[object, ...]]]],
) -> None:  # fmt: skip
    """A partition cancelled outside the batch (a scheduler restart, an operator) leaves its
    chunks uncommitted: the batch says so and fails, so a rerun audits them, instead of
    ending as if it had finished."""
    folder, _ = reference
    ask = DaskEngine._ask

    def cancelled(engine: DaskEngine, client: Client, part: Any) -> None:
        ask(engine, client, part)
        next(reversed(engine.checking)).cancel()

    monkeypatch.setattr(DaskEngine, "_ask", cancelled)
    with pytest.raises(AuditorError, match="cancelled some of this batch's tasks"):
        run_batch(options(folder, tmp_path, engine="dask"), Recorder())


def test_probe_notes_hand_each_probe_back_once() -> None:
    from auditor.batch.daskworker import ProbeNotes
    from auditor.models import SiteProbe

    notes = ProbeNotes()
    first, second = (
        SiteProbe(key=f"http://a.example/{n}/{{num}}", url="u", status=404, final_url="u") for n in (1, 2)
    )
    notes.seed([first])
    notes.put(second)
    assert notes.get(first.key) == first and notes.get(second.key) == second
    assert notes.drain() == [second] and notes.drain() == []

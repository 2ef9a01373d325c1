"""Benchmark ``auditor batch``: throughput, one request per distinct URL, flat memory.

    .venv/bin/python benchmarks/bench_batch.py            # 500 and 2,000 articles
    .venv/bin/python benchmarks/bench_batch.py --quick    # 100 and 400 articles
    .venv/bin/python benchmarks/bench_batch.py --engine local dask --sizes 1000 5000 20000

With ``--engine dask`` a scheduler and ``--workers`` single-threaded workers are started as
their own processes (``dask scheduler``, ``dask worker``), as on a cluster, and the batch
connects to them with ``--scheduler``: the client's peak RSS is the batch process alone,
and each worker's is read from the worker. Every engine runs on the same corpus, and each
run ends with the row counts and a content hash of its tables (no ids, run ids or times),
which must be equal across engines.

For each corpus size, a fresh process generates a corpus in a temporary folder (40 links per
article drawn from a shared pool, so most URLs are cited by many articles; 1 % of articles
are copies of another with a new header, intro line and footer) and runs the batch against
``benchmarks/fakeweb.py`` (many hosts on loopback addresses, fixed latency). It reports
articles per second, the distinct URLs the corpus cites, requests the server saw divided by
*all* of them (1.0 when every URL is requested once: the fake web never asks for a retry),
how many were never requested and why (their stored status and reason), and peak memory of
the client (the batch's own process), both for the streaming phase (parse + check + commit)
and for the whole run (with the final near-duplicate pass and the paged index, which stream
from the database too): both must stay flat as the corpus grows. Workers' peaks are listed
per process (for the local engine, its parsing processes and multiprocessing's helpers).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
HOSTS = 40
FIRST_OCTET = 10  # fakeweb's hosts are 127.0.0.10, .11, ...
WORDS = (
    "harbour council ferry budget minister port strike union wages vote timetable engineers report inquiry shipping cargo fuel prices winter storm coast "
    "village mayor contract bridge court ruling appeal fishermen quota licence survey residents protest plan funding energy grid turbine offshore wind tender delay"
).split()


# ----------------------------------------------------------------------------- corpus


def _url(port: int, n: int) -> str:
    host = f"127.0.0.{FIRST_OCTET + n % HOSTS}"
    kind = "d" if n % 20 == 7 else "a"  # 5 % dead links
    return f"http://{host}:{port}/{kind}/{n}"


def _body(rng: random.Random, urls: list[str]) -> str:
    paragraphs = []
    for p in range(8):
        text = " ".join(rng.choice(WORDS) for _ in range(50)).capitalize()
        links = " ".join(f'See <a href="{u}">the {rng.choice(WORDS)} report</a>.' for u in urls[p::8])
        paragraphs.append(f"<p>{text}. {links}</p>")
    return "\n".join(paragraphs)


def _page(site: str, title: str, date: str, body: str, extra: str = "") -> str:
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title} | {site}</title>'
        f'<meta property="og:site_name" content="{site}">'
        f'<meta property="article:published_time" content="{date}"></head><body>'
        f'<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>'
        f'<article><h1>{title}</h1><p class="byline">By Ada Lindqvist</p>{extra}{body}</article>'
        f"<footer><p>Copyright {site}. All rights reserved.</p></footer></body></html>"
    )


def make_corpus(folder: Path, articles: int, links: int, port: int) -> tuple[int, set[str]]:
    """Write the corpus; returns the number of copies and the distinct URLs cited. Pool: 4
    distinct URLs per article, half the citations from its 200 most popular URLs."""
    pool = articles * 4
    bodies: list[str] = []
    copies = 0
    cited: set[str] = set()
    for i in range(articles):
        rng = random.Random(i)
        if i % 100 == 99 and bodies:  # a copy of an earlier article, edited at the edges
            body, copies = bodies[rng.randrange(len(bodies))], copies + 1
            html = _page("Coastal Mirror", f"Republished {i}", "2024-06-01", body,
                         "<p><em>This story first ran elsewhere; republished with permission.</em></p>")  # fmt: skip
        else:
            ns: list[int] = []
            while len(ns) < links:  # half from the 200 most cited URLs, half from the long tail
                n = rng.randrange(200) if rng.random() < 0.5 else rng.randrange(pool)
                ns += [] if n in ns else [n]
            urls = [_url(port, n) for n in ns]
            cited.update(urls)
            body = _body(rng, urls)
            if len(bodies) < 200:
                bodies.append(body)
            html = _page(f"Site {i % 25}", f"Story {i}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", body)
        path = folder / f"site-{i % 25:02d}" / f"story-{i:05d}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    return copies, cited


def never_requested(db: Path, urls: set[str]) -> dict[str, int]:
    """Why cited URLs never reached the server: their latest stored status and reason."""
    found: Counter[str] = Counter()
    with sqlite3.connect(db) as conn:  # streamed: the benchmark must not add its own growth
        for url, why in conn.execute("SELECT url, status || ': ' || reason FROM latest_checks"):
            if url in urls:
                found[why[:80]] += 1
    stored = sum(found.values())
    if stored < len(urls):
        found["no result stored"] = len(urls) - stored
    return dict(found)


# ----------------------------------------------------------------------------- memory


def _hwm_kb(pid: int | str, field: str = "VmHWM:") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kb(pid: int | str) -> int:
    return _hwm_kb(pid, "VmRSS:")


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        kids = [pid for pid, ppid in parents.items() if ppid == parent]
        found += kids
        frontier += kids
    return found


class Probe:
    """Progress callback that notes time and memory when the streaming phase ends, and the
    client's RSS at each thousandth article (a curve, so growth shows where it starts)."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.stream_end = 0.0
        self.stream_rss_mb = 0.0
        self.worker_peaks: list[int] = []  # MB, each child process (the local engine's workers)
        self.curve: list[int] = []  # MB, VmRSS at 1,000, 2,000, ... articles

    def __call__(self, stats: object, event: str, detail: str = "") -> None:
        if event == "article" and getattr(stats, "audited", 0) % 1000 == 0:
            self.curve.append(round(_rss_kb("self") / 1024))
        if event == "phase" and not self.stream_end:
            self.stream_end = time.monotonic()
            self.stream_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            self.worker_peaks = sorted(round(_hwm_kb(p) / 1024) for p in _descendants(os.getpid()))


# ----------------------------------------------------------------------------- content


_TABLES = {
    "articles": "SELECT source, format, title, authors, published, outlet, outlet_domain, canonical_url, og_url,"
    " language, content_hash, body_text FROM articles ORDER BY source",
    "failures": "SELECT source, error FROM failures ORDER BY source",
    "checks": "SELECT url, status, http_status, final_url, redirects, reason, archive_url FROM latest_checks ORDER BY url",
    "signatures": "SELECT source, hex(minhash) FROM signatures JOIN articles ON articles.id = article_id ORDER BY source",
}


def content(db: Path, corpus: Path) -> dict[str, object]:
    """Row counts and one hash of what the tables hold, ids, run ids and times left out."""
    digest = hashlib.sha256()
    counts = {}
    with sqlite3.connect(db) as conn:
        queries = dict(_TABLES)
        for table in ("links", "attributions", "crossposts", "quote_checks"):
            ids = ("id", "article_id", "attribution_id", "run_id", "checked_at")
            names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in ids]
            cols = ", ".join(f"{table}.{n}" for n in names)
            queries[table] = (f"SELECT articles.source, {cols} FROM {table} JOIN articles ON articles.id = {table}.article_id"
                              f" ORDER BY articles.source, {table}.position")  # fmt: skip
        for table, query in sorted(queries.items()):
            n = 0
            for row in conn.execute(query):
                digest.update(json.dumps(row, default=str).replace(str(corpus), "").encode())
                n += 1
            counts[table] = n
    return {"rows": counts, "sha256": digest.hexdigest()[:16]}


# ----------------------------------------------------------------------------- a Dask cluster


def start_cluster(tmp: Path, workers: int) -> tuple[list[subprocess.Popen[bytes]], str]:
    """A scheduler and single-threaded workers, each its own process on 127.0.0.1."""
    bindir = Path(sys.executable).parent
    info = tmp / "scheduler.json"
    log = Path(tempfile.gettempdir()) / f"bench-batch-dask-{os.getpid()}.log"  # kept: why a worker left
    print(f"the cluster's log: {log}", file=sys.stderr, flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": log.open("ab")}
    procs = [subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file", str(info)], **quiet)]  # type: ignore[call-overload]  # fmt: skip
    for _ in range(workers):
        procs.append(subprocess.Popen([str(bindir / "dask"), "worker", "--scheduler-file", str(info), "--nthreads", "1",
                                       "--host", "127.0.0.1", "--no-dashboard"], **quiet))  # type: ignore[call-overload]  # fmt: skip
    from distributed import Client

    deadline = time.monotonic() + 60
    while not info.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    with Client(scheduler_file=str(info), timeout="60s") as client:
        client.wait_for_workers(workers, timeout=60)
        address = str(client.scheduler.address)
    return procs, address


def worker_peaks(address: str) -> list[int]:
    from distributed import Client

    with Client(address, timeout="30s") as client:
        peaks = client.run(lambda: _hwm_kb("self"))
    return sorted(round(kb / 1024) for kb in peaks.values())


def child(
    articles: int, links: int, port: int, workers: int, engine: str, corpus: Path, keep: Path | None = None
) -> dict[str, object]:
    from auditor.batch import BatchOptions, run_batch
    from auditor.models import CheckOptions

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        procs, address = start_cluster(Path(tmp), workers) if engine == "dask" else ([], None)
        try:
            urllib.request.urlopen(f"http://127.0.0.{FIRST_OCTET}:{port}/__reset").read()
            check = CheckOptions(allow_private=True, archive=False, concurrency=64, per_host=4, retries=2)
            opts = BatchOptions(folder=corpus, out_dir=Path(tmp) / "reports", db_path=Path(tmp) / "audit.db",
                                check=check, workers=workers, engine=engine, scheduler=address)  # fmt: skip
            probe = Probe()
            stats = run_batch(opts, probe)
            total = time.monotonic() - probe.start
            # The peak before the harness reads anything of its own:
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            peaks = worker_peaks(address) if address else (probe.worker_peaks or [0])
        finally:
            for proc in reversed(procs):
                proc.terminate()
                proc.wait(30)
        # Read after the batch: at 20,000 articles the corpus's 80,000 URLs are about 10 MB,
        # which the client's peak would otherwise count as its own.
        copies, cited_list = json.loads((corpus / ".corpus.json").read_text())
        cited = set(cited_list)
        seen = json.loads(urllib.request.urlopen(f"http://127.0.0.{FIRST_OCTET}:{port}/__stats").read())
        missed = {u for u in cited if f"{urlsplit(u).hostname}{urlsplit(u).path}" not in seen}
        why = never_requested(Path(tmp) / "audit.db", missed)
        tables = content(Path(tmp) / "audit.db", corpus)
        if keep is not None:  # to compare the engines' databases row by row
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(tmp) / "audit.db", keep / f"{engine}-{articles}.db")
        db_mb = sum(f.stat().st_size for f in Path(tmp).glob("audit.db*")) / 2**20
        reports_mb = sum(f.stat().st_size for f in (Path(tmp) / "reports").glob("*.html")) / 2**20
        usage = resource.getrusage(resource.RUSAGE_SELF)
    stream = probe.stream_end - probe.start
    requests = sum(seen.values())
    return {
        "engine": engine, "workers_rss_mb": peaks, "tables": tables, "db_mb": round(db_mb, 1),
        "reports_mb": round(reports_mb, 1), "client_cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "articles": stats.audited, "failed": stats.failed, "links": stats.links, "copies": copies,
        "near_duplicates": stats.near_duplicates, "urls_checked": stats.urls_checked,
        "urls_cited": len(cited), "urls_requested": len(seen), "never_requested": len(missed), "why": why, "requests": requests, "max_requests_per_url": max(seen.values()),
        "stream_s": round(stream, 1), "total_s": round(total, 1),
        "articles_per_s": round(stats.audited / stream, 1), "links_per_s": round(stats.links / stream),
        "stream_rss_mb": round(probe.stream_rss_mb), "rss_curve_mb": probe.curve, "worker_rss_mb": max(peaks),
        "total_rss_mb": round(peak_mb),
    }  # fmt: skip


# ----------------------------------------------------------------------------- driver


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _report(rows: list[dict[str, object]]) -> None:
    cols = [
        ("engine", "engine"), ("articles", "articles"), ("links", "links"), ("urls_cited", "distinct URLs"),
        ("never_requested", "never requested"),
        ("requests", "requests"), ("max_requests_per_url", "max req/URL"), ("articles_per_s", "articles/s"),
        ("links_per_s", "links/s"), ("stream_s", "stream s"), ("total_s", "total s"),
        ("stream_rss_mb", "stream RSS MB"), ("worker_rss_mb", "worker RSS MB"), ("total_rss_mb", "peak RSS MB"),
        ("near_duplicates", "near-dups"),
    ]  # fmt: skip
    print(" | ".join(title for _, title in cols))
    for row in rows:
        print(" | ".join(f"{row[key]:>{len(title)}}" for key, title in cols))
    for row in rows:
        per_url = int(row["requests"]) / max(1, int(row["urls_cited"]))  # type: ignore[call-overload]
        missed = f"; never requested: {row['why']}" if row["never_requested"] else ""
        print(
            f"{row['engine']} {row['articles']} articles: client RSS at each 1,000 articles {row.get('rss_curve_mb')} MB;"
            f" workers' peak RSS {row['workers_rss_mb']} MB;"
            f" tables {row['tables']['sha256']} {row['tables']['rows']}"  # type: ignore[index]
        )
        print(
            f"{row['articles']} articles: {per_url:.2f} requests per distinct URL cited{missed};"
            f" {float(row['articles_per_s']) * 3600:,.0f} articles/h, {float(row['links_per_s']) * 3600:,.0f} links/h"  # type: ignore[arg-type]
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="100 and 400 articles")
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument("--links", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", nargs="+", choices=("local", "dask"), default=["local"])
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep-db", type=Path, help="copy each run's database here, as ENGINE-SIZE.db")
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(
            json.dumps(
                child(
                    args.child, args.links, args.port, args.workers, args.engine[0], args.corpus, args.keep_db
                )
            )
        )
        return
    sizes = args.sizes or ([100, 400] if args.quick else [500, 2000])
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, str(HERE / "fakeweb.py"), "--hosts", str(HOSTS), "--latency", str(args.latency),
         "--port", str(port)], stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        rows = []
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
                corpus = Path(tmp) / "corpus"
                copies, cited = make_corpus(corpus, size, args.links, port)
                (corpus / ".corpus.json").write_text(json.dumps([copies, sorted(cited)]))
                for engine in args.engine:
                    cmd = [sys.executable, __file__, "--child", str(size), "--port", str(port), "--links", str(args.links),
                           "--workers", str(args.workers), "--engine", engine, "--corpus", str(corpus),
                           *(["--keep-db", str(args.keep_db)] if args.keep_db else [])]  # fmt: skip
                    done = subprocess.run(cmd, capture_output=True, text=True)
                    if done.returncode != 0:  # say why, then go on with the next run
                        print(f"{engine} {size} articles failed (exit {done.returncode}):\n{done.stderr[-4000:]}",
                              file=sys.stderr, flush=True)  # fmt: skip
                        continue
                    rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
                    load = os.getloadavg()
                    rows[-1]["load"] = [round(x, 2) for x in load]
                    print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
                    print(f"{engine} {size} articles done in {rows[-1]['total_s']} s (load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})",
                          file=sys.stderr, flush=True)  # fmt: skip
        print(f"latency {args.latency * 1000:.0f} ms, {HOSTS} hosts, {args.links} links/article, "
              f"{args.workers} parsing workers, {os.cpu_count()} CPUs")  # fmt: skip
        _report(rows)
    finally:
        server.terminate()
        server.wait(5)


if __name__ == "__main__":
    main()

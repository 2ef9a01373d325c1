"""What looking quotes up at their pages adds to a batch: wall time, CPU time and requests.

    .venv/bin/python benchmarks/bench_quotes.py                 # 300 articles, 3 rounds
    .venv/bin/python benchmarks/bench_quotes.py --articles 100 --rounds 1

A corpus like bench_batch's (40 links an article from a shared pool on ``fakeweb.py``'s
hosts), where 8 of each article's links sit in a sentence quoting a named source: the
quote is word for word in the linked page, edited, or absent, and some links are dead,
redirected, soft 404s or PDFs, as in the rest of the corpus. Each round runs the same batch
twice in fresh databases, ``--no-quotes`` and with quotes, the order alternating between
rounds; it prints each run and the medians' ratios. Issue 16's goals: no extra request for
a page the checker already read with GET, and under 10 % more wall time.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_batch import FIRST_OCTET, HOSTS, WORDS, _free_port, _page  # noqa: E402

SAID = "The council met on Tuesday to discuss the harbour plan"  # fakeweb's article pages say it
EDITED = "The council met on Monday to discuss the harbour plan"
ABSENT = "The ferry will run all winter without a single break"
NAMES = "Ada Lind,Bo Ekdal,Cato Brun,Dana Moe,Eli Strand,Finn Aas,Gro Vang,Hal Oss".split(",")
KINDS = "aaaaaaaaaaaaaaaaaaaaaaddrrsspn"  # fakeweb path kinds: mostly pages, some broken


def _url(rng: random.Random, port: int, pool: int) -> str:
    n = rng.randrange(200) if rng.random() < 0.5 else rng.randrange(pool)
    host = f"127.0.0.{FIRST_OCTET + n % HOSTS}"
    kind = KINDS[n % len(KINDS)]
    return f"http://{host}:{port}/{kind}/{n}" + (".pdf" if kind == "p" else "")


def _body(rng: random.Random, port: int, pool: int, links: int) -> str:
    quoted = 8
    paragraphs = []
    for p in range(quoted):
        quote = rng.choice((SAID, SAID, EDITED, ABSENT))
        paragraphs.append(
            f"<p>{NAMES[p]}, a {rng.choice(WORDS)} analyst, said in "
            f'<a href="{_url(rng, port, pool)}">a report</a> that “{quote}”.</p>'
        )
    for _ in range(8):
        text = " ".join(rng.choice(WORDS) for _ in range(50)).capitalize()
        rest = (links - quoted) // 8
        more = " ".join(
            f'See <a href="{_url(rng, port, pool)}">the {rng.choice(WORDS)} report</a>.' for _ in range(rest)
        )
        paragraphs.append(f"<p>{text}. {more}</p>")
    return "\n".join(paragraphs)


def make_corpus(folder: Path, articles: int, links: int, port: int) -> None:
    for i in range(articles):
        rng = random.Random(i)
        html = _page(f"Site {i % 25}", f"Story {i}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                     _body(rng, port, articles * 4, links))  # fmt: skip
        path = folder / f"site-{i % 25:02d}" / f"story-{i:05d}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")


def child(corpus: Path, port: int, quotes: bool, workers: int) -> dict[str, object]:
    from auditor.batch import BatchOptions, run_batch
    from auditor.models import CheckOptions

    stats_url = f"http://127.0.0.{FIRST_OCTET}:{port}/__stats"
    urllib.request.urlopen(f"http://127.0.0.{FIRST_OCTET}:{port}/__reset").read()
    with tempfile.TemporaryDirectory(prefix="bench-quotes-") as tmp:
        check = CheckOptions(allow_private=True, archive=False, quotes=quotes)
        opts = BatchOptions(folder=corpus, out_dir=Path(tmp) / "reports", db_path=Path(tmp) / "audit.db",
                            check=check, workers=workers)  # fmt: skip
        started, cpu = time.monotonic(), time.process_time()
        stats = run_batch(opts, lambda *_a: None)
        wall = time.monotonic() - started
        own_cpu = time.process_time() - cpu
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        seen = json.loads(urllib.request.urlopen(stats_url).read())
        with sqlite3.connect(Path(tmp) / "audit.db") as db:
            verdicts = dict(db.execute("SELECT verdict, COUNT(*) FROM quote_checks GROUP BY 1").fetchall())
    return {
        "quotes": quotes, "articles": stats.audited, "wall_s": round(wall, 2),
        "cpu_s": round(own_cpu + kids.ru_utime + kids.ru_stime, 2), "requests": sum(seen.values()),
        "urls": len(seen), "verdicts": verdicts,
    }  # fmt: skip


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--links", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--with-quotes", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child), args.port, args.with_quotes, args.workers)))
        return
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, str(HERE / "fakeweb.py"), "--hosts", str(HOSTS), "--latency", str(args.latency),
         "--port", str(port)], stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    runs: list[dict[str, object]] = []
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        with tempfile.TemporaryDirectory(prefix="bench-quotes-corpus-") as tmp:
            make_corpus(Path(tmp), args.articles, args.links, port)
            for r in range(args.rounds):
                for quotes in (False, True) if r % 2 == 0 else (True, False):
                    cmd = [sys.executable, __file__, "--child", tmp, "--port", str(port),
                           "--workers", str(args.workers)] + (["--with-quotes"] if quotes else [])  # fmt: skip
                    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
                    runs.append(json.loads(done.stdout.strip().splitlines()[-1]) | {"load": _load()})
    finally:
        server.terminate()
        server.wait(5)
    _print(runs, args)


def _print(runs: list[dict[str, object]], args: argparse.Namespace) -> None:
    print(f"{args.articles} articles, {args.links} links each (8 quoted), latency {args.latency * 1000:.0f} ms, "
          f"{HOSTS} hosts, {args.rounds} rounds")  # fmt: skip
    print("quotes | wall s | CPU s | requests | URLs | load | verdicts")
    for run in runs:
        print(f"{'on ' if run['quotes'] else 'off'}    | {run['wall_s']:>6} | {run['cpu_s']:>5} | "
              f"{run['requests']:>8} | {run['urls']:>4} | {run['load']:>4} | {run['verdicts']}")  # fmt: skip

    def median(key: str, quotes: bool) -> float:
        return statistics.median(float(r[key]) for r in runs if r["quotes"] is quotes)  # type: ignore[arg-type]

    on, off = (
        {k: median(k, True) for k in ("wall_s", "cpu_s", "requests")},
        {k: median(k, False) for k in ("wall_s", "cpu_s", "requests")},
    )
    checked = sum(int(v) for v in next(r for r in runs if r["quotes"])["verdicts"].values())  # type: ignore[attr-defined]
    print(
        f"quotes looked up per run: {checked}; with quotes / without (medians): wall {on['wall_s'] / off['wall_s']:.3f}x, "
        f"CPU {on['cpu_s'] / off['cpu_s']:.3f}x, requests {on['requests'] / off['requests']:.3f}x "
        f"({on['requests'] - off['requests']:+.0f})"
    )


if __name__ == "__main__":
    main()

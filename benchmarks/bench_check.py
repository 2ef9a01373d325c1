"""`auditor check` and lychee side by side, in one run, on the same articles and fake web.

    .venv/bin/python benchmarks/bench_check.py              # 200 articles x 20 links, 3,700 URLs
    .venv/bin/python benchmarks/bench_check.py --burn 2     # the same with two CPU burners beside
    .venv/bin/python benchmarks/bench_check.py --quick      # 40 articles, 400 URLs, 8 hosts
    .venv/bin/python benchmarks/bench_check.py --repeat 3   # 3 rounds, each checker once a round

Both checkers run as a user runs them, as commands over a folder of HTML articles whose links
point at ``benchmarks/fakeweb.py`` (hosts on 127.0.0.N, fixed latency, a hanging host, a
refused one, redirects, soft 404s; sites that answer a path they do not have with a real
404, with their own not-found page at 200, or by sending the reader home). For each, from
the same run: wall time, CPU seconds (user + system) in all and per 1,000 distinct URLs,
peak RSS, working links reported broken (must be 0), links classified exactly as the fake
web knows them, the requests the server saw, and of those the auditor's site probes (its
question to each site section about a path that cannot exist; goal under 0.1 per URL; the
bound below leaves them out; ``--probe-cost`` also runs the auditor with ``--no-probe``, for
what they cost in time). Then the politeness bound: no checker that keeps
``--per-host`` connections per host can beat (requests needed) / (hosts x per-host /
latency) plus the slowest timeout; the share of it reached is bound / wall. Start-up figures (`auditor --help`, `auditor extract` of one small
page) come last. Every figure is printed with the load average at that moment.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakeweb import Web, corpus

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
# requests a perfect checker needs per URL of each class (hops, the 429 retry, HEAD+GET for files)
NEEDED = {"r": 2, "x": 2, "c": 3, "l": 2, "h": 2, "t": 2, "p": 2}
# A site probe's path (auditor/check/probe.py): nine digits, or a slug of three random words.
PROBE_PATH = re.compile(r"/[a-z]{0,2}(?:\d{9}|[a-z]{5}-[a-z]{6}-[a-z]{7})(?:\.\w+)?/?$")
NO_PROBE = "auditor --no-probe"  # the same checker without site probes: what they cost in time
WORKING = {"ok", "redirected"}  # what the fake web serves as a live page, directly or redirected
BROKEN = {"dead", "soft-404", "parked", "server-error", "timeout", "connection-error", "dns-error",
          "tls-error", "too-many-redirects", "invalid-url", "unchecked"}  # fmt: skip
PARA = "The harbour council met on Tuesday and residents asked about the ferry timetable."


@dataclass
class Run:
    name: str
    wall: float
    cpu: float
    rss_mb: float
    classes: dict[str, str]
    requests: Counter[str]
    load: str


def load_avg() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


@contextmanager
def burning(n: int) -> Iterator[None]:
    """``n`` processes spinning on a core each, killed by their PIDs whatever happens."""
    procs = [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(n)]
    try:
        if n:
            time.sleep(2)  # let the load average see them
        yield
    finally:
        for proc in procs:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def write_articles(folder: Path, urls: list[str], articles: int, per_article: int) -> None:
    """Every URL cited at least once, the rest of the slots drawn again (as citations repeat)."""
    rng = random.Random(11)
    slots = urls + [rng.choice(urls) for _ in range(max(0, articles * per_article - len(urls)))]
    rng.shuffle(slots)
    for i in range(articles):
        cited = slots[i * per_article : (i + 1) * per_article]
        paras = "".join(f'<p>{PARA} See <a href="{u}">the report</a>.</p>' for u in cited)
        (folder / f"story-{i:04d}.html").write_text(
            f"<!doctype html><html><head><meta charset='utf-8'><title>Story {i}</title></head>"
            f"<body><article><h1>Story {i}</h1>{paras}</article></body></html>",
            encoding="utf-8",
        )


def timed(cmd: list[str]) -> tuple[float, float, float, subprocess.CompletedProcess[str]]:
    """Run under /usr/bin/time: wall s, CPU s (user + system), peak RSS MB, the process."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        started = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-o", out.name, "-f", "%U %S %M", *cmd], capture_output=True, text=True
        )
        wall = time.perf_counter() - started
        user, system, rss = out.read().split()[-3:]
    return wall, float(user) + float(system), int(rss) / 1024, proc


def server(web: Web, path: str) -> Counter[str]:
    with urllib.request.urlopen(f"http://{web.host(0)}:{web.port}/{path}", timeout=10) as resp:
        return Counter(json.loads(resp.read()))


def run_auditor(folder: Path, web: Web, args: argparse.Namespace, probe: bool = True) -> Run:
    server(web, "__reset")
    load = load_avg()
    cmd = [str(BIN / "auditor"), "check", str(folder), "--json", "--allow-private", "--no-archive",
           "--timeout", str(args.timeout), "--concurrency", "64", "--per-host", str(args.per_host),
           *([] if probe else ["--no-probe"])]  # fmt: skip
    wall, cpu, rss, proc = timed(cmd)
    classes = {}
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        classes[row["url"]] = row["status"]
    if not classes:
        raise SystemExit(f"auditor check printed nothing: {proc.stderr[-500:]}")
    return Run("auditor" if probe else NO_PROBE, wall, cpu, rss, classes, server(web, "__reset"), load)


def lychee_class(status: dict[str, object], bucket: str) -> str:
    """lychee's per-URL status in our classes, as far as lychee tells them apart."""
    if bucket == "timeout_map":
        return "timeout"
    code, text = status.get("code"), str(status.get("text", "")).lower()
    if isinstance(code, int):
        if 200 <= code < 300:
            return "ok"
        if 300 <= code < 400:
            return "too-many-redirects"
        if code in (401, 403, 429):
            return "blocked"
        return "server-error" if code >= 500 else "dead"
    if "timeout" in text or "timed out" in text:
        return "timeout"
    if "redirect" in text:
        return "too-many-redirects"
    if "connect" in text or "refused" in text:
        return "connection-error"
    return "unknown:" + text[:40]


def run_lychee(folder: Path, web: Web, args: argparse.Namespace) -> Run | None:
    exe = shutil.which("lychee") or str(BIN / "lychee")
    if not Path(exe).exists():
        return None
    server(web, "__reset")
    load = load_avg()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        cmd = [exe, "--format", "json", "--output", str(out), "--no-progress", "--timeout", str(int(args.timeout)),
               "--max-concurrency", "64", "--host-concurrency", str(args.per_host), "--max-retries", "2",
               "--max-redirects", "10", "--verbose", str(folder)]  # fmt: skip
        wall, cpu, rss, _proc = timed(cmd)
        data = json.loads(out.read_text(encoding="utf-8"))
    classes: dict[str, str] = {}
    for bucket in ("success_map", "fail_map", "error_map", "excluded_map", "timeout_map"):
        for entries in (data.get(bucket) or {}).values():
            for e in entries:
                if isinstance(e, dict) and "url" in e:
                    classes[e["url"]] = lychee_class(e.get("status", {}), bucket)
    for entries in (data.get("redirect_map") or {}).values():  # credit lychee with the redirects
        for e in entries:
            if isinstance(e, dict) and classes.get(e.get("origin", "")) == "ok":
                classes[e["origin"]] = "redirected"
    return Run("lychee", wall, cpu, rss, classes, server(web, "__reset"), load)


def needed(web: Web, url: str) -> int:
    """Requests a perfect checker needs for one URL (without site probes)."""
    prefix, host = url.split("/")[3], url.split("/")[2].split(":")[0]
    if (
        prefix in ("d", "g")
        and host in {web.host(i) for i in range(web.hosts)}
        and web.mode_of(host) == "home"
    ):
        return 2  # sent home: the redirect and the home page
    return NEEDED.get(prefix, 1)


def probe_requests(web: Web, truth: list[tuple[str, str]], seen: Counter[str]) -> int:
    """Requests the server saw for site probes: their paths, and the home pages they were sent
    to beyond those the links themselves lead to."""
    probes = sum(n for key, n in seen.items() if PROBE_PATH.search(key))
    homes = Counter(
        u.split("/")[2].split(":")[0]
        for u, _c in truth
        if needed(web, u) == 2 and u.split("/")[3] in ("h", "d", "g")
    )
    extra_homes = sum(
        max(0, n - homes[key[:-1]]) for key, n in seen.items() if key.endswith("/") and key.count("/") == 1
    )
    return probes + extra_homes


def bound(web: Web, truth: list[tuple[str, str]], per_host: int, timeout: float) -> tuple[float, int]:
    """(requests needed) / (hosts x per-host / latency) + the slowest timeout, and that need."""
    needed_ = sum(needed(web, u) for u, c in truth if c not in ("timeout", "connection-error"))
    rate = web.hosts * per_host / web.latency
    return needed_ / rate + timeout, needed_


def report(run: Run, truth: list[tuple[str, str]], limit: float, web: Web) -> None:
    n = len(truth)
    got = {u: run.classes.get(u) or run.classes.get(u.rstrip("/"), "missing") for u, _c in truth}
    exact = sum(got[u] == c for u, c in truth)
    working_broken = Counter(got[u] for u, c in truth if c in WORKING and got[u] in BROKEN | {"missing"})
    misses = Counter(f"{c}->{got[u]}" for u, c in truth if got[u] != c)
    requests = sum(run.requests.values())
    print(f"\n{run.name}  ({run.load} at its start)")
    print(f"  wall {run.wall:.2f} s ({n / run.wall:.0f} URLs/s): {limit / run.wall:.0%} of the bound")
    print(f"  CPU {run.cpu:.2f} s = {run.cpu / n * 1000:.2f} s per 1,000 URLs; peak RSS {run.rss_mb:.0f} MB")
    print(f"  working links reported broken: {sum(working_broken.values())} {dict(working_broken) or ''}")
    print(
        f"  classified exactly as the fake web knows them: {exact / n:.1%}; top misses {dict(misses.most_common(4))}"
    )
    print(f"  requests the server saw: {requests} ({requests / n:.2f} per distinct URL)")
    probes = probe_requests(web, truth, run.requests)
    if probes:
        print(f"  of which site probes: {probes} ({probes / n:.3f} per distinct URL; goal under 0.1)")


def startup(page: Path, repeat: int = 5) -> None:
    """Median wall time and peak RSS of `auditor --help` and `auditor extract` of one page."""
    for label, cmd in (
        ("auditor --help", ["--help"]),
        (f"auditor extract {page.name}", ["extract", str(page)]),
    ):
        runs = [timed([str(BIN / "auditor"), *cmd]) for _ in range(repeat)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs)
        print(
            f"  {label}: {wall:.2f} s wall, {cpu:.2f} s CPU (medians of {repeat}), peak RSS {rss:.0f} MB ({load_avg()})"
        )


def rounds(
    folder: Path, web: Web, args: argparse.Namespace, truth: list[tuple[str, str]], limit: float
) -> list[tuple[int, Run]]:
    """Every checker once a round, the order rotated each round: on a shared machine the load
    drifts, and a fixed order would hand the same checker the same moments every time."""
    names = ["auditor", *([NO_PROBE] if args.probe_cost else []), *([] if args.no_lychee else ["lychee"])]
    runs: list[tuple[int, Run]] = []
    for r in range(args.repeat):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            if name == "lychee":
                run = run_lychee(folder, web, args)
            else:
                run = run_auditor(folder, web, args, probe=name != NO_PROBE)
            if run is not None:
                print(f"\n[round {r + 1}]", end="")
                report(run, truth, limit, web)
                runs.append((r, run))
    return runs


def summary(runs: list[tuple[int, Run]], n: int) -> None:
    """One line a run, its CPU beside the same round's lychee; then each checker's medians."""
    lychee = {r: run for r, run in runs if run.name == "lychee"}
    print("\nround  checker             load(1m)  wall s  CPU s  CPU s/1k URLs  RSS MB  CPU / lychee's")
    for r, run in runs:
        ref = lychee.get(r)
        ratio = f"{run.cpu / ref.cpu:.2f}x" if ref and run is not ref else "-"
        load1 = run.load.split()[2].rstrip(",")
        print(f"{r + 1:>5}  {run.name:<18}  {load1:>8}  {run.wall:6.2f}  {run.cpu:5.2f}  {run.cpu / n * 1000:13.2f}"
              f"  {run.rss_mb:6.0f}  {ratio:>14}")  # fmt: skip
    print("\nmedians")
    for name in dict.fromkeys(run.name for _r, run in runs):
        mine = [(r, run) for r, run in runs if run.name == name]
        cpu = statistics.median(run.cpu for _r, run in mine)
        wall = statistics.median(run.wall for _r, run in mine)
        rss = statistics.median(run.rss_mb for _r, run in mine)
        same = [(run, lychee[r]) for r, run in mine if r in lychee and name != "lychee"]
        versus = ""
        if same:  # each run against the same round's lychee, whose own CPU varies run to run
            cpu_x = statistics.median(ours.cpu / theirs.cpu for ours, theirs in same)
            wall_x = statistics.median(ours.wall / theirs.wall for ours, theirs in same)
            versus = f"; against the same round's lychee: CPU {cpu_x:.2f}x, wall {wall_x:.2f}x (medians)"
        print(f"  {name}: wall {wall:.2f} s, CPU {cpu:.2f} s = {cpu / n * 1000:.2f} s per 1,000 URLs,"
              f" peak RSS {rss:.0f} MB{versus}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="40 articles, 400 URLs, 8 hosts")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--per-host", type=int, default=4)
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--burn", type=int, default=0, help="CPU burners to run beside the checkers")
    parser.add_argument("--no-lychee", action="store_true")
    parser.add_argument(
        "--probe-cost", action="store_true", help="also run the auditor with --no-probe (what probes cost)"
    )
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up figures")
    parser.add_argument("--repeat", type=int, default=1, help="rounds, each running every checker once")
    args = parser.parse_args()
    web = Web(hosts=8 if args.quick else 20, port=args.port, latency=args.latency)
    truth = corpus(web, 400 if args.quick else 3700)
    articles = 40 if args.quick else 200
    fake = subprocess.Popen(
        [sys.executable, str(HERE / "fakeweb.py"), "--hosts", str(web.hosts), "--port", str(web.port),
         "--latency", str(web.latency)], stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert fake.stdout is not None and fake.stdout.readline().strip() == "ready"
        with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp, burning(args.burn):
            folder = Path(tmp)
            write_articles(folder, [u for u, _ in truth], articles, 20)
            limit, needed = bound(web, truth, args.per_host, args.timeout)
            print(f"corpus: {articles} articles x 20 links, {len(truth)} distinct URLs, {web.hosts} hosts"
                  f" + parked/hanging/refused, latency {web.latency * 1000:.0f} ms, timeout {args.timeout:g} s,"
                  f" per-host {args.per_host}; {args.burn} CPU burners beside; {os.cpu_count()} CPUs")  # fmt: skip
            print(f"politeness bound: {needed} requests / ({web.hosts} hosts x {args.per_host} / "
                  f"{web.latency:g} s) + {args.timeout:g} s slowest timeout = {limit:.2f} s")  # fmt: skip
            runs = rounds(folder, web, args, truth, limit)
            summary(runs, len(truth))
            if not args.no_startup:
                print("\nstart-up")
                startup(HERE.parent / "examples" / "cc-republished.html")
    finally:
        fake.terminate()
        fake.wait(timeout=10)
    print(f"\nat the end: {load_avg()}")


if __name__ == "__main__":
    main()

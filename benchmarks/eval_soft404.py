"""Soft 404s on pages served as real sites: the site probe and the content rules, scored.

Each page becomes a site of its own (127.0.0.N, one port), as real sites behave:

- a **not-found page** (``--soft``) is what its site answers at 200 for the link and for every
  path it does not have, with the requested path echoed into the page as many not-found pages
  do (``--no-echo`` turns that off);
- an **ordinary page** (``--ordinary``) is served at its link; its site answers a path it does
  not have in turn with a real 404, with a not-found page of its own at 200 (ours, a different
  page from the link's) or by redirecting to its home page; and every fifth ordinary site
  also gets a deep link redirected to its home page (a front page of ours), which is a soft
  404 as well.

``auditor check`` runs over the links as a user runs it (``--allow-private --no-archive``),
once with the site probe and once with ``--no-probe`` (the content rules alone), and each run
is scored for the ``soft-404`` class: precision and recall, per kind of site, misses listed
with ``--misses``. The defaults are the not-found pages we wrote (``tests/fixtures/check``:
``soft404_*`` the content rules are meant to catch, ``notfound_layout_*`` only their layout
gives away, as real ones in languages no phrase list covers or titled with the brand) beside our own articles and, when ``../shared/devset/readability`` is there, its real saved
news pages (not the synthetic ones) as ordinary pages. Other real pages, kept outside the
project, are scored the same way: ``--soft 'DIR/**/*.html' --ordinary 'DIR2/**/*.html'``.

    .venv/bin/python benchmarks/eval_soft404.py [--misses]
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakeweb import respond

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEVSET = ROOT.parent / "shared" / "devset" / "readability"
FIRST_OCTET = 10
# Our own not-found page, for ordinary sites that answer a missing path at 200 with a page
# that is not the link's: the content rules must then tell the link's page from it.
SITE_MISSING = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>Harbour Weekly</title></head><body>"
    b"<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav><main>"
    b"<h2>We looked everywhere</h2><p>Try the search box, or start again from one of our sections."
    b"</p><form action='/search'><input name='q'></form></main></body></html>"
)
FRONT = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>Harbour Weekly: news</title></head><body>"
    b"<main><h1>Today</h1><ul>"
    + b"".join(
        b"<li><a href='/news/2024/05/story-%d'>Story %d from the quay</a></li>" % (n, n) for n in range(12)
    )
    + b"</ul></main></body></html>"
)
MODES = ("a 404", "its page", "home")  # how an ordinary site answers a path it does not have


@dataclass(frozen=True)
class Site:
    """One site: its page, what that page is, and how it answers a path it does not have."""

    host: str
    page: bytes
    label: str  # "soft-404" or "ok": what the link's page is
    mode: str  # "not-found" (a not-found page's site), or one of MODES for an ordinary site
    name: str  # the page's file, for the list of misses


def default_ordinary() -> list[str]:
    found = sorted(glob.glob(str(ROOT / "tests/fixtures/check/article_*.html")))
    for label in sorted(DEVSET.glob("*/expected.json")):
        if not json.loads(label.read_text(encoding="utf-8")).get("synthetic"):
            found.append(str(label.parent / "source.html"))
    return found


def pages(patterns: list[str]) -> list[Path]:
    return sorted({Path(p) for pattern in patterns for p in glob.glob(pattern, recursive=True)})


def sites(soft: list[Path], ordinary: list[Path]) -> list[Site]:
    out = [Site("", p.read_bytes(), "soft-404", "not-found", p.name) for p in soft]
    for i, p in enumerate(ordinary):
        name = p.name if p.name != "source.html" else p.parent.name
        out.append(Site("", p.read_bytes(), "ok", MODES[i % len(MODES)], name))
    return [Site(f"127.0.0.{FIRST_OCTET + n}", s.page, s.label, s.mode, s.name) for n, s in enumerate(out)]


def links(web: list[Site], port: int) -> list[tuple[str, str, Site]]:
    """(URL, expected status, site): each site's link, and the deep links sent home."""
    out = []
    for n, site in enumerate(web):
        base = f"http://{site.host}:{port}"
        out.append((f"{base}/news/2024/05/harbour-story-{n}", site.label, site))
        if site.label == "ok" and n % 5 == 0:
            out.append((f"{base}/archive/old-story-{n}", "soft-404", site))
    return out


class Server:
    """Answers as each site would: the page at its link, a front page of ours at ``/``."""

    def __init__(self, web: list[Site], echo: bool) -> None:
        self.by_host = {s.host: s for s in web}
        self.echo = echo
        self.requests: Counter[str] = Counter()

    def answer(self, site: Site, path: str) -> tuple[int, dict[str, str], bytes]:
        if site.mode == "not-found":
            return 200, {}, self.echoed(site.page, path)
        if path == "/":
            return 200, {}, FRONT
        if path.startswith("/news/2024/05/harbour-story-"):
            return 200, {}, site.page
        if path.startswith("/archive/old-story-") or site.mode == "home":
            return 301, {"Location": "/"}, b""
        if site.mode == "its page":
            return 200, {}, self.echoed(SITE_MISSING, path)
        return 404, {}, b"<html><body><h1>404</h1></body></html>"

    def echoed(self, page: bytes, path: str) -> bytes:
        if not self.echo:
            return page
        said = f"<p>{path}</p>".encode()
        at = page.lower().rfind(b"</body>")
        return page[:at] + said + page[at:] if at >= 0 else page + said

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        site = self.by_host[writer.get_extra_info("sockname")[0]]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                method, path = head.decode("latin-1").split(" ")[:2]
                self.requests[site.host] += 1
                status, headers, body = self.answer(site, path.split("?")[0])
                headers.setdefault("Content-Type", "text/html")
                await respond(writer, method, status, headers, body)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            writer.close()


async def run_check(urls: Path, probe: bool) -> tuple[dict[str, dict[str, str]], float]:
    """``auditor check`` over the URL list: each URL's row, and the wall time."""
    cmd = [str(BIN / "auditor"), "check", str(urls), "--json", "--allow-private", "--no-archive",
           "--timeout", "10", *([] if probe else ["--no-probe"])]  # fmt: skip
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await proc.communicate()
    wall = time.perf_counter() - started
    rows = {row["url"]: row for row in map(json.loads, out.decode().splitlines())}
    if not rows:
        raise SystemExit(f"auditor check printed nothing: {err.decode()[-500:]}")
    return rows, wall


def score(
    name: str, truth: list[tuple[str, str, Site]], rows: dict[str, dict[str, str]], misses: bool
) -> None:
    got = {u: rows.get(u, {}).get("status", "missing") for u, _e, _s in truth}
    tp = sum(1 for u, e, _s in truth if e == "soft-404" and got[u] == "soft-404")
    fp = sum(1 for u, e, _s in truth if e != "soft-404" and got[u] == "soft-404")
    fn = sum(1 for u, e, _s in truth if e == "soft-404" and got[u] != "soft-404")
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    print(
        f"{name}: soft-404 precision {precision:.3f} ({tp}/{tp + fp}), recall {recall:.3f} ({tp}/{tp + fn})"
    )
    groups: Counter[tuple[str, str]] = Counter()
    right: Counter[tuple[str, str]] = Counter()
    for u, e, site in truth:
        kind = ("not-found page", "that page") if site.mode == "not-found" else (
            "deep link sent home" if "/archive/" in u else "ordinary page", site.mode)  # fmt: skip
        groups[kind] += 1
        right[kind] += (got[u] == "soft-404") == (e == "soft-404")
    for (what, mode), n in sorted(groups.items()):
        print(f"  {what:<20} site answers a missing path {'with ' + mode:<16} {right[what, mode]}/{n} right")
    if misses:
        for u, e, site in truth:
            if (got[u] == "soft-404") != (e == "soft-404"):
                reason = rows.get(u, {}).get("reason", "")
                print(f"    {e} -> {got[u]}: {site.name} ({site.mode}) {u}\n      {reason}")


async def main_async(args: argparse.Namespace) -> None:
    web = sites(pages(args.soft), pages(args.ordinary or default_ordinary()))
    truth = links(web, args.port)
    server = Server(web, echo=not args.no_echo)
    servers = [await asyncio.start_server(server.handle, s.host, args.port) for s in web]
    soft = sum(1 for _u, e, _s in truth if e == "soft-404")
    print(f"{len(web)} sites; {len(truth)} links: {soft} soft 404s ({sum(s.mode == 'not-found' for s in web)}"
          f" not-found pages, {soft - sum(s.mode == 'not-found' for s in web)} deep links sent home),"
          f" {len(truth) - soft} ordinary pages")  # fmt: skip
    try:
        with tempfile.TemporaryDirectory(prefix="eval-soft404-") as tmp:
            urls = Path(tmp) / "urls.txt"
            urls.write_text("".join(f"{u}\n" for u, _e, _s in truth))
            for probe in (True, False):
                server.requests.clear()
                load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
                rows, wall = await run_check(urls, probe)
                extra = sum(server.requests.values()) - len(truth)
                name = "site probe + content rules" if probe else "content rules alone (--no-probe)"
                print(f"\n{name}: {wall:.2f} s wall (load average {load}), {sum(server.requests.values())}"
                      f" requests ({extra / len(truth):+.2f} per link beyond one)")  # fmt: skip
                score(name, truth, rows, args.misses)
    finally:
        for s in servers:
            s.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--soft", action="append", help="glob of not-found pages (repeatable)")
    parser.add_argument("--ordinary", action="append", help="glob of ordinary pages (repeatable)")
    parser.add_argument("--port", type=int, default=18790)
    parser.add_argument("--no-echo", action="store_true", help="serve not-found pages as they are")
    parser.add_argument("--misses", action="store_true", help="list every link scored wrong")
    args = parser.parse_args()
    args.soft = args.soft or [
        str(ROOT / f"tests/fixtures/check/{g}.html") for g in ("soft404_*", "notfound_*")
    ]
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()

"""A local fake web for the checker benchmark: many hosts, each on its own loopback address.

Checkers throttle per host *name*, so ports on one address would look like one site: every
host here is 127.0.0.N (Linux routes all of 127/8 to loopback) on the same port. The corpus
is deterministic and every URL comes with the class the fake web knows it to be.

Hosts differ in how they answer a path they do not have, as real sites do (``Web.mode``):
most with a real 404; every fifth with its own not-found page at 200, titled only with the
site's name and saying nothing a content rule knows (a missing page there is a soft 404);
every fifth another, by sending the reader to its home page. Articles exist only under the
identifiers the corpus uses; each has its own text, and the home page is a front page.

    python benchmarks/fakeweb.py --hosts 20 --latency 0.05 --port 8765   # serve until killed

Special paths: ``/__stats`` (JSON request counts per URL) and ``/__reset``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass

FIRST_OCTET = 10  # hosts are 127.0.0.10, .11, ...
LANGS = [
    (
        "Page not found | {h}",
        "Sorry, we can't find that page",
        "The page you are looking for does not exist or has been moved.",
    ),
    ("Seite nicht gefunden", "Fehler 404", "Die angeforderte Seite existiert nicht."),
    ("Page introuvable", "Oups", "La page que vous recherchez n'existe pas."),
    ("Página no encontrada", "Error 404", "La página que buscas no existe."),
    ("Страница не найдена", "Ошибка 404", "Запрашиваемая страница не найдена."),
    ("页面不存在", "页面不存在", "您访问的页面不存在。"),
    ("Nie znaleziono strony", "Błąd 404", "Strona nie istnieje."),
    ("Pagina non trovata", "Errore 404", "La pagina che stai cercando non esiste."),
]
NAV = "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/politics'>Politics</a> <a href='/sport'>Sport</a></nav>"
POPULAR = (
    "<aside><h2>Popular stories</h2><ul>"
    + "".join(f"<li><a href='/a/p{i}'>Popular story number {i} about the harbour</a></li>" for i in range(6))
    + "</ul></aside>"
)
SENTENCES = [
    "The council met on Tuesday to discuss the harbour plan.",
    "Residents asked questions about the ferry timetable and the cost of parking.",
    "The port authority said dredging would start in the spring.",
    "Fishermen want the quota rules changed before the season opens.",
    "A survey found that most shops on the quay close before six.",
    "The mayor promised a decision on the bridge contract by June.",
    "Engineers warned that the north pier needs urgent repairs.",
    "Ticket prices for the island service will rise by four per cent.",
    "The school board voted to keep the evening bus running.",
    "Storm damage to the sea wall was worse than first reported.",
    "A new cargo line will call at the port twice a week.",
    "Volunteers cleaned the beach after the autumn tide.",
    "The hospital expects the new ward to open next year.",
    "Wind turbine parts arrived by barge on Monday night.",
    "The union said talks on wages would resume on Friday.",
    "Officials published the audit of the harbour accounts.",
]
REAL = re.compile(r"^[a-z]{0,2}\d{1,6}$")  # identifiers the corpus uses; anything else does not exist
SITE_MISSING = (
    "<!doctype html><html><head><meta charset='utf-8'><title>{site}</title></head><body>{nav}"
    "<main><h2>We looked everywhere</h2><p>Try the search box, or start again from one of our sections.</p>"
    "<form action='/search'><input name='q'></form></main>{popular}</body></html>"
)
# (path prefix, expected class, share of a normal host's URLs)
MIX = [
    ("a", "ok", 0.55), ("d", "dead", 0.06), ("g", "dead", 0.02), ("e", "server-error", 0.02),
    ("r", "redirected", 0.06), ("x", "redirected", 0.03), ("c", "redirected", 0.03), ("l", "too-many-redirects", 0.01),
    ("s", "soft-404", 0.06), ("h", "soft-404", 0.02), ("n", "ok", 0.03), ("b", "blocked", 0.02),
    ("t", "ok", 0.01), ("p", "ok", 0.04),
]  # fmt: skip


@dataclass(frozen=True)
class Web:
    hosts: int
    port: int
    latency: float

    def host(self, i: int) -> str:
        return f"127.0.0.{FIRST_OCTET + i}"

    @property
    def parked_host(self) -> str:
        return self.host(self.hosts)

    @property
    def hanging_host(self) -> str:
        return self.host(self.hosts + 1)

    @property
    def refused_host(self) -> str:
        return self.host(self.hosts + 2)

    def listen_hosts(self) -> list[str]:
        return [self.host(i) for i in range(self.hosts + 2)]  # normal, parked, hanging

    @staticmethod
    def mode(i: int) -> str:
        """How host ``i`` answers a path it does not have: a 404, its own page at 200, or home."""
        return {4: "soft", 3: "home"}.get(i % 5, "real")

    def mode_of(self, host: str) -> str:
        return self.mode(int(host.rsplit(".", 1)[1]) - FIRST_OCTET)


def corpus(web: Web, urls: int, seed: int = 7) -> list[tuple[str, str]]:
    """(url, expected class) pairs; a few special hosts get a handful of URLs each."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    special = [
        (web.parked_host, "parked", 6),
        (web.hanging_host, "timeout", 4),
        (web.refused_host, "connection-error", 6),
    ]
    for host, cls, n in special:
        out += [(f"http://{host}:{web.port}/{cls}/{i}", cls) for i in range(n)]
    prefixes = [m[0] for m in MIX]
    weights = [m[2] for m in MIX]
    expected = {m[0]: m[1] for m in MIX}
    for i in range(urls - len(out)):
        host = web.host(i % web.hosts)
        prefix = rng.choices(prefixes, weights)[0]
        suffix = ".pdf" if prefix == "p" else ""
        cls = expected[prefix]
        if prefix in ("d", "g") and web.mode(i % web.hosts) != "real":
            cls = "soft-404"  # a missing page, on a site that does not say so with its status
        out.append((f"http://{host}:{web.port}/{prefix}/{i}{suffix}", cls))
    rng.shuffle(out)
    return out


async def respond(
    writer: asyncio.StreamWriter, method: str, status: int, headers: dict[str, str], body: bytes
) -> None:
    """One HTTP/1.1 answer on a kept-alive connection (no body for a HEAD)."""
    lines = [
        f"HTTP/1.1 {status} X",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (b"" if method == "HEAD" else body))
    await writer.drain()


class Server:
    def __init__(self, web: Web) -> None:
        self.web = web
        self.seen: Counter[str] = Counter()

    def page(self, title: str, h1: str, text: str, extra: str = "") -> bytes:
        return f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{extra}</head><body>{NAV}<main><h1>{h1}</h1>{text}</main>{POPULAR}</body></html>".encode()

    def story(self, host: str, ident: str, title: str = "", paragraphs: int = 2) -> bytes:
        """An article with its own text: sentences drawn for this host and identifier."""
        rng = random.Random(f"{host}/{ident}")
        text = "".join("<p>" + " ".join(rng.sample(SENTENCES, 6)) + "</p>" for _ in range(paragraphs * 2))
        head = title or f"Story {ident}"
        return self.page(f"{head} | {host}", head, text, "<meta property='og:type' content='article'>")

    def front(self, host: str) -> bytes:
        items = "".join(f"<li><a href='/a/{n}'>Story {n}</a></li>" for n in range(12))
        return self.page(f"{host} | front page", "Today", f"<ul>{items}</ul><p>{SENTENCES[0]}</p>")

    def missing(self, host: str) -> tuple[int, dict[str, str], bytes]:
        """What this host answers for a path it does not have."""
        mode = self.web.mode_of(host)
        if mode == "soft":
            return 200, {}, SITE_MISSING.format(site=f"Harbour {host}", nav=NAV, popular=POPULAR).encode()
        if mode == "home":
            return 301, {"Location": "/"}, b""
        return 404, {}, b"not here"

    def answer(self, host: str, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = self._answer(host, method, path)
        if status in (404, 410) and host != self.web.parked_host:
            return self.missing(host)
        return status, headers, body

    def _answer(self, host: str, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        key = f"{host}{path}"
        n = self.seen[key]
        if host == self.web.parked_host:
            return (
                200,
                {},
                b"<html><head><title>This domain is for sale!</title></head><body><h1>Buy this domain</h1><script src='https://www.parkingcrew.net/p.js'></script></body></html>",
            )
        parts = path.strip("/").split("/")
        kind, ident = ([*parts, "", ""])[:2]
        other = self.web.host((int(host.rsplit(".", 1)[1]) - FIRST_OCTET + 1) % self.web.hosts)
        if path == "/":
            return 200, {}, self.front(host)
        if kind in ("a", "n", "t") and not REAL.match(ident):
            return 404, {}, b"not here"
        if kind == "a":
            return 200, {}, self.story(host, ident)
        if kind == "n":
            return 200, {}, self.story(host, ident, "Not found: the missing ferry", paragraphs=3)
        if kind in ("d", "g", "e"):
            return {"d": 404, "g": 410, "e": 500}[kind], {}, b"error"
        if kind == "r":
            return 301, {"Location": f"/a/r{ident}"}, b""
        if kind == "x":
            return 302, {"Location": f"http://{other}:{self.web.port}/a/x{ident}"}, b""
        if kind == "c":
            return 301, {"Location": f"/c2/{ident}"}, b""
        if kind == "c2":
            return 307, {"Location": f"/a/c{ident}"}, b""
        if kind in ("l", "l2"):
            return 302, {"Location": f"/{'l2' if kind == 'l' else 'l'}/{ident}"}, b""
        if kind == "s":
            title, h1, text = LANGS[hash(ident) % len(LANGS)]
            return 200, {}, self.page(title.format(h=host), h1, f"<p>{text}</p>")
        if kind == "h":
            return 301, {"Location": "/"}, b""
        if kind == "b":
            return (
                403,
                {},
                b"<html><head><title>Just a moment...</title></head><body><script src='/cdn-cgi/challenge-platform/x.js'></script></body></html>",
            )
        if kind == "t":
            return (
                (429, {"Retry-After": "1"}, b"slow down")
                if n == 0
                else (200, {}, self.story(host, ident, "Rate"))
            )
        if kind == "p":
            if method == "HEAD":
                return 405, {}, b""
            return 200, {"Content-Type": "application/pdf"}, b"%PDF-1.7 " + b"0" * 20000
        return 404, {}, b"not here"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                method, target = head.decode("latin-1").split(" ")[:2]
                path = target if target.startswith("/") else "/" + target.split("/", 3)[-1]
                if host == self.web.hanging_host:
                    await asyncio.sleep(3600)
                if path.startswith("/__"):
                    await self.admin(path, writer)
                    continue
                await asyncio.sleep(self.web.latency)
                status, headers, body = self.answer(host, method, path)
                self.seen[f"{host}{path}"] += 1
                headers.setdefault("Content-Type", "text/html; charset=utf-8")
                await respond(writer, method, status, headers, body)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            writer.close()

    async def admin(self, path: str, writer: asyncio.StreamWriter) -> None:
        body = json.dumps(dict(self.seen)).encode()
        if path == "/__reset":
            self.seen.clear()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (len(body), body)
        )
        await writer.drain()


async def serve(web: Web) -> None:
    server = Server(web)
    servers = [
        await asyncio.start_server(server.handle, h, web.port, backlog=1024) for h in web.listen_hosts()
    ]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    try:
        asyncio.run(serve(Web(args.hosts, args.port, args.latency)))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()

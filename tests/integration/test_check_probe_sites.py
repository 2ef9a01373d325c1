"""Soft 404s by asking the site, against three sites this test serves on 127.0.0.1.

* the Harbour Gazette answers every unknown path with its not-found page, at 200, titled only
  with its name and saying nothing a content rule knows;
* the Ferry Blog answers unknown paths with real 404s, and has a short post *about* 404 errors;
* the Port Authority redirects every deep link it does not know to its home page.

Written by us in the pattern real sites have; every page is served the way such a site serves it.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from auditor.check import check_urls
from auditor.check.probe import probe_key, probe_url
from auditor.models import CheckOptions, CheckResult, Status

OPTS = CheckOptions(timeout=3.0, allow_private=True, archive=False, retries=0)
CHROME = (
    "<header><nav><a href='/'>Home</a> <a href='/news/'>News</a> <a href='/sport/'>Sport</a>"
    " <a href='/weather/'>Weather</a> <a href='/about'>About us</a></nav></header>"
)
FOOTER = "<footer><p>Harbour Gazette, Quay Street 4. Tips: desk@gazette.example</p></footer>"


def article(title: str, paragraph: str, brand: str) -> str:
    return (
        f"<!doctype html><html><head><title>{title} | {brand}</title>"
        "<meta property='og:type' content='article'></head><body>"
        f"{CHROME}<main><article><h1>{title}</h1>{('<p>' + paragraph + '</p>') * 5}</article></main>"
        f"{FOOTER}</body></html>"
    )


GAZETTE_MISSING = (
    "<!doctype html><html><head><title>Harbour Gazette</title></head><body>"
    f"{CHROME}<main><h2>We looked everywhere</h2><p>Try the search box above, or start again from"
    " one of our sections.</p><form action='/search'><input name='q'></form>"
    "<h3>Read today</h3><ul><li><a href='/news/ferry-timetable'>Ferry timetable changes</a></li>"
    "<li><a href='/news/council-vote'>Council vote on the quay</a></li></ul></main>"
    f"{FOOTER}</body></html>"
)
ABOUT_404 = (
    "<!doctype html><html><head><title>404 errors: what page not found means | Ferry Blog</title></head>"
    "<body><main><h1>What a 404 Not Found error means</h1><p>When a page is not found, the server says"
    " 404. Here is how we fixed ours.</p></main></body></html>"
)


@dataclass
class Site:
    """Routes by path; ``unknown`` answers everything else. Counts what it was asked."""

    routes: dict[str, tuple[int, dict[str, str], str]]
    unknown: Callable[[str], tuple[int, dict[str, str], str]]
    seen: Counter[str] = field(default_factory=Counter)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                method, target = head.decode("latin-1").split(" ")[:2]
                self.seen[target] += 1
                status, headers, body = self.routes.get(target) or self.unknown(target)
                data = body.encode()
                lines = [
                    f"HTTP/1.1 {status} X",
                    f"Content-Length: {len(data)}",
                    "Content-Type: text/html; charset=utf-8",
                ]
                lines += [f"{k}: {v}" for k, v in headers.items()]
                writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (b"" if method == "HEAD" else data))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def gazette() -> Site:
    return Site(
        routes={
            "/news/ferry-timetable": (200, {}, article("Ferry timetable changes", "The ferry will run later on Sundays from May, the operator said.", "Harbour Gazette")),
            "/news/council-vote": (200, {}, article("Council vote on the quay", "Councillors voted eight to three to rebuild the north quay.", "Harbour Gazette")),
        },
        unknown=lambda _path: (200, {}, GAZETTE_MISSING),
    )  # fmt: skip


def ferry_blog() -> Site:
    return Site(
        routes={
            "/blog/what-404-errors-mean": (200, {}, ABOUT_404),
            "/blog/winter-crossings": (200, {}, article("Winter crossings", "Crossings in January were rough but on time.", "Ferry Blog")),
        },
        unknown=lambda _path: (404, {}, "<title>404</title>Not here"),
    )  # fmt: skip


def port_authority() -> Site:
    home = article(
        "Port Authority", "Welcome to the port. Timetables, notices and reports.", "Port Authority"
    )
    return Site(
        routes={
            "/": (200, {}, home),
            "/reports/annual-2023": (200, {}, article("Annual report 2023", "Cargo volumes rose by four per cent.", "Port Authority")),
        },
        unknown=lambda _path: (301, {"Location": "/"}, ""),
    )  # fmt: skip


@asynccontextmanager
async def serving(*sites: Site) -> AsyncIterator[list[str]]:
    async with AsyncExitStack() as stack:
        bases = []
        for site in sites:
            listener = await asyncio.start_server(site.handle, "127.0.0.1", 0)
            stack.callback(listener.close)
            bases.append(f"http://127.0.0.1:{listener.sockets[0].getsockname()[1]}")
        yield bases


def check(
    sites: list[Site], paths: list[tuple[int, str]], options: CheckOptions = OPTS
) -> dict[str, CheckResult]:
    async def go() -> dict[str, CheckResult]:
        async with serving(*sites) as bases:
            urls = [bases[i] + p for i, p in paths]
            results = await check_urls(urls, options)
            return {p: r for (_i, p), r in zip(paths, results, strict=True)}

    return asyncio.run(go())


LINKS = [
    (0, "/news/ferry-timetable"), (0, "/news/council-vote"), (0, "/news/2019-harbour-fire"),
    (1, "/blog/what-404-errors-mean"), (1, "/blog/winter-crossings"), (1, "/blog/summer-timetable"),
    (2, "/"), (2, "/reports/annual-2023"), (2, "/reports/annual-2009"),
]  # fmt: skip


def test_each_site_is_judged_by_how_it_answers_a_path_that_cannot_exist() -> None:
    sites = [gazette(), ferry_blog(), port_authority()]
    got = check(sites, LINKS)
    assert {p: r.status for p, r in got.items()} == {
        "/news/ferry-timetable": Status.OK,
        "/news/council-vote": Status.OK,
        "/news/2019-harbour-fire": Status.SOFT_404,  # its not-found page, which no content rule reads
        "/blog/what-404-errors-mean": Status.OK,  # about 404s, on a site that answers real 404s
        "/blog/winter-crossings": Status.OK,
        "/blog/summer-timetable": Status.DEAD,
        "/": Status.OK,  # the home page itself
        "/reports/annual-2023": Status.OK,
        "/reports/annual-2009": Status.SOFT_404,  # sent home, like every unknown path
    }
    soft = got["/news/2019-harbour-fire"].reason
    assert "the site answers a random path with the same page (same title, 100 % similar)" in soft
    assert "real 404" not in soft and "HTTP 404" in got["/blog/what-404-errors-mean"].reason
    assert "reads like a not-found page" in got["/blog/what-404-errors-mean"].reason
    # One probe per site section: the Gazette's /news/ links share one, the home page none.
    probes = [
        Counter({t: n for t, n in s.seen.items() if t not in s.routes and t not in dict(LINKS).values()})
        for s in sites
    ]
    assert [sum(p.values()) for p in probes] == [1, 1, 1]
    assert sum(sites[2].seen[t] for t in sites[2].seen if t != "/") == 3  # two links and one probe


def test_without_probes_the_content_rules_alone_decide() -> None:
    got = check(
        [gazette(), ferry_blog(), port_authority()],
        LINKS,
        CheckOptions(timeout=3.0, allow_private=True, archive=False, retries=0, probe=False),
    )
    assert got["/news/2019-harbour-fire"].status is Status.OK  # missed: nothing on the page says so
    assert got["/blog/what-404-errors-mean"].status is Status.SOFT_404  # the rules' false alarm
    assert got["/reports/annual-2009"].status is Status.SOFT_404  # the redirect rule needs no probe


def test_a_probe_obeys_the_private_address_guard() -> None:
    """A site that sends unknown paths to the metadata service: the probe is refused there,
    says nothing, and the content rules decide (the link's own page stays OK)."""
    site = Site(
        routes={
            "/news/ferry-timetable": (
                200,
                {},
                article("Ferry timetable changes", "Later on Sundays.", "Gazette"),
            )
        },
        unknown=lambda _p: (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, ""),
    )
    got = check([site], [(0, "/news/ferry-timetable")])
    assert (
        got["/news/ferry-timetable"].status is Status.OK
        and "random path" not in got["/news/ferry-timetable"].reason
    )


def test_a_replay_without_the_probe_falls_back_to_the_content_rules(tmp_path: Path) -> None:
    """An old cassette holds the links but not the probes: no link becomes unchecked."""
    tape = tmp_path / "old.jsonl"
    pages = {
        "https://gazette.example/news/missing": GAZETTE_MISSING,
        "https://blog.example/blog/what-404-errors-mean": ABOUT_404,
    }
    tape.write_text("".join(
        json.dumps({"method": "GET", "url": u, "status": 200, "headers": {"content-type": "text/html"}, "body": b}) + "\n"
        for u, b in pages.items()
    ))  # fmt: skip
    missing, about = asyncio.run(check_urls(list(pages), CheckOptions(replay=str(tape), archive=False)))
    assert missing.status is Status.OK and about.status is Status.SOFT_404  # as with --no-probe
    # With the probes recorded, the replay judges as the live run did.
    with tape.open("a") as fh:
        for url, answer in (("https://gazette.example/news/missing", {"status": 200, "body": GAZETTE_MISSING}),
                            ("https://blog.example/blog/what-404-errors-mean", {"status": 404})):  # fmt: skip
            fh.write(
                json.dumps(
                    {
                        "method": "GET",
                        "url": probe_url(probe_key(url) or ""),
                        "headers": {"content-type": "text/html"},
                        **answer,
                    }
                )
                + "\n"
            )
    missing, about = asyncio.run(check_urls(list(pages), CheckOptions(replay=str(tape), archive=False)))
    assert missing.status is Status.SOFT_404 and about.status is Status.OK


LAYOUT_ONLY = sorted((Path(__file__).parent.parent / "fixtures" / "check").glob("notfound_layout_*.html"))


def echoing(page: str) -> Callable[[str], tuple[int, dict[str, str], str]]:
    """A site's not-found page at 200 for every unknown path, naming the path, as many do."""
    return lambda path: (200, {}, page.replace("</main>", f"<p>{path}</p></main>"))


@pytest.mark.parametrize("fixture", LAYOUT_ONLY, ids=lambda p: p.stem)
def test_a_not_found_page_only_its_layout_gives_away_is_found_by_asking_the_site(fixture: Path) -> None:
    """Pages in a language no phrase list covers, or titled with the brand and saying nothing
    a rule knows: the content rules miss them, the probe finds them; the site's articles stay."""
    page = fixture.read_text(encoding="utf-8")
    story = article("Ferry fares", "Fares rise in spring, the operator said on Monday.", "Courier")
    site = Site(routes={"/local/ferry-fares-2026": (200, {}, story)}, unknown=echoing(page))
    links = [(0, "/local/ferry-fares-2026"), (0, "/local/harbour-wall-1998")]
    got = check([site], links)
    assert got["/local/harbour-wall-1998"].status is Status.SOFT_404
    assert "the site answers a random path with the same page" in got["/local/harbour-wall-1998"].reason
    assert got["/local/ferry-fares-2026"].status is Status.OK
    alone = check([site], links, replace(OPTS, probe=False))
    assert alone["/local/harbour-wall-1998"].status is Status.OK  # what the rules alone say

"""The site probe's parts: which probe stands for a link, the probe's path, how pages compare,
each probe asked once per run, and kept in the database for the next."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from auditor.check.checker import CheckSession
from auditor.check.client import Answer
from auditor.check.probe import (
    SiteProbes,
    compare,
    marked_article,
    print_of,
    probe_key,
    probe_url,
    similarity,
    site_probe,
    sketch_of,
)
from auditor.check.softpage import parse_page
from auditor.models import CheckOptions, SiteProbe, Status
from auditor.store import ProbeCache, Store

NOW = "2099-01-01T00:00:00Z"  # far ahead: fresh for any TTL


def page(title: str, main: str, extra: str = "") -> Answer:
    html = f"<html><head><title>{title}</title>{extra}</head><body><nav>Home News</nav><main>{main}</main></body></html>"
    return Answer(200, {"content-type": "text/html"}, html.encode())


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://a.example/news/ferry-timetable", "https://a.example/news/{slug}"),
        ("https://a.example/news/2024/05/21/ferry.html", "https://a.example/news/{slug}.html"),
        ("https://a.example/story/123456", "https://a.example/story/{num}"),
        ("https://a.example/news/world-europe-123/", "https://a.example/news/{slug}/"),
        ("https://a.example/ferry", "https://a.example/{slug}"),
        ("https://a.example/article.php?id=77&lang=en", "https://a.example/article.php?id={num}&lang=en"),
        ("https://a.example/?p=5", "https://a.example/?p={num}"),
        ("https://a.example/", None),
        ("https://a.example/en/", None),
        ("https://a.example/index.html", None),
    ],
)
def test_one_probe_stands_for_a_section_and_a_shape_of_path(url: str, key: str | None) -> None:
    assert probe_key(url) == key


def test_the_probe_path_keeps_the_shape_and_is_the_same_every_run() -> None:
    key = "https://a.example/story/{num}"
    url = probe_url(key)
    assert url == probe_url(key) and url.startswith("https://a.example/story/")
    assert url.rsplit("/", 1)[1].isdigit() and len(url.rsplit("/", 1)[1]) == 9
    slug = probe_url("https://a.example/news/{slug}.html").rsplit("/", 1)[1]
    assert slug.endswith(".html") and slug[:-5].replace("-", "").isalpha()
    assert probe_url("https://b.example/news/{slug}.html") != probe_url("https://a.example/news/{slug}.html")


def words(n: int, prefix: str = "w") -> list[str]:
    """``n`` distinct words of letters (digits count as one digit, 0, on pages)."""
    return [prefix + "".join(chr(97 + (i // 26**k) % 26) for k in range(3)) for i in range(n)]


def test_similarity_is_exact_for_small_pages_and_close_for_large_ones() -> None:
    text = " ".join(words(40))
    _, a = sketch_of(text)
    _, b = sketch_of(text + " and one more")
    assert similarity(a, a) == 1.0 and similarity(a, b) == 38 / 41  # 38 shingles shared, 41 in all
    big = words(3000)
    _, x = sketch_of(" ".join(big))
    _, y = sketch_of(" ".join(big + words(300, "v")))
    assert abs(similarity(x, y) - 2998 / 3300) < 0.06  # about 0.91, from a sample of 128 hashes


def test_a_page_that_echoes_its_own_path_is_still_the_same_page() -> None:
    link = "https://a.example/news/harbour-fire-kills-three"
    template = "Sorry, {} could not be found. Try the search box, or start again from the home page."
    mine = page("Not here", template.format("/news/harbour-fire-kills-three"))
    probe = probe_url(probe_key(link) or "")
    theirs = page("Not here", template.format(probe.split("a.example", 1)[1]))
    said = site_probe("k", probe, theirs, probe, 0, NOW)
    assert said is not None
    assert compare(link, link, mine, 0, said).kind == "same"


def probe_of(answer: Answer, final: str = "https://a.example/news/x", redirects: int = 0) -> SiteProbe:
    said = site_probe("k", "https://a.example/news/x", answer, final, redirects, NOW)
    assert said is not None
    return said


def test_the_verdicts() -> None:
    link = "https://a.example/news/ferry"
    not_found = page("Harbour Gazette", "We looked everywhere. Try the search, or a section below.")
    story = page(
        "Ferry | Gazette",
        "The ferry will run later on Sundays. " * 30,
        "<meta property='og:type' content='article'>",
    )
    assert compare(link, link, not_found, 0, probe_of(not_found)).kind == "same"
    assert compare(link, link, story, 0, probe_of(not_found)).kind == "other"
    assert compare(link, link, story, 0, replace(probe_of(not_found), status=404)).kind == "not-found"
    # The probe returned this very article (the site ignores the path): not evidence it is gone.
    assert compare(link, link, story, 0, probe_of(story)).kind == "other"
    # Both sent to the same place on the site; to a sign-in page, we cannot tell.
    home = probe_of(not_found, final="https://a.example/news/", redirects=1)
    assert compare(link, "https://a.example/news/", not_found, 1, home).kind == "same"
    wall = probe_of(not_found, final="https://a.example/login", redirects=1)
    assert compare(link, "https://a.example/login", not_found, 1, wall).kind == "unknown"
    consent = probe_of(not_found, final="https://consent.other.example/collect", redirects=1)
    assert compare(link, "https://consent.other.example/collect", not_found, 1, consent).kind == "unknown"
    # The site sends a random path home and the link answered at its own address: the site
    # knows this path (even a page that reads like its home page is not called gone for it).
    front = probe_of(not_found, final="https://a.example/", redirects=2)
    said = compare(link, link, not_found, 0, front)
    assert (
        said.kind == "other"
        and said.evidence == "the site sends a random path to its home page (https://a.example/)"
    )
    assert compare(link, "https://a.example/", not_found, 1, front).kind == "same"  # sent home too
    # Script shells with no text: nothing to compare.
    shell = page("App", "")
    assert compare(link, link, shell, 0, probe_of(shell)).kind == "unknown"


def test_a_probe_that_says_nothing_is_not_kept() -> None:
    assert site_probe("k", "u", Answer(503, {}), "u", 0, NOW) is None
    assert site_probe("k", "u", Answer(403, {}), "u", 0, NOW) is None
    assert site_probe("k", "u", Answer(404, {}), "u", 0, NOW) is not None
    assert print_of(Answer(200, {}), "u") is None


def test_each_probe_is_asked_once_while_many_links_wait_for_it() -> None:
    sent: list[str] = []

    async def send(key: str, url: str) -> SiteProbe | None:
        sent.append(url)
        await asyncio.sleep(0.01)
        return SiteProbe(key=key, url=url, status=404, final_url=url, checked_at=NOW)

    async def scenario() -> list[SiteProbe | None]:
        probes = SiteProbes(send)
        return list(await asyncio.gather(*(probes.ask("https://a.example/news/{slug}") for _ in range(20))))

    said = asyncio.run(scenario())
    assert len(sent) == 1 and all(s is not None and s.status == 404 for s in said)


def test_probes_are_kept_in_the_database_for_the_next_run(tmp_path: object) -> None:
    store = Store.open(":memory:")
    cache = ProbeCache(store)
    probe = SiteProbe(key="https://a.example/news/{slug}", url="https://a.example/news/x", status=200,
                      final_url="https://a.example/news/x", title="gazette", size=80, shingles=3,
                      sketch=(1, 2, 2**63 + 5), article=False, checked_at=NOW)  # fmt: skip
    cache.put(probe)
    assert cache.get(probe.key) == probe
    cache.put(replace(probe, checked_at="2000-01-01T00:00:00Z"))
    assert cache.get(probe.key) is None  # older than its week


def test_a_session_asks_the_database_first_and_stores_what_it_learns() -> None:
    seen: list[str] = []

    def site(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/news/ferry":
            return httpx.Response(
                200, html="<title>Ferry</title><main>" + "The ferry runs late. " * 20 + "</main>"
            )
        return httpx.Response(404)

    store = Store.open(":memory:")

    async def run(options: CheckOptions) -> Status:
        async with CheckSession(
            options, transport=httpx.MockTransport(site), probes=ProbeCache(store)
        ) as session:
            [result] = await session.check(["https://a.example/news/ferry"])
            return result.status

    options = CheckOptions(archive=False)
    assert asyncio.run(run(options)) is Status.OK and len(seen) == 2  # the link and its probe
    assert asyncio.run(run(options)) is Status.OK and len(seen) == 3  # the probe came from the database
    assert asyncio.run(run(replace(options, recheck=True))) is Status.OK and len(seen) == 5  # asked again


FIXTURES = sorted((Path(__file__).parent.parent / "fixtures").rglob("*.html"))
HEADS = [
    "<meta property='og:type' content='article'>",
    '<meta content="article" property="og:type" />',
    "<meta property=og:type content=website>",
    "<meta name='og:type' content='article'>",  # name= is not what the parser reads
    "<meta property='article:published_time' content='2024-05-21T09:00:00Z'>",
    "<meta property='article:published_time' content=''>",
    "<meta data-react-helmet='true' property='og:type' content='article'>",
]


@pytest.mark.parametrize("html", [p.read_text(encoding="utf-8", errors="replace") for p in FIXTURES]
                         + [f"<html><head><title>T</title>{h}</head><body><p>Text.</p></body></html>" for h in HEADS])  # fmt: skip
def test_an_article_is_told_without_parsing_as_the_parser_tells_it(html: str) -> None:
    """Links to articles on a site that answers random paths with a page that is not one are
    not compared (no parse, no sketch): the cheap look must agree with the parser's."""
    parsed = parse_page(html)
    assert parsed is not None and marked_article(html) is parsed.is_article

"""Status classes, retries, HEAD/GET fallback and once-per-URL, over ``httpx.MockTransport``."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx

from auditor.check import check_all, check_urls
from auditor.models import CheckOptions, CheckResult, Status

FIXTURES = Path(__file__).parent.parent / "fixtures" / "check"
OPTS = CheckOptions(
    archive=False, timeout=5, probe=False
)  # the content rules alone: probes in test_check_probe.py
Handler = Callable[[httpx.Request], httpx.Response]


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


class Site:
    """Routes by full URL; counts what the 'server' saw."""

    def __init__(self, routes: dict[str, Handler | httpx.Response]) -> None:
        self.routes = routes
        self.seen: Counter[tuple[str, str]] = Counter()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen[(request.method, str(request.url))] += 1
        route = self.routes.get(str(request.url))
        if route is None:
            return httpx.Response(404)
        return route(request) if callable(route) else route


def run(site: Site, urls: list[str], options: CheckOptions = OPTS, **kw: object) -> list[CheckResult]:
    sleeps: list[float] = []

    async def sleep(s: float) -> None:
        sleeps.append(s)

    results = asyncio.run(check_urls(urls, options, transport=httpx.MockTransport(site), sleep=sleep, **kw))  # type: ignore[arg-type]
    site.sleeps = sleeps  # type: ignore[attr-defined]
    return results


def one(site: Site, url: str, options: CheckOptions = OPTS) -> CheckResult:
    [result] = run(site, [url], options)
    return result


def html(body: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, html=body)


def test_ok_and_dead() -> None:
    site = Site(
        {
            "https://news.example.net/ok": html("<title>Hello</title><p>Fine</p>"),
            "https://news.example.net/gone": httpx.Response(410),
        }
    )
    ok, dead, missing = run(
        site,
        ["https://news.example.net/ok", "https://news.example.net/gone", "https://news.example.net/nope"],
    )
    assert (ok.status, ok.http_status) == (Status.OK, 200)
    assert dead.status == Status.DEAD and "410" in dead.reason
    assert missing.status == Status.DEAD and missing.http_status == 404


def test_permanent_redirect_to_another_site_is_recorded_hop_by_hop() -> None:
    site = Site({
        "http://news.example.net/old": httpx.Response(301, headers={"location": "https://news.example.net/old"}),
        "https://news.example.net/old": httpx.Response(308, headers={"location": "https://b.example.org/new"}),
        "https://b.example.org/new": html("<title>New home</title>"),
    })  # fmt: skip
    r = one(site, "http://news.example.net/old")
    assert r.status == Status.REDIRECTED
    assert "permanent" in r.reason and "another site (example.org)" in r.reason
    assert [h.status for h in r.redirects] == [301, 308]
    assert r.final_url == "https://b.example.org/new" and r.requests == 3


def test_temporary_redirect_within_site() -> None:
    site = Site(
        {
            "https://news.example.net/x": httpx.Response(302, headers={"location": "/y"}),
            "https://news.example.net/y": html("<p>y</p>"),
        }
    )
    r = one(site, "https://news.example.net/x")
    assert r.status == Status.REDIRECTED and "temporary" in r.reason and "within example.net" in r.reason


def test_chain_ending_in_404_is_dead_with_chain_kept() -> None:
    site = Site(
        {
            "https://news.example.net/x": httpx.Response(
                301, headers={"location": "https://news.example.net/z"}
            )
        }
    )
    r = one(site, "https://news.example.net/x")
    assert r.status == Status.DEAD and len(r.redirects) == 1


def test_soft_404_page_and_deep_link_redirected_home() -> None:
    site = Site({
        "https://news.example.net/story/123": html(page("soft404_de.html")),
        "https://news.example.net/2019/05/some-story": httpx.Response(301, headers={"location": "https://news.example.net/"}),
        "https://news.example.net/": html(page("article_plain.html")),
        "https://news.example.net/about-not-found": html(page("article_about_not_found.html")),
    })  # fmt: skip
    soft, home, article = run(
        site,
        [
            "https://news.example.net/story/123",
            "https://news.example.net/2019/05/some-story",
            "https://news.example.net/about-not-found",
        ],
    )
    assert soft.status == Status.SOFT_404 and "Seite nicht gefunden" in soft.reason
    assert home.status == Status.SOFT_404 and "home page" in home.reason
    assert article.status == Status.OK


def test_parked_and_blocked() -> None:
    site = Site({
        "https://parked.example.net/": html(page("parked.html")),
        "https://cf.example.net/a": html(page("challenge_cloudflare.html"), status=503),
        "https://cf.example.net/b": html(page("challenge_cloudflare.html")),
        "https://deny.example.net/a": httpx.Response(403),
        "https://auth.example.net/a": httpx.Response(401),
    })  # fmt: skip
    parked, wall503, wall200, deny, auth = run(
        site,
        [
            "https://parked.example.net/",
            "https://cf.example.net/a",
            "https://cf.example.net/b",
            "https://deny.example.net/a",
            "https://auth.example.net/a",
        ],
    )
    assert parked.status == Status.PARKED
    assert wall503.status == Status.BLOCKED and "Just a moment" in wall503.reason
    assert wall503.requests == 1  # a challenge page is not retried
    assert wall200.status == Status.BLOCKED
    assert deny.status == auth.status == Status.BLOCKED


def test_server_error_after_retries() -> None:
    site = Site(
        {"https://news.example.net/x": httpx.Response(503), "https://news.example.net/y": httpx.Response(500)}
    )
    x, y = run(site, ["https://news.example.net/x", "https://news.example.net/y"])
    assert x.status == Status.SERVER_ERROR and x.requests == OPTS.retries + 1
    assert y.status == Status.SERVER_ERROR and y.requests == 1


def test_429_honours_retry_after_capped_then_succeeds() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"retry-after": "120"}),
            httpx.Response(429, headers={"retry-after": "2"}),
        ]
    )
    site = Site({"https://news.example.net/x": lambda _r: next(answers, html("<p>ok</p>"))})
    r = one(site, "https://news.example.net/x", CheckOptions(probe=False, archive=False, max_retry_after=10))
    assert r.status == Status.OK and r.requests == 3
    assert site.sleeps == [10, 2]  # type: ignore[attr-defined]


def test_429_that_outlasts_the_retries_is_blocked() -> None:
    site = Site({"https://news.example.net/x": httpx.Response(429)})
    r = one(site, "https://news.example.net/x")
    assert r.status == Status.BLOCKED and "429" in r.reason and r.requests == 3
    # exponential back-off with jitter between attempts
    first, second = site.sleeps  # type: ignore[attr-defined]
    assert 0.5 <= first <= 0.75 and 1.0 <= second <= 1.5


def test_connection_errors_are_retried_then_reported() -> None:
    calls = Counter[str]()

    def flaky(request: httpx.Request) -> httpx.Response:
        calls[str(request.url)] += 1
        if request.url.path == "/down" or calls[str(request.url)] == 1:
            raise httpx.ConnectError("Connection refused")
        return html("<p>back</p>")

    flaky_ok, down = asyncio.run(
        check_urls(
            ["https://news.example.net/up", "https://news.example.net/down"],
            OPTS,
            transport=httpx.MockTransport(flaky),
            sleep=_nosleep,
        )
    )
    assert flaky_ok.status == Status.OK and flaky_ok.requests == 2
    assert down.status == Status.CONNECTION_ERROR and down.requests == 3


async def _nosleep(_s: float) -> None:
    return None


def test_transport_failures_map_to_their_classes() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise {
            "/t": httpx.ReadTimeout("timed out"),
            "/tls": httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
            "/dns": httpx.ConnectError("[Errno -2] Name or service not known"),
            "/bad": httpx.RemoteProtocolError("illegal header"),
        }[request.url.path]

    urls = [
        "https://news.example.net/t",
        "https://news.example.net/tls",
        "https://news.example.net/dns",
        "https://news.example.net/bad",
    ]
    results = asyncio.run(check_urls(urls, OPTS, transport=httpx.MockTransport(fail), sleep=_nosleep))
    assert [r.status for r in results] == [
        Status.TIMEOUT,
        Status.TLS_ERROR,
        Status.DNS_ERROR,
        Status.CONNECTION_ERROR,
    ]


def test_head_first_for_files_with_get_fallback() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        if request.method == "HEAD":
            return httpx.Response(405)
        return httpx.Response(200, headers={"content-type": "application/pdf"}, content=b"%PDF-1.7")

    site = Site(
        {
            "https://news.example.net/report.pdf": server,
            "https://news.example.net/ok.pdf": httpx.Response(
                200, headers={"content-type": "application/pdf"}
            ),
        }
    )
    refusing, fine = run(site, ["https://news.example.net/report.pdf", "https://news.example.net/ok.pdf"])
    assert refusing.status == Status.OK and refusing.requests == 2
    assert (
        site.seen[("HEAD", "https://news.example.net/report.pdf")] == 1
        and site.seen[("GET", "https://news.example.net/report.pdf")] == 1
    )
    assert fine.status == Status.OK and site.seen == Counter(
        {
            ("HEAD", "https://news.example.net/report.pdf"): 1,
            ("GET", "https://news.example.net/report.pdf"): 1,
            ("HEAD", "https://news.example.net/ok.pdf"): 1,
        }
    )


def test_head_answered_with_a_page_is_fetched_again_for_the_body() -> None:
    site = Site({"https://news.example.net/file.pdf": html(page("soft404_en.html"))})
    r = one(site, "https://news.example.net/file.pdf")
    assert r.status == Status.SOFT_404 and r.requests == 2


def test_pages_cost_one_get_each() -> None:
    site = Site({"https://news.example.net/p": html("<p>x</p>")})
    assert one(site, "https://news.example.net/p").requests == 1
    assert site.seen == Counter({("GET", "https://news.example.net/p"): 1})


def test_redirect_loop_and_too_many_redirects() -> None:
    routes: dict[str, Handler | httpx.Response] = {
        "https://news.example.net/a": httpx.Response(302, headers={"location": "/b"}),
        "https://news.example.net/b": httpx.Response(302, headers={"location": "/a"}),
    }
    for i in range(30):
        routes[f"https://news.example.net/n{i}"] = httpx.Response(301, headers={"location": f"/n{i + 1}"})
    site = Site(routes)
    loop, chain = run(
        site,
        ["https://news.example.net/a", "https://news.example.net/n0"],
        CheckOptions(probe=False, archive=False, max_redirects=5),
    )
    assert loop.status == Status.TOO_MANY_REDIRECTS and "loop" in loop.reason
    assert chain.status == Status.TOO_MANY_REDIRECTS and len(chain.redirects) == 6


def test_each_distinct_url_is_checked_once_in_first_seen_order() -> None:
    site = Site({"https://news.example.net/p": html("<p>x</p>"), "https://b.example.net/q": html("<p>y</p>")})
    urls = [
        "https://news.example.net/p#top",
        "https://b.example.net/q",
        "https://news.example.net/p?utm_source=tw",
        "HTTPS://NEWS.example.net:443/p",
        "mailto:x@y.z",
    ]
    results = run(site, urls)
    assert [r.url for r in results] == [
        "https://news.example.net/p",
        "https://b.example.net/q",
        "mailto:x@y.z",
    ]
    assert results[2].status == Status.INVALID_URL
    assert sum(site.seen.values()) == 2


def test_offline_does_no_io() -> None:
    def boom(_r: httpx.Request) -> httpx.Response:
        raise AssertionError("network touched")

    results = check_all(
        ["https://news.example.net/p"], CheckOptions(offline=True), transport=httpx.MockTransport(boom)
    )
    assert results[0].status == Status.UNCHECKED and results[0].reason == "offline"


class DictCache:
    def __init__(self) -> None:
        self.data: dict[str, CheckResult] = {}
        self.puts: list[CheckResult] = []  # every put, repeats included

    def get(self, key: str) -> CheckResult | None:
        return self.data.get(key)

    def put(self, result: CheckResult) -> None:
        self.puts.append(result)
        self.data[result.url] = result


def test_cache_is_used_unless_recheck_and_on_result_sees_every_result() -> None:
    site = Site({"https://news.example.net/p": html("<p>x</p>")})
    cache, seen = DictCache(), list[CheckResult]()
    run(site, ["https://news.example.net/p"], cache=cache)
    run(site, ["https://news.example.net/p"], cache=cache, on_result=seen.append)
    assert sum(site.seen.values()) == 1 and [r.url for r in seen] == ["https://news.example.net/p"]
    run(
        site,
        ["https://news.example.net/p"],
        CheckOptions(probe=False, archive=False, recheck=True),
        cache=cache,
    )
    assert sum(site.seen.values()) == 2


def test_archive_lookup_for_dead_links_uses_publication_date() -> None:
    snapshot = {
        "archived_snapshots": {
            "closest": {
                "available": True,
                "url": "http://web.archive.org/web/20200101000000/https://news.example.net/gone",
                "timestamp": "20200101000000",
                "status": "200",
            }
        }
    }
    queries: list[httpx.URL] = []

    def server(request: httpx.Request) -> httpx.Response:
        if request.url.host == "archive.org":
            queries.append(request.url)
            return httpx.Response(200, json=snapshot)
        return httpx.Response(404)

    options = CheckOptions(probe=False, archive=True)
    [r] = asyncio.run(
        check_urls(
            ["https://news.example.net/gone"],
            options,
            transport=httpx.MockTransport(server),
            published={"https://news.example.net/gone": "2020-01-02"},
        )
    )
    assert r.status == Status.DEAD
    assert r.archive_url == "https://web.archive.org/web/20200101000000/https://news.example.net/gone"
    assert (
        queries[0].params["timestamp"] == "20200102"
        and queries[0].params["url"] == "https://news.example.net/gone"
    )


def test_archive_failure_leaves_no_archive_url() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500 if request.url.host == "archive.org" else 404, text="{not json")

    [r] = asyncio.run(
        check_urls(
            ["https://news.example.net/gone"],
            CheckOptions(
                probe=False,
            ),
            transport=httpx.MockTransport(server),
            sleep=_nosleep,
        )
    )
    assert r.status == Status.DEAD and r.archive_url is None


def test_per_host_limit_is_respected() -> None:
    active: Counter[str] = Counter()
    peak: Counter[str] = Counter()

    async def server(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        active[host] += 1
        peak[host] = max(peak[host], active[host])
        await asyncio.sleep(0.01)
        active[host] -= 1
        return httpx.Response(200, html="<p>x</p>")

    urls = [f"https://h{i % 3}.test/{i}" for i in range(60)]
    results = asyncio.run(
        check_urls(
            urls,
            CheckOptions(probe=False, archive=False, per_host=2, concurrency=64),
            transport=httpx.MockTransport(server),
        )
    )
    assert all(r.status == Status.OK for r in results)
    assert max(peak.values()) == 2 and len(peak) == 3


def test_min_interval_spaces_requests_to_one_host() -> None:
    waits: list[float] = []

    async def sleep(s: float) -> None:
        waits.append(s)

    site = Site({f"https://news.example.net/{i}": html("<p>x</p>") for i in range(3)})
    urls = [f"https://news.example.net/{i}" for i in range(3)]
    asyncio.run(
        check_urls(
            urls,
            CheckOptions(probe=False, archive=False, min_interval=1.0, per_host=1),
            transport=httpx.MockTransport(site),
            sleep=sleep,
        )
    )
    assert len(waits) == 2 and all(0.9 < w <= 2.0 for w in waits)


def test_user_agent_identifies_us() -> None:
    agents: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        agents.append(request.headers["user-agent"])
        return httpx.Response(200)

    asyncio.run(check_urls(["https://news.example.net/"], OPTS, transport=httpx.MockTransport(server)))
    assert agents == [OPTS.user_agent]


def test_redirect_to_a_short_section_is_not_the_home_page() -> None:
    """/tv, /ai, /us are sections; only "/" or a language home (/en/, /pt-br/) is a home page."""
    site = Site({
        "https://news.example.net/shows/old-show": httpx.Response(301, headers={"location": "https://news.example.net/tv"}),
        "https://news.example.net/tv": html(page("article_plain.html")),
        "https://news.example.net/2019/05/old": httpx.Response(302, headers={"location": "https://news.example.net/en/"}),
        "https://news.example.net/en/": html(page("article_plain.html")),
    })  # fmt: skip
    section, language_home = run(
        site, ["https://news.example.net/shows/old-show", "https://news.example.net/2019/05/old"]
    )
    assert section.status == Status.REDIRECTED
    assert language_home.status == Status.SOFT_404 and "home page" in language_home.reason


def test_stopping_a_session_mid_check_caches_nothing_false() -> None:
    """A batch stopped while checks are in flight must not leave false errors in the cache."""
    from auditor.check.checker import CheckSession

    started = asyncio.Event()

    class Slow(httpx.AsyncBaseTransport):
        """Like a real pool: closing it breaks the requests still on the wire."""

        def __init__(self) -> None:
            self.closed = asyncio.Event()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            started.set()
            await asyncio.wait_for(self.closed.wait(), 30)
            raise httpx.ConnectError("connection pool closed", request=request)

        async def aclose(self) -> None:
            self.closed.set()
            await asyncio.sleep(0.05)  # the broken requests finish while the client closes

    cache = DictCache()  # starts empty: every put is something the check chose to cache

    async def scenario() -> None:
        options = CheckOptions(probe=False, archive=False, retries=0)
        async with CheckSession(options, transport=Slow(), cache=cache) as session:
            caller = asyncio.ensure_future(session.check(["https://slow.example.org/a"]))
            await started.wait()
            caller.cancel()  # the batch stops: its chunk task is cancelled

    asyncio.run(asyncio.wait_for(scenario(), 10))
    assert cache.puts == []


def test_waiting_behind_a_busy_host_is_not_a_timeout_and_nothing_false_is_cached() -> None:
    """Eight links to one slow host, one at a time: the last waits longer than any budget."""

    class SlowHost(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            await asyncio.sleep(0.2)
            return httpx.Response(200, html=page("article_plain.html"))

    cache = DictCache()  # starts empty: every put is something the check chose to cache

    options = CheckOptions(probe=False, archive=False, timeout=0.5, retries=0, per_host=1)
    urls = [f"https://slow.example.org/story/{n}" for n in range(8)]
    results = asyncio.run(check_urls(urls, options, transport=SlowHost(), cache=cache))
    assert [r.status for r in results] == [Status.OK] * 8
    assert len(cache.puts) == 8 and all(r.requests == 1 for r in cache.puts)


def test_passing_network_trouble_is_not_cached_for_the_next_run() -> None:
    cache = DictCache()  # starts empty: every put is something the check chose to cache

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    options = CheckOptions(probe=False, archive=False, retries=0)
    [result] = asyncio.run(
        check_urls(
            ["https://down.example.org/a"], options, transport=httpx.MockTransport(refuse), cache=cache
        )
    )
    assert result.status is Status.CONNECTION_ERROR and cache.puts == []


def test_a_soft_404_labelled_with_a_codec_no_browser_uses_is_still_found() -> None:
    """``charset=idna`` made decoding raise (``checker error``); ``charset=utf-16`` on bytes
    that are not UTF-16 decoded to noise, and the not-found page was reported ``ok``."""
    body = page("soft404_en.html").encode()
    labels = ["idna", "punycode", "utf-16", "utf-32", "utf-7", "hex", "x-no-such-codec"]
    site = Site(
        {
            f"https://news.example.net/{label}": httpx.Response(
                200, headers={"content-type": f"text/html; charset={label}"}, content=body
            )
            for label in labels
        }
    )
    results = run(site, [f"https://news.example.net/{label}" for label in labels])
    assert [r.status for r in results] == [Status.SOFT_404] * len(labels), [r.reason for r in results]


def test_a_page_in_a_real_legacy_charset_is_read_in_it() -> None:
    text = "<html><title>Страница не найдена</title><h1>Страница не найдена</h1></html>"
    site = Site(
        {
            "https://news.example.net/ru": httpx.Response(
                200,
                headers={"content-type": "text/html; charset=windows-1251"},
                content=text.encode("cp1251"),
            )
        }
    )
    assert one(site, "https://news.example.net/ru").status == Status.SOFT_404

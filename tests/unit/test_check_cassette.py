"""Cassettes: record a run, replay it with no network, and hand-written cassettes."""

from __future__ import annotations

import asyncio
import gzip
import json
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from auditor.check import check_urls
from auditor.check.probe import probe_key, probe_url
from auditor.errors import CassetteError
from auditor.models import CheckOptions, CheckResult, Status

FIXTURES = Path(__file__).parent.parent / "fixtures" / "check"
URLS = [
    "https://news.example.com/ok",
    "https://news.example.com/moved",
    "https://news.example.com/gone",
    "https://news.example.com/soft",
    "https://news.example.com/gz",
    "https://news.example.com/down",
    "https://news.example.com/report.pdf",
]


def live(request: httpx.Request) -> httpx.Response:
    if request.url.host == "archive.org":
        return httpx.Response(200, json={"archived_snapshots": {}})
    path = request.url.path
    if path == "/ok":
        return httpx.Response(200, html="<title>Fine</title><p>Grüße, fine</p>")
    if path == "/moved":
        return httpx.Response(301, headers={"location": "https://other.example.org/new"})
    if path == "/new":
        return httpx.Response(200, html="<p>new</p>")
    if path == "/gone":
        return httpx.Response(404)
    if path == "/soft":
        return httpx.Response(200, html=(FIXTURES / "soft404_ru.html").read_text(encoding="utf-8"))
    if path == "/gz":
        body = gzip.compress(b"<title>zipped</title><p>fine</p>")
        return httpx.Response(
            200, headers={"content-type": "text/html", "content-encoding": "gzip"}, content=body
        )
    if path == "/down":
        raise httpx.ConnectError("Connection refused")
    if path == "/report.pdf":
        return (
            httpx.Response(405)
            if request.method == "HEAD"
            else httpx.Response(200, headers={"content-type": "application/pdf"})
        )
    if request.url.host == "news.example.com":  # every unknown path: its not-found page, at 200
        return httpx.Response(200, html=(FIXTURES / "soft404_ru.html").read_text(encoding="utf-8"))
    return httpx.Response(404)


async def _nosleep(_s: float) -> None:
    return None


def comparable(results: list[CheckResult]) -> list[CheckResult]:
    return [replace(r, checked_at="", elapsed_ms=0) for r in results]


def test_record_then_replay_gives_the_same_results(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    recorded = asyncio.run(
        check_urls(URLS, CheckOptions(record=str(path)), transport=httpx.MockTransport(live), sleep=_nosleep)
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all(list(json.loads(line)) == sorted(json.loads(line)) for line in lines)  # keys sorted
    assert lines == sorted(lines, key=lambda line: (json.loads(line)["url"], json.loads(line)["method"]))
    replayed = asyncio.run(check_urls(URLS, CheckOptions(replay=str(path)), sleep=_nosleep))
    assert [r.status for r in recorded] == [
        Status.OK, Status.REDIRECTED, Status.DEAD, Status.SOFT_404, Status.OK, Status.CONNECTION_ERROR, Status.OK,
    ]  # fmt: skip
    assert comparable(replayed) == comparable(recorded)
    probe = probe_url(probe_key(URLS[3]) or "")
    assert probe in {json.loads(line)["url"] for line in lines}  # recorded like any request, and replayed
    assert "the site answers a random path with the same page" in recorded[3].reason


def test_recorded_bodies_are_decoded_text(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    asyncio.run(
        check_urls(
            URLS[:5], CheckOptions(record=str(path), archive=False), transport=httpx.MockTransport(live)
        )
    )
    entries = {
        (e["method"], e["url"]): e for e in map(json.loads, path.read_text(encoding="utf-8").splitlines())
    }
    assert "Grüße" in entries[("GET", "https://news.example.com/ok")]["body"]
    assert "zipped" in entries[("GET", "https://news.example.com/gz")]["body"]
    assert (
        entries[("GET", "https://news.example.com/moved")]["headers"]["location"]
        == "https://other.example.org/new"
    )


def test_hand_written_cassette_head_falls_back_to_get_entry(tmp_path: Path) -> None:
    path = tmp_path / "hand.jsonl"
    path.write_text(
        "# written by hand\n"
        '{"method":"GET","url":"https://news.example.com/a#frag","status":200,"headers":{"Content-Type":"text/html"},"body":"<title>A</title>"}\n'
        '{"method":"GET","url":"https://news.example.com/b.pdf","status":404}\n'
        '{"url":"https://gone.example.org/","error":"dns"}\n',
        encoding="utf-8",
    )
    urls = [
        "https://news.example.com/a",
        "https://news.example.com/b.pdf",
        "https://gone.example.org/",
        "https://news.example.com/c",
    ]
    a, pdf, dns, missing = asyncio.run(check_urls(urls, CheckOptions(replay=str(path), archive=False)))
    assert a.status == Status.OK
    assert pdf.status == Status.DEAD  # HEAD answered by the GET entry
    assert dns.status == Status.DNS_ERROR
    assert missing.status == Status.UNCHECKED and missing.reason == "not in cassette"


def test_replay_never_touches_the_network_even_for_private_names(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    [r] = asyncio.run(
        check_urls(["https://unresolvable.invalid/"], CheckOptions(replay=str(path), archive=False))
    )
    assert r.status == Status.UNCHECKED and r.reason == "not in cassette"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cassette not found"),
        ("{not json\n", "not JSON"),
        ('{"method":"GET","url":"https://a.example.com/","status":"200"}\n', "status"),
        ('{"method":"GET","url":"https://a.example.com/","error":"weird"}\n', "error"),
        ("[1, 2]\n", "JSON object"),
        ('{"url":"https://a.example.com/","status":' + "9" * 5000 + "}\n", "bad.jsonl:1: not a plain JSON"),
        ("\n" + "[" * 100_000 + "]" * 100_000 + "\n", "bad.jsonl:2: not a plain JSON"),
        ('{"url":"https://a.example.com/","status":1e999}\n', "status"),
    ],
)
def test_missing_or_malformed_cassette_raises_one_line_error(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CassetteError, match=message) as info:
        asyncio.run(check_urls(["https://a.example.com/"], CheckOptions(replay=str(path))))
    assert "\n" not in str(info.value)


def test_a_replayed_body_labelled_with_a_codec_no_browser_uses_is_replayed(tmp_path: Path) -> None:
    path = tmp_path / "hand.jsonl"
    not_found = "<title>Page not found</title><h1>Sorry, we can't find that page</h1>"
    lines = [
        {"url": f"https://news.example.com/{label}", "status": 200,
         "headers": {"content-type": f"text/html; charset={label}"}, "body": not_found}
        for label in ("idna", "punycode", "utf-16")
    ]  # fmt: skip
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    urls = [line["url"] for line in lines]
    results = asyncio.run(check_urls(urls, CheckOptions(replay=str(path), archive=False)))  # type: ignore[arg-type]
    assert [r.status for r in results] == [Status.SOFT_404] * 3, [r.reason for r in results]


def test_a_replayed_429_never_waits_out_its_back_off(tmp_path: Path) -> None:
    path = tmp_path / "hand.jsonl"
    path.write_text(
        '{"url":"https://busy.example.com/","status":429,"headers":{"retry-after":"10"},"body":""}\n',
        encoding="utf-8",
    )
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    [r] = asyncio.run(
        check_urls(["https://busy.example.com/"], CheckOptions(replay=str(path), archive=False), sleep=sleep)
    )
    assert r.status == Status.BLOCKED and waits == []

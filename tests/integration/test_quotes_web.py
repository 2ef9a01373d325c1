"""Quotes looked up at their pages through the whole pipeline (issue 16).

One article of ours quotes ten sources, each linked to a page of a test web that holds the
quote verbatim, with other typography, as part of a longer sentence, with one word changed,
not at all, behind a redirect, only in the archived copy of a dead page, in a PDF, behind a
403, or in a page far over the body cap. The web is a cassette written by the test (the
archive's answers included) for the verdicts, and a server on 127.0.0.1 for what only a
real socket shows: the bounded read and the requests a quote costs.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote as urlquote

import pytest

from tests.conftest import ROOT, run_cli, serving

ARTICLE = ROOT / "tests" / "fixtures" / "quotes" / "harbour-council.html"
SITE = "https://sources.example.org"


def page(*paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head><title>Source</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<main><article><h1>Source</h1>{body}</article></main></body></html>"
    )


PAGES = {
    "/verbatim": page("The harbour master wrote that the patrols were a bridge too far for our small town."),
    "/typography": page("Ekdal: “The plan is a reasonable answer – for now – to a real problem.”"),
    "/trimmed": page(
        "Counsel for the port: the contract cannot be broken before the end of the season, "
        "whatever the council decides about the patrols."
    ),
    "/edited": page("Moe said the patrols had cut the number of night landings by a third."),
    "/absent": page("The mayor welcomed the patrols and thanked the volunteers for their time."),
    "/new-address": page("Captain Aas: the night crossings are safer than they have been in ten years."),
    "/board": page("Minutes. The board called the decision a victory for common sense on the quay."),
}
ARCHIVED_COPY = page("The coastguard has no plans to withdraw the second cutter this winter.")


def _entry(url: str, status: int, body: str = "", **headers: str) -> str:
    head = {"content-type": "text/html; charset=utf-8", **headers}
    return json.dumps({"method": "GET", "url": url, "status": status, "headers": head, "body": body})


def _cassette(path: Path) -> Path:
    snapshot = "http://web.archive.org/web/20240101000000/" + SITE + "/gone"
    closest = {"archived_snapshots": {"closest": {"available": True, "url": snapshot, "status": "200"}}}
    api = "https://archive.org/wayback/available?url=" + urlquote(SITE + "/gone", safe="")
    lines = [_entry(SITE + p, 200, body) for p, body in PAGES.items()]
    lines += [
        _entry(SITE + "/old-address", 301, location=SITE + "/new-address"),
        _entry(SITE + "/gone", 404, "Not Found"),
        _entry(api + "&timestamp=20240302", 200, json.dumps(closest), **{"content-type": "application/json"}),
        _entry("https://web.archive.org/web/20240101000000id_/" + SITE + "/gone", 200, ARCHIVED_COPY),
        _entry(SITE + "/annual-report.pdf", 200, "%PDF-1.7", **{"content-type": "application/pdf"}),
        _entry(SITE + "/paywalled", 403, "Forbidden"),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _audit(tmp_path: Path, *args: str, source: str = str(ARTICLE)) -> dict[str, object]:
    done = run_cli("audit", source, "--out", str(tmp_path / "r"), "--db", str(tmp_path / "a.db"),
                   "--json", *args)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_every_verdict_over_a_recorded_web(tmp_path: Path) -> None:
    got = _audit(tmp_path, "--replay", str(_cassette(tmp_path / "web.jsonl")))
    checks = {q["url"].rsplit("/", 1)[-1]: q for q in got["quote_checks"]}  # type: ignore[attr-defined]
    verdicts = {k: q["verdict"] for k, q in checks.items()}
    assert verdicts == {
        "verbatim": "found",
        "typography": "found",
        "trimmed": "found",
        "edited": "found-edited",
        "absent": "not-found",
        "old-address": "found",  # behind a redirect: looked up where it ended
        "gone": "found",  # in the archived copy
        "annual-report.pdf": "unavailable",
        "paywalled": "unavailable",
        "board": "found",
    }
    assert checks["edited"]["differences"] == ["‘half’ → ‘a third’"]
    assert checks["old-address"]["page_url"] == SITE + "/new-address"
    assert checks["gone"]["archived"] is True and "(archived copy)" in checks["gone"]["reason"]
    assert checks["annual-report.pdf"]["reason"] == "not a text page (application/pdf)"
    assert checks["paywalled"]["reason"].startswith("the link is blocked")
    assert checks["gone"]["source"] is None  # a quoted sentence whose link backs no named source
    lind = next(a for a in got["attributions"] if a["source"] == "Ada Lind")  # type: ignore[attr-defined]
    assert lind["quote_check"]["verdict"] == "found"

    db = sqlite3.connect(tmp_path / "a.db")
    rows = db.execute(
        "SELECT attributions.source, quote_checks.verdict FROM quote_checks"
        " JOIN attributions ON attributions.id = quote_checks.attribution_id WHERE quote_checks.verdict != 'found'"
    ).fetchall()
    assert sorted(rows) == [("Dana Moe", "found-edited"), ("Eli Strand", "not-found"),
                            ("Gro Vang", "unavailable"), ("Hal Oss", "unavailable")]  # fmt: skip
    assert got["verdict"].startswith("No sign it was first published elsewhere.")  # type: ignore[attr-defined]
    assert "1 of 10 linked quotes not found at their source (1 edited, 2 not checkable)." in got["verdict"]  # type: ignore[operator]
    html = next(p for p in (tmp_path / "r").glob("*.html") if p.name != "index.html").read_text(
        encoding="utf-8"
    )
    assert "1 of 10 linked quotes not found at their source" in html
    assert "‘half’ → ‘a third’" in html and "the page says:" in html


def test_no_quotes_turns_it_off_and_offline_keeps_the_last_verdicts(tmp_path: Path) -> None:
    cassette = str(_cassette(tmp_path / "web.jsonl"))
    assert _audit(tmp_path, "--replay", cassette, "--no-quotes")["quote_checks"] == []
    _audit(tmp_path, "--replay", cassette)
    offline = _audit(tmp_path, "--offline")
    shown = {q["url"]: q for q in offline["quote_checks"]}  # type: ignore[attr-defined]
    assert shown[SITE + "/edited"]["verdict"] == "found-edited"  # the last real verdict, dated
    assert shown[SITE + "/edited"]["checked_at"]
    assert shown[SITE + "/paywalled"]["reason"] == "not fetched (--offline)"  # nothing earlier to show
    assert "not in this run" in offline["verdict"]  # type: ignore[operator]
    db = sqlite3.connect(tmp_path / "a.db")
    kept = dict(db.execute("SELECT url, verdict FROM quote_checks").fetchall())
    assert kept[SITE + "/edited"] == "found-edited"  # an offline run erased nothing it could not redo


# --------------------------------------------------------------------------- a real socket

BIG = 3 * 1024 * 1024


class _Web(BaseHTTPRequestHandler):
    seen: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:
        _Web.seen[self.path] += 1
        if self.path == "/huge":
            lead = page("Hal Oss: the crews are working double shifts without a word of thanks.")
            body = (lead + "<p>" + "filler words for the page " * (BIG // 26) + "</p>").encode()
        elif self.path == "/article":
            body = ARTICLE_ON_SITE.encode()
        else:
            body = PAGES.get(self.path, page("Nothing here says what the article quotes.")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):  # the reader stopped at its cap
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


ARTICLE_ON_SITE = (
    "<html><head><title>Patrols</title></head><body><main><article><h1>Patrols</h1>"
    '<p>Harbour master Ada Lind said in <a href="/verbatim">a statement</a> that the patrols were '
    "“a bridge too far for our small town”.</p>"
    '<p>Union steward Hal Oss said in <a href="/huge">a column</a> that the crews were “working '
    "double shifts without a word of thanks”.</p>"
    '<p>The mayor, Eli Strand, said in <a href="/huge">the same column</a> that the council would '
    "“never accept a patrol paid for by outsiders”.</p>"
    '<p>The <a href="/absent">mayor\'s office</a> has not answered.</p>'
    "</article></main></body></html>"
)


def _pages_seen() -> Counter[str]:
    """Requests for the site's pages; the site probe's one question (a path made to not
    exist, issue 13) is the checker's, not the quotes'."""
    return Counter({p: n for p, n in _Web.seen.items() if p in PAGES or p in ("/article", "/huge")})


@pytest.fixture
def web() -> Iterator[str]:
    _Web.seen.clear()
    with serving(_Web) as url:
        yield url


def test_a_quoted_page_costs_no_request_and_a_huge_page_is_read_to_its_cap(tmp_path: Path, web: str) -> None:
    got = _audit(
        tmp_path, "--allow-private", "--no-archive", "--quote-max-bytes", "65536", source=web + "/article"
    )
    by_source = {q["source"]: q for q in got["quote_checks"]}  # type: ignore[attr-defined]
    assert by_source["Ada Lind"]["verdict"] == "found"
    assert by_source["Hal Oss"]["verdict"] == "found"  # near the top of a 3 MB page
    strand = by_source["Eli Strand"]
    assert strand["verdict"] == "unavailable"
    assert strand["reason"] == "the page is over the 65,536-byte cap, and not in the part read"
    # every page once: the link check's own GET is the page the quotes were looked up in
    assert _pages_seen() == Counter({"/article": 1, "/verbatim": 1, "/huge": 1, "/absent": 1})

    _Web.seen.clear()  # a second run within the cache's lifetime: quoted pages are read afresh
    _audit(tmp_path, "--allow-private", "--no-archive", source=web + "/article")
    assert _pages_seen() == Counter({"/article": 1, "/verbatim": 1, "/huge": 1})


def test_a_batch_reads_each_quoted_page_once_across_chunks(tmp_path: Path, web: str) -> None:
    from auditor.batch import BatchOptions, run_batch
    from auditor.models import CheckOptions

    folder = tmp_path / "in"
    folder.mkdir()
    # The first article only links the page; the next ones, in later chunks, quote it.
    (folder / "a-first.html").write_text(
        f'<html><body><main><article><h1>One</h1><p>The <a href="{web}/verbatim">statement</a> is '
        "online, and the council will meet again next week to discuss it.</p></article></main></body></html>",
        encoding="utf-8",
    )
    for i in range(2):
        (folder / f"b-quote-{i}.html").write_text(
            ARTICLE_ON_SITE.replace('href="/', f'href="{web}/'), encoding="utf-8"
        )
    opts = BatchOptions(folder=folder, out_dir=tmp_path / "r", db_path=tmp_path / "a.db", chunk=1, workers=1,
                        check=CheckOptions(allow_private=True, archive=False))  # fmt: skip
    stats = run_batch(opts, lambda *_a: None)
    assert stats.audited == 3
    assert _pages_seen() == Counter({"/verbatim": 1, "/huge": 1, "/absent": 1})
    db = sqlite3.connect(tmp_path / "a.db")
    verdicts = db.execute("SELECT source, verdict FROM quote_checks WHERE source = 'Ada Lind'").fetchall()
    assert verdicts == [("Ada Lind", "found"), ("Ada Lind", "found")]

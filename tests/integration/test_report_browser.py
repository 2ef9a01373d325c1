"""Reports opened in a real browser: the sections render, the filter works, nothing hostile runs.

Uses Debian's headless Chromium with ``--dump-dom`` after a virtual-time budget, so the DOM we
parse is the one left after our inline script (and any payload that got through) has run.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from auditor.report.render import render_article, render_index, write_report
from tests.fixtures.report.records import PAYLOAD, make_audit, plain_audit, xss_audit

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)"),
]


def dump_dom(path: Path, fragment: str = "", tmp: Path | None = None) -> BeautifulSoup:
    assert CHROMIUM is not None
    profile = (tmp or path.parent) / "chromium-profile"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=2000",
        "--dump-dom",
        path.resolve().as_uri() + fragment,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<html" in done.stdout, done.stderr[-2000:]
    return BeautifulSoup(done.stdout, "lxml")


def visible_rows(soup: BeautifulSoup, table: str) -> list[str]:
    return [
        r.select_one("td:nth-of-type(3) .anchor, td a").get_text()
        for r in soup.select(f"#{table} tbody tr:not([hidden])")
    ]


def test_sections_render_and_the_script_runs(tmp_path: Path) -> None:
    soup = dump_dom(write_report(make_audit(), tmp_path))
    assert [s["id"] for s in soup.select("main > section")] == [
        "verdict",
        "provenance",
        "sources",
        "quotes",
        "links",
        "domains",
    ]
    form = soup.select_one("form.filters")
    assert not form.has_attr("hidden")  # our script ran under the hash-pinned CSP
    assert form.select_one("output").get_text() == "12 of 12 shown"
    assert soup.select("#links-table th button.sort")


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("#status=dead", ["a think-tank report"]),
        ("#status=broken", ["a think-tank report", "the paper's analysis", "the ministry statement", "TASS"]),
        ("#status=placeholder", ["Indian Outlook"]),
        ("#region=nav", ["Home", "Russia"]),
        ("#status=alive&region=share", ["Share"]),
    ],
)
def test_status_and_region_filters_follow_the_url_fragment(
    tmp_path: Path, fragment: str, expected: list[str]
) -> None:
    soup = dump_dom(write_report(make_audit(), tmp_path), fragment)
    assert visible_rows(soup, "links-table") == expected
    hidden = soup.select("#links-table tbody tr[hidden]")
    assert len(hidden) == 12 - len(expected)
    assert soup.select_one("form.filters output").get_text() == f"{len(expected)} of 12 shown"


def test_index_filter_keeps_articles_with_broken_links(tmp_path: Path) -> None:
    audits = [
        plain_audit("a.txt", "Alpha"),
        plain_audit("b.txt", "Beta", dead=True),
        plain_audit("c.txt", "Gamma"),
    ]
    path = tmp_path / "index.html"
    path.write_text(render_index(audits, []), encoding="utf-8")
    soup = dump_dom(path, "#flags=broken")
    assert [a.get_text() for a in soup.select("#articles-table tbody tr:not([hidden]) td a")] == [
        "Story from Beta"
    ]


def _assert_nothing_ran(soup: BeautifulSoup) -> None:
    title = soup.title.get_text() if soup.title else ""
    assert "pwned" not in title.replace(PAYLOAD, ""), title
    assert soup.find("pwned") is None
    assert soup.select("#injected") == []
    assert len(soup.select("script")) == 1


def test_xss_article_executes_nothing(tmp_path: Path) -> None:
    soup = dump_dom(write_report(xss_audit(), tmp_path))
    _assert_nothing_ran(soup)
    assert PAYLOAD in soup.select_one("h1").get_text()


def test_xss_article_executes_nothing_even_without_the_csp(tmp_path: Path) -> None:
    """Escaping alone must hold: the CSP is a second belt, not the only one."""
    html = render_article(xss_audit())
    start = html.index('<meta http-equiv="Content-Security-Policy"')
    html = html[:start] + html[html.index(">", start) + 1 :]
    path = tmp_path / "no-csp.html"
    path.write_text(html, encoding="utf-8")
    soup = dump_dom(path)
    _assert_nothing_ran(soup)
    assert not soup.select_one("form.filters").has_attr("hidden")


def test_the_harness_would_see_a_payload_that_ran(tmp_path: Path) -> None:
    """Control: the same payload, unescaped and without CSP, is caught by the same checks."""
    path = tmp_path / "raw.html"
    path.write_text(
        f"<!doctype html><html><head><title>t</title></head><body>{PAYLOAD}</body></html>", encoding="utf-8"
    )
    soup = dump_dom(path)
    with pytest.raises(AssertionError):
        _assert_nothing_ran(soup)
    assert soup.find("pwned") is not None or "pwned" in soup.title.get_text()

"""Soft-404, parked and bot-wall pages, judged from the body a 200 (or 403) came with."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.check import softpage

FIXTURES = Path(__file__).parent.parent / "fixtures" / "check"
SOFT_404 = sorted(p.name for p in FIXTURES.glob("soft404_*.html"))


def judge(name: str) -> softpage.Verdict | None:
    return softpage.judge((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SOFT_404)
def test_not_found_pages_in_many_languages_with_menus_are_soft_404(name: str) -> None:
    verdict = judge(name)
    assert verdict is not None and verdict.kind == "soft-404", name


def test_ten_languages_are_covered() -> None:
    assert len(SOFT_404) >= 10


def test_an_article_about_something_not_found_is_not_a_soft_404() -> None:
    assert judge("article_about_not_found.html") is None
    assert judge("article_plain.html") is None


def test_one_phrase_in_a_title_is_not_enough() -> None:
    html = "<html><head><title>Page not found? How archives lose the news</title></head><body><main><p>Short teaser.</p></main></body></html>"
    assert softpage.judge(html) is None


def test_parked_and_challenge_pages() -> None:
    parked, wall = judge("parked.html"), judge("challenge_cloudflare.html")
    assert parked is not None and parked.kind == "parked"
    assert wall is not None and wall.kind == "challenge"


def test_a_news_page_mentioning_a_domain_sale_is_not_parked() -> None:
    html = "<html><head><title>Startup buys famous web address</title></head><body><main><p>The seller said this domain is for sale no longer.</p></main></body></html>"
    assert softpage.judge(html) is None


def test_garbage_and_empty_bodies_do_not_raise() -> None:
    for body in ("", "\x00\x01\x02", "<<<>>>", "<html>" * 1000):
        softpage.judge(body)

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


def test_many_languages_and_shapes_are_covered() -> None:
    assert len(SOFT_404) >= 22


def test_an_article_about_something_not_found_is_not_a_soft_404() -> None:
    assert judge("article_about_not_found.html") is None
    assert judge("article_plain.html") is None
    assert judge("article_oops_headline.html") is None  # "Oops" in a headline, over a real story
    assert judge("article_script_rendered.html") is None  # a script-rendered site's real route


@pytest.mark.parametrize(
    "marked",
    [
        "<body class='error404 wp-theme-x'>",
        '<body id="top" class="template-404 theme">',
        "<meta name='prerender-status-code' content='404'>",
        '<script id="__NEXT_DATA__" type="application/json">{"page":"/404","query":{}}</script>',
        "<script>window.__NUXT__={layout:'default',error:{statusCode:404,message:'x'}}</script>",
        "<script src='/component---src-pages-404-js-3f2a.js'></script>",
        "<script>dataLayer.push({'pageType': 'error404'})</script>",
        "<link rel='canonical' href='https://x.example/404/'>",
    ],
)
def test_a_page_whose_markup_marks_it_as_an_error_page_is_soft_404_with_no_text_at_all(marked: str) -> None:
    html = f"<html><head><title>Harbour Radio</title></head>{marked}<div id='app'></div></html>"
    verdict = softpage.judge(html)
    assert verdict is not None and verdict.kind == "soft-404" and "markup" in verdict.evidence


def test_markers_do_not_overrule_a_long_article() -> None:
    words = "The ferry will run later on Sundays from May, the operator said. " * 40
    html = f"<html><head><title>Ferry</title></head><body class='error404'><main><p>{words}</p></main></body></html>"
    assert softpage.judge(html) is None


def test_an_interjection_alone_is_not_a_not_found_page() -> None:
    html = "<html><head><title>Oops! | Courier</title></head><body><main><h1>Oops!</h1><p>Our comments are closed for the night.</p></main></body></html>"
    assert softpage.judge(html) is None


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


def test_an_ordinary_page_is_judged_without_being_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Most pages are plain content: the markup scan says so, and the parse is skipped."""

    def no_parse(html: str) -> None:
        raise AssertionError("parsed a page that could not be a soft 404, parked page or wall")

    monkeypatch.setattr(softpage, "_parse", no_parse)
    assert judge("article_plain.html") is None


@pytest.mark.parametrize("name", [*SOFT_404, "parked.html", "challenge_cloudflare.html"])
def test_every_page_with_a_verdict_passes_the_markup_scan(name: str) -> None:
    assert softpage.could_be_a_verdict((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "heading",
    [
        "<title>Page not <b>found</b></title>",  # markup inside the heading
        "<TITLE>Error&nbsp;404</TITLE>",  # upper case, an entity
        "<h1 class='x'>Seite nicht gefunden",  # never closed
    ],
)
def test_the_markup_scan_reads_headings_as_the_parser_would(heading: str) -> None:
    page = f"<html><head><style>{'p{}' * 30000}</style></head><body>{heading}<p>x</p></body></html>"
    assert softpage.could_be_a_verdict(page)  # past 60 KB of inline style, too

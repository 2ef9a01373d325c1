"""Which links are the author's, on pages built the way real sites build them.

One fixture per failure class seen on real pages; each page is written by us. The question
is always the one a fact-checker asks: is this link one of the article's sources (``body``),
or the site's furniture around it?
"""

from __future__ import annotations

from auditor.extract.links import classify_href, extract_links
from auditor.load import load_bytes
from auditor.models import Link, LinkKind, Region
from auditor.parse import parse_document

BASE = "https://harbourledger.example/news/2024/05/quay.html"


def para(n: int, link: str = "") -> str:
    words = " ".join(["the harbour board met on Tuesday to discuss the dredging plan"] * 2)
    return f"<p>Paragraph {n}: {words}{link} and residents said the noise was already too much.</p>"


def links_of(html: str, base: str = BASE) -> list[Link]:
    return list(extract_links(parse_document(load_bytes(html.encode(), "page.html")), base))


def body_urls(html: str) -> list[str]:
    return [lk.url for lk in links_of(html) if lk.region is Region.BODY and lk.kind is LinkKind.WEB]


def cite(n: int) -> str:
    return f' (<a href="https://source{n}.example/report">report {n}</a>)'


STORY = "".join(para(i, cite(i) if i < 3 else "") for i in range(6))
SOURCES = [f"https://source{i}.example/report" for i in range(3)]


def test_river_page_story_not_the_next_twenty() -> None:
    teasers = "".join(
        f"<article class='story'><h2><a href='/news/2024/05/other-{i}.html'>Other story {i}</a></h2>"
        f"{para(i)}{para(i + 100)}</article>"
        for i in range(20)
    )
    html = (
        "<html><head><title>Quay vote | Harbour Ledger</title></head><body><div role='main'>"
        f"<article class='story'><h1>Quay vote</h1>{STORY}</article>{teasers}</div></body></html>"
    )
    assert body_urls(html) == SOURCES


def test_layout_class_with_a_furniture_word_does_not_relabel_the_article() -> None:
    for wrapper in ("layout-two-col-sidebar-right", "page has-sidebar", "site-header-and-content"):
        html = (
            f"<html><body><div class='{wrapper}'><div class='content'><h1>Quay vote</h1>{STORY}</div>"
            "<div class='widget'><a href='/popular'>Popular</a></div></div></body></html>"
        )
        assert body_urls(html) == SOURCES, wrapper


def test_a_furniture_hint_on_the_element_holding_the_article_is_void() -> None:
    html = (
        "<html><body><div id='top-header'><nav><a href='/'>Home</a></nav>"
        f"<div class='text'><h1>Quay vote</h1>{STORY}</div></div>"
        "<footer><a href='/about'>About</a></footer></body></html>"
    )
    assert body_urls(html) == SOURCES


def test_follow_links_subscribe_and_legal_chrome_are_not_body() -> None:
    html = (
        f"<html><body><article><h1>Quay vote</h1>{STORY}"
        "<p>Follow us on Twitter (<a href='https://twitter.com/LedgerDesk'>@LedgerDesk</a>) and "
        "<a href='https://facebook.com/ledger'>Facebook</a></p>"
        "<p><a href='/subscribe'>Subscribe</a> to read more. Already a member? <a href='/login'>Sign in</a></p>"
        "<p><a href='/privacy'>Privacy policy</a> | <a href='/cookies'>Cookie settings</a></p>"
        "</article></body></html>"
    )
    assert body_urls(html) == SOURCES


def test_tag_category_and_author_page_links_are_not_sources() -> None:
    html = (
        f"<html><body><article><h1>Quay vote</h1>{STORY}"
        "<p>Filed in <a rel='category tag' href='/category/harbour/'>Harbour</a>, "
        "<a href='/tag/dredging/'>dredging</a></p>"
        "<p>More from <a href='/author/ana-ruiz/'>Ana Ruiz</a></p></article></body></html>"
    )
    found = {lk.text: lk.region for lk in links_of(html)}
    assert body_urls(html) == SOURCES
    assert found["Harbour"] is Region.META
    assert found["Ana Ruiz"] is Region.BYLINE


def test_also_on_cards_explore_further_galleries_and_player_links() -> None:
    html = (
        f"<html><body><article><h1>Quay vote</h1>{STORY}"
        "<div class='gallery'><a href='/photos/1'>Photo 1</a><a href='/photos/2'>Photo 2</a></div>"
        "<div class='video-player'><a href='https://player.example/terms'>Terms of use</a>"
        "<a href='https://player.example/privacy'>Privacy</a></div>"
        "<h3>Explore further</h3><p><a href='/news/2024/04/ferry.html'>Ferry fares rise</a></p>"
        "<div><h4>Also on harbourledger.example</h4><a href='/news/2024/03/pier.html'>Pier closes</a></div>"
        "</article></body></html>"
    )
    assert body_urls(html) == SOURCES


def test_links_hidden_from_readers_are_not_body() -> None:
    html = (
        f"<html><body><article><h1>Quay vote</h1>{STORY}"
        "<p style='display:none'><a href='https://casino.example/'>best casino</a></p>"
        "<div style='position:absolute; left:-9999px'><a href='https://pills.example/'>pills</a></div>"
        "<span hidden><a href='https://spam.example/'>spam</a></span>"
        "<div aria-hidden='true'><a href='https://tracker.example/'>x</a></div>"
        "</article></body></html>"
    )
    found = {lk.url: lk.region for lk in links_of(html)}
    assert body_urls(html) == SOURCES
    assert found["https://casino.example/"] is Region.HIDDEN


def test_links_in_an_embedded_tweet_or_quote_are_body() -> None:
    html = (
        f"<html><body><article><h1>Quay vote</h1>{STORY}"
        "<blockquote class='twitter-tweet'><p>Dredging starts Monday "
        "<a href='https://t.co/abc'>pic.twitter.com/abc</a></p>&mdash; Port Authority "
        "<a href='https://twitter.com/portauth/status/1'>May 2, 2024</a></blockquote>"
        "<div class='social-embed'><blockquote class='instagram-media'>"
        "<a href='https://www.instagram.com/p/xyz/'>A post shared by the quay cafe</a></blockquote></div>"
        "</article></body></html>"
    )
    assert body_urls(html) == [
        *SOURCES,
        "https://t.co/abc",
        "https://twitter.com/portauth/status/1",
        "https://www.instagram.com/p/xyz/",
    ]


def test_app_schemes_and_scheme_typos_are_never_web_links() -> None:
    for href, kind in (
        ("whatsapp://send?text=hi", LinkKind.OTHER),
        ("fb-messenger://share?link=x", LinkKind.OTHER),
        ("callto:+4712345678", LinkKind.TEL),
        ("sms:+4712345678", LinkKind.TEL),
        ("ttps://source.example/a", LinkKind.MALFORMED),
        ("htps://source.example/a", LinkKind.MALFORMED),
        ("http//source.example/a", LinkKind.MALFORMED),
        ("ftp://files.example/a.pdf", LinkKind.OTHER),
    ):
        assert classify_href(href, BASE)[0] is kind, href


def test_in_text_links_with_furniture_classes_stay_in_the_body() -> None:
    html = (
        "<html><body><article><h1>Quay vote</h1>"
        "<p>The board cited <a class='promo-link' href='https://source0.example/report'>a survey</a>, "
        "a <a class='social-link' href='https://source1.example/report'>residents' petition</a> and a "
        "<span class='nav-item'><a href='https://source2.example/report'>council memo</a></span> in its "
        "decision on Tuesday, and said the dredging plan would go ahead in the spring despite the noise.</p>"
        f"{STORY}</article><div class='sidebar'><a href='/x'>x</a></div></body></html>"
    )
    assert body_urls(html)[:3] == SOURCES


def test_a_document_preformatted_as_text_keeps_its_links() -> None:
    lines = "\n".join(
        f"   Section {i}. The client MUST follow <a href='https://spec{i}.example/rfc'>RFC {i}</a> when it"
        " stores a document, and the server SHOULD answer with the new version tag."
        for i in range(8)
    )
    html = f"<html><body><div class='nav'><a href='/'>Home</a></div><pre>{lines}</pre></body></html>"
    assert body_urls(html) == [f"https://spec{i}.example/rfc" for i in range(8)]


def test_teaser_cards_ctas_ads_profiles_and_breadcrumbs_inside_the_article() -> None:
    cards = "".join(
        f"<div><a href='/blog/2024/0{i}/post-{i}/'>Insights Post {i} Read the blog</a></div>"
        for i in range(1, 4)
    )
    html = (
        "<html><body><article><div><a href='/blog/'>Blog</a></div><h1>Quay vote</h1>"
        "<p><a href='/author/ana-ruiz/'>Go to the profile of Ana Ruiz</a></p>"
        f"{STORY}<p><a href='https://boatmaker.example/buy/1'>Buy now</a></p>"
        "<p><a href='https://inread.teads.tv/'>inRead invented by Teads</a></p>"
        "<p><a href='https://cdn.example/photo.jpg'>View this image ›</a></p>"
        "<p><a href='/news'>Next On Harbour Ledger › Ferry fares rise</a></p>"
        "<p><a href='/news/2024/04/x.html'>Related: Ferry fares rise again</a></p>"
        f"<div><a href='/get-started/'>Get free trial</a></div>{cards}</article></body></html>"
    )
    assert body_urls(html) == SOURCES


def test_a_closing_link_and_a_sources_list_after_the_prose_stay_in_the_body() -> None:
    html = (
        f"<html><body><article><h1>Quay vote</h1>{STORY}"
        "<p><a href='/news/2023/01/earlier-report.html'>Our earlier report on the quay</a></p>"
        "<h3>Sources</h3><ul><li><a href='/data/a.csv'>Board minutes</a></li><li><a href='/data/b.csv'>Noise survey</a></li>"
        "<li><a href='/data/c.csv'>Dredging contract</a></li></ul></article></body></html>"
    )
    own = [u for u in body_urls(html) if u.startswith("https://harbourledger.example/")]
    assert len(own) == 4

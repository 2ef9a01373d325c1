"""HTML pages: the article told apart from the chrome around it, by markup and by density."""

from __future__ import annotations

import time
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest

from auditor.extract.links import extract_links
from auditor.load import load_bytes, load_path
from auditor.models import Link, Region
from auditor.parse import parse_document

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


def links_of(name: str, base_url: str | None = None) -> tuple[Link, ...]:
    return extract_links(parse_document(load_path(PAGES / name)), base_url)


def region_of(links: tuple[Link, ...], text: str) -> set[Region]:
    return {link.region for link in links if link.text == text}


def test_news_page_body_links_are_exactly_the_cited_ones() -> None:
    links = links_of("news_chrome.html")
    body = [link.text for link in links if link.region is Region.BODY]
    assert body == [
        "union said",
        "ship-tracking data",
        "online",
        "on its website",  # inside a blockquote
        "February report",
        "1",  # footnote marker
        "emergency measures",
        "shipping cost index",  # inside the footnotes
        "↩",
    ]


def test_news_page_chrome_regions() -> None:
    links = links_of("news_chrome.html")
    assert region_of(links, "Learn more") <= {Region.HEADER, Region.FOOTER}  # cookie banner
    assert region_of(links, "UK") == {Region.NAV}  # mega menu
    assert region_of(links, "Read the long read") == {Region.NAV}  # promo inside the mega menu
    assert region_of(links, "Home") == {Region.NAV}  # breadcrumbs
    assert region_of(links, "Ines Okafor-Lindqvist") == {Region.BYLINE}
    assert region_of(links, "Twitter") == {Region.SHARE}
    assert region_of(links, "Strikes") == {Region.META}
    assert region_of(links, "Container rates fall to two-year low") == {Region.RELATED}
    assert region_of(links, "Amber storm warning for the coast") == {Region.RELATED}  # most read
    assert region_of(links, "this thread") == {Region.COMMENTS}
    assert region_of(links, "Sign up") == {Region.SIDEBAR}
    assert region_of(links, "Privacy policy") == {Region.FOOTER}
    # "Read more: <headline>" dropped between paragraphs is a promo, not a citation
    promo = [link for link in links if link.text.startswith("East terminal strike")]
    assert promo and all(link.region is not Region.BODY for link in promo)
    footer = [link for link in links if link.region is Region.FOOTER]
    assert len(footer) >= 16


def test_wordpress_page() -> None:
    links = links_of("wordpress.html")
    counts = Counter(link.region for link in links)
    assert counts[Region.BODY] == 7
    assert region_of(links, "Twitter") == {Region.SHARE}  # Jetpack sharing inside entry-content
    assert region_of(links, "Public meeting on flooding draws hundreds") == {Region.RELATED}
    assert region_of(links, "flooding") == {Region.META}
    assert region_of(links, "Previous: Bus route 14 to be cut back") == {Region.NAV}
    assert region_of(links, "Reply") == {Region.COMMENTS}
    assert region_of(links, "June 2022") == {Region.SIDEBAR}
    assert region_of(links, "Proudly powered by WordPress") == {Region.FOOTER}


def test_div_soup_body_found_by_text_density() -> None:
    links = links_of("divsoup.html")
    body = {link.text for link in links if link.region is Region.BODY}
    assert body == {"heritage lottery grant", "waterways trust", "friends group blog"}
    assert region_of(links, "School roof repaired") != {Region.BODY}
    assert region_of(links, "Valley Plumbing") != {Region.BODY}


def test_teaser_cards_are_not_the_article() -> None:
    links = links_of("multi_article.html")
    body = [link.text for link in links if link.region is Region.BODY]
    assert body == ["announced", "Transport Focus"]
    assert region_of(links, "Station reopens after 60 years") == {Region.RELATED}


def test_comments_do_not_pull_the_article_outwards() -> None:
    prose = "The committee heard evidence from residents about the plan for the new road. " * 3
    comment = "I disagree completely with this article and here is my very long opinion on it. " * 12
    html = f"""<html><body><main>
      <article class="post tag-roads category-local"><div class="entry-content">
        <p>{prose}<a href="https://council.example.org/minutes">minutes</a></p></div></article>
      <div class="comments-area"><p>{comment}<a href="https://spam.example.net">my site</a></p></div>
    </main></body></html>"""
    links = extract_links(parse_document(load_bytes(html.encode(), "a.html")))
    assert [(link.text, link.region) for link in links] == [
        ("minutes", Region.BODY),
        ("my site", Region.COMMENTS),
    ]


def test_page_without_prose_is_all_body_and_never_fails() -> None:
    doc = parse_document(load_bytes(b"<html><body><a href='https://a.org'>a</a></body></html>", "a.html"))
    assert [b.region for b in doc.blocks] == [Region.BODY]


def test_blocks_keep_tags_and_reading_order() -> None:
    doc = parse_document(load_path(PAGES / "news_chrome.html"))
    body = [b for b in doc.blocks if b.region is Region.BODY]
    assert body[0].text.startswith("Dock workers walked out")
    assert any(b.tag == "blockquote" and "crane driver" in b.text for b in body)
    assert any(b.tag == "h2" and b.text == "What happens next" for b in body)
    assert not any("dataLayer" in b.text or "site.css" in b.text for b in doc.blocks)


def test_page_meta_is_collected() -> None:
    doc = parse_document(load_path(PAGES / "news_chrome.html"))
    assert doc.meta.canonical == "https://www.harbourledger.co.uk/business/2023/03/14/port-strike-spreads"
    assert doc.meta.language == "en-GB"
    assert len(doc.meta.json_ld) == 1


@pytest.mark.parametrize("depth", [300, 1_000, 50_000])
def test_content_nested_past_the_parser_depth_limit_is_kept(depth: int) -> None:
    para = (
        '<p>The mayor said "we will appeal" after <a href="https://court.example/ruling">the ruling</a>.</p>'
    )
    html = "<html><body>" + "<div>" * depth + para + "</div>" * depth + "<p>Closing line.</p></body></html>"
    tracemalloc.start()
    start = time.process_time()
    doc = parse_document(load_bytes(html.encode(), "deep.html"))
    links = extract_links(doc)
    elapsed = time.process_time() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [(link.url, link.text) for link in links] == [("https://court.example/ruling", "the ruling")]
    texts = [b.text for b in doc.blocks]
    assert 'The mayor said "we will appeal" after the ruling.' in texts
    assert "Closing line." in texts
    assert elapsed < 5
    assert peak < 200_000_000


def test_comment_inside_a_paragraph_keeps_the_text_after_it() -> None:
    html = "<html><body><p>Before the note <!-- editor: check --> and after it.</p></body></html>"
    doc = parse_document(load_bytes(html.encode(), "c.html"))
    assert doc.blocks[0].text == "Before the note and after it."

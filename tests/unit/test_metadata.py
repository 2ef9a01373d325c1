"""Metadata: what the page says about itself, structured data first, visible text after."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.extract.metadata import extract_metadata
from auditor.load import load_bytes, load_path
from auditor.models import Category, DomainInfo
from auditor.parse import parse_document

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


def meta_of(name: str, **kw):  # type: ignore[no-untyped-def]
    return extract_metadata(parse_document(load_path(PAGES / name)), **kw)


def test_news_page() -> None:
    m = meta_of("news_chrome.html")
    assert m.title == "Port strike spreads to three more terminals"
    assert m.authors == ("Ines Okafor-Lindqvist",)
    assert m.published == "2023-03-14"
    assert m.outlet == "The Harbour Ledger"
    assert m.outlet_domain == "harbourledger.co.uk"
    assert m.language == "en-GB"


def test_yoast_graph_and_canonical_vs_og_url_kept_apart() -> None:
    m = meta_of("wordpress.html")
    assert m.title == "Why the river authority’s flood maps are out of date"
    assert m.authors == ("Dr. Aoife Ní Bhriain",)
    assert m.published == "2022-06-09"
    assert m.canonical_url == "https://riversidenotes.org/2022/06/09/flood-maps-out-of-date/"
    assert m.og_url == "https://riversidenotes.wordpress.com/2022/06/09/flood-maps-out-of-date/"
    assert m.outlet_domain == "riversidenotes.org"  # the one the site's own JSON-LD names
    assert m.language == "en-US"


def _page(head: str, body: str = "<p>Text.</p>") -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


def test_graph_references_resolve_without_meta_tags() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": "p", "name": "ignored"},
            {
                "@type": ["Article", "NewsArticle"],
                "headline": "Graph headline",
                "author": [{"@id": "#a1"}, {"@id": "#a2"}],
                "publisher": {"@id": "#org"},
                "datePublished": "2020-02-29T23:30:00-05:00",
            },
            {"@type": "Person", "@id": "#a1", "name": "M. K. Bhadrakumar"},
            {"@type": "Person", "@id": "#a2", "name": "By Lena Park"},
            {"@type": "Organization", "@id": "#org", "name": "Graph Times"},
        ],
    }
    html = _page(f'<script type="application/ld+json">{json.dumps(graph)}</script><title>x</title>')
    m = extract_metadata(parse_document(load_bytes(html.encode(), "a.html")))
    assert m.title == "Graph headline"
    assert m.authors == ("M. K. Bhadrakumar", "Lena Park")
    assert m.outlet == "Graph Times"
    assert m.published == "2020-02-29"  # as written, not shifted to UTC


def test_title_loses_outlet_suffix_only() -> None:
    html = _page(
        '<title>Budget row: council - unions split | The Daily Courant</title><meta property="og:site_name" content="The Daily Courant">'
    )
    m = extract_metadata(parse_document(load_bytes(html.encode(), "a.html")))
    assert m.title == "Budget row: council - unions split"


def test_title_prefers_h1_when_outlet_unknown() -> None:
    html = _page(
        "<title>Ferry cancelled - Local - Islands Herald</title>", "<h1>Ferry cancelled</h1><p>Text.</p>"
    )
    m = extract_metadata(parse_document(load_bytes(html.encode(), "a.html")))
    assert m.title == "Ferry cancelled"


def test_declared_publication_date_beats_other_times_on_page() -> None:
    html = (
        "<html><head><meta name='date' content='2019-01-01'>"
        "<meta property='article:published_time' content='2021-06-30T08:00:00Z'></head>"
        "<body><div class='sidebar'><time datetime='2024-05-05'>today</time></div>"
        "<article><p>Text of the story goes here and is long enough to count as prose.</p></article></body></html>"
    )
    assert extract_metadata(parse_document(load_bytes(html.encode(), "a.html"))).published == "2021-06-30"


def test_visible_byline_and_dateline_in_text() -> None:
    m = meta_of("export.txt")
    assert m.title == "Harbour Workers Vote to Extend Strike as Talks Stall"
    assert m.authors == ("Ravi Chandrasekaran",)
    assert m.outlet == "Coastline Weekly"
    assert m.published == "2023-03-21"


def test_base_url_gives_outlet_domain_and_resolver_may_confirm() -> None:
    def resolve(name: str) -> DomainInfo | None:
        return (
            DomainInfo(domain="coastlineweekly.org", category=Category.NEWS)
            if name == "Coastline Weekly"
            else None
        )

    assert meta_of("export.txt", resolve_outlet=resolve).outlet_domain == "coastlineweekly.org"
    assert (
        meta_of("export.txt", base_url="https://www.coastlineweekly.org/a").outlet_domain
        == "coastlineweekly.org"
    )


def test_nothing_invented_on_a_bare_page() -> None:
    m = extract_metadata(parse_document(load_bytes(b"<p>just a line</p>", "a.html")))
    assert (m.authors, m.published, m.outlet, m.canonical_url, m.og_url) == ((), None, None, None, None)


def test_broken_json_ld_is_ignored() -> None:
    html = _page(
        '<script type="application/ld+json">{"@type": "Article", "headline": </script><title>T</title>'
    )
    assert extract_metadata(parse_document(load_bytes(html.encode(), "a.html"))).title == "T"


def test_markdown_front_matter_names_the_outlet() -> None:
    text = b"---\ntitle: Port strike\noutlet: Continental Wire Service\ndate: 2024-05-21\n---\n\n# Port strike\n\nText.\n"
    meta = extract_metadata(parse_document(load_bytes(text, "post.md")))
    assert meta.outlet == "Continental Wire Service"
    assert meta.published == "2024-05-21"

"""Metadata on pages built the way real sites build them: one fixture per failure class.

Each page here is written by us and reproduces a pattern seen on many real sites (a banner
``<h1>``, a social ``og:title``, a byline glued to its timestamp, a related rail full of other
people's bylines and dates, a UTC timestamp that rolled over midnight…).
"""

from __future__ import annotations

import json

import pytest

from auditor.extract.authors import byline_names
from auditor.extract.dates import parse_date, url_date
from auditor.extract.metadata import extract_metadata
from auditor.load import load_bytes
from auditor.models import Metadata
from auditor.parse import parse_document

STORY = (
    "<p>The harbour board met on Tuesday to discuss the dredging plan, which has divided the town "
    "for most of a decade and will cost more than the board first said.</p>"
    "<p>Residents on the east quay said the noise had already driven two cafes to close, and the "
    "fishing cooperative asked for the work to stop during the spawning season.</p>"
)


def meta(html: str, name: str = "page.html", **kw: str) -> Metadata:
    return extract_metadata(parse_document(load_bytes(html.encode(), name)), **kw)


def ld(obj: dict[str, object]) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# --------------------------------------------------------------------------- headline


def test_banner_h1_outside_the_article_is_not_the_headline() -> None:
    html = (
        "<html><head><title>Dredging splits the quay | Notes | Mara Quist</title></head><body>"
        "<header class='site-title'><h1>Hello, I'm Mara.</h1></header>"
        f"<main><article><header><h2>Dredging splits the quay</h2></header>{STORY}</article></main></body></html>"
    )
    assert meta(html).title == "Dredging splits the quay"


def test_section_h1_loses_to_the_headline_the_title_agrees_with() -> None:
    html = (
        "<html><head><title>Why tomatoes split after rain</title></head><body>"
        "<div class='titlebar'><h1>Gardening Help Centre</h1></div>"
        f"<div class='story'><h2>Why tomatoes split after rain</h2>{STORY}</div></body></html>"
    )
    assert meta(html).title == "Why tomatoes split after rain"


def test_social_og_title_loses_to_the_headline_and_title() -> None:
    html = (
        "<html><head><title>Quay vote: what the dredging plan means - The Harbour Ledger</title>"
        "<meta property='og:title' content='You will not believe what the quay vote means'>"
        + ld({"@type": "NewsArticle", "headline": "Quay vote: what the dredging plan means"})
        + f"</head><body><article>{STORY}</article></body></html>"
    )
    assert meta(html).title == "Quay vote: what the dredging plan means"


def test_json_ld_headline_that_is_a_description_loses_to_title_and_h1() -> None:
    html = (
        "<html><head><title>Tidal bore - Openpedia</title>"
        + ld({"@type": "Article", "name": "Tidal bore", "headline": "wave travelling up a river"})
        + f"</head><body><main><h1>Tidal bore</h1>{STORY}</main></body></html>"
    )
    assert meta(html).title == "Tidal bore"


def test_site_suffix_cut_only_when_it_names_the_site() -> None:
    named = (
        "<html><head><title>港口疏浚计划引发争议_海港新闻网</title>"
        "<meta property='og:site_name' content='海港新闻网'></head>"
        f"<body><article>{STORY}</article></body></html>"
    )
    assert meta(named).title == "港口疏浚计划引发争议"
    unnamed = f"<html><head><title>Budget row: council - unions split</title></head><body><article>{STORY}</article></body></html>"
    assert meta(unnamed).title == "Budget row: council - unions split"


def test_a_title_that_is_only_the_brand_gives_way_to_the_h1() -> None:
    html = (
        "<html><head><title>The Harbour Ledger</title><meta property='og:site_name' content='The Harbour Ledger'>"
        f"</head><body><article><h1>Cafes close on the east quay</h1>{STORY}</article></body></html>"
    )
    assert meta(html).title == "Cafes close on the east quay"


# --------------------------------------------------------------------------- authors


def test_byline_element_when_no_meta_names_the_author() -> None:
    html = f"<html><body><article><h1>Quay</h1><div class='c-byline'>By Ana Ruiz-Okafor</div>{STORY}</article></body></html>"
    assert meta(html).authors == ("Ana Ruiz-Okafor",)


def test_byline_glued_to_its_timestamp() -> None:
    html = (
        "<html><body><article><h1>Quay</h1><p class='byline'><span class='by-author'>by "
        "<a class='byauthor' href='/a/tb'>Tomas Berg</a></span><time datetime='2016-12-22T10:00:00Z'>"
        f"22 Dec 2016</time>651</p>{STORY}</article></body></html>"
    )
    m = meta(html)
    assert m.authors == ("Tomas Berg",)
    assert m.published == "2016-12-22"
    assert byline_names("by Tomas Berg22 Dec 2016651") == ["Tomas Berg"]
    assert byline_names("Tomas Berg • 8h") == ["Tomas Berg"]


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Ana Ruiz, Senior Correspondent", ["Ana Ruiz"]),
        ("By Ana Ruiz, MA\n Harbour Health News", ["Ana Ruiz"]),
        ("Richard (R.J.) Vale", ["Richard Vale"]),
        ("Ben Ostrow Games Editor", ["Ben Ostrow"]),
        ("By Ana Ruiz and Ode Lind", ["Ana Ruiz", "Ode Lind"]),
        ("Par Hélène Garnier", ["Hélène Garnier"]),
        ("Von Jörg Albers", ["Jörg Albers"]),
        ("Reuters", ["Reuters"]),
        ("AFP", ["AFP"]),
        ("肖春芳", ["肖春芳"]),
        ("Follow @anaruiz", []),
        ("Updated 3 hours ago", []),
        ("March 3, 2019", []),
        ("Staff", []),
    ],
)
def test_byline_names(byline: str, names: list[str]) -> None:
    assert byline_names(byline) == names


def test_related_rail_and_comment_bylines_are_not_the_author() -> None:
    html = (
        f"<html><body><article><h1>Quay</h1>{STORY}</article>"
        "<section class='related-stories'><ul>"
        "<li><a href='/a'>Ferry fares rise</a><span class='byline'>By Nils Haug</span><time>May 2, 2020</time></li>"
        "<li><a href='/b'>Pier closes</a><span class='byline'>By Ida Kro</span><time>May 1, 2020</time></li>"
        "</ul></section><ol class='comment-list'><li class='comment'><cite class='author'>Pål Ek</cite>"
        "<p>I live on the quay and the noise is unbearable at night, every night.</p></li></ol></body></html>"
    )
    m = meta(html)
    assert m.authors == ()
    assert m.published is None


def test_text_export_credit_line_and_bio_footer() -> None:
    credit = (
        "Dredging splits the quay\n\nThe harbour board met on Tuesday to discuss the dredging plan, which has "
        "divided the town for a decade.\n\nThis article was written by Jo Marsh and originally published at "
        "Harbour Review.\n"
    )
    assert meta(credit, "export.txt").authors == ("Jo Marsh",)
    bio = (
        "Dredging splits the quay\n\nThe harbour board met on Tuesday to discuss the dredging plan, which has "
        "divided the town for a decade.\n\nJo Marsh (@jomarsh) is a freelance writer based in Leeds who "
        "covers coastal towns.\n"
    )
    assert meta(bio, "export.txt").authors == ("Jo Marsh",)


# --------------------------------------------------------------------------- dates


def test_visible_time_without_datetime_and_dates_in_other_languages() -> None:
    html = f"<html><body><article><h1>Quay</h1><time>March 3, 2019</time>{STORY}</article></body></html>"
    assert meta(html).published == "2019-03-03"
    html = f"<html><body><article><h1>Quai</h1><span class='date-publication'>30 avril 2015 à 07:19</span>{STORY}</article></body></html>"
    assert meta(html).published == "2015-04-30"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("21.dez.2018 às 12h55", "2018-12-21"),
        ("21. Dezember 2018", "2018-12-21"),
        ("21 de dezembro de 2018", "2018-12-21"),
        ("1. listopadu 2021", "2021-11-01"),
        ("3 de marzo de 2020", "2020-03-03"),
        ("2018年12月21日", "2018-12-21"),
        ("21.12.2018", "2018-12-21"),
        ("Sept. 3rd, 2019", "2019-09-03"),
        ("před 2 hodinami", None),
        ("03/04/2015", None),
        ("8h", None),
    ],
)
def test_parse_date_forms(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_date_in_the_url_path_is_the_last_resort() -> None:
    html = f"<html><body><article><h1>Quay</h1>{STORY}</article></body></html>"
    assert (
        meta(html, base_url="https://harbourledger.example/news/2015/03/18/quay-vote/").published
        == "2015-03-18"
    )
    assert url_date("https://x.example/2015/13/40/x") is None


def test_embedded_video_date_is_not_the_articles() -> None:
    html = (
        "<html><body><article itemscope itemtype='https://schema.org/NewsArticle'>"
        "<meta itemprop='datePublished' content='2021-06-30T08:00:00+02:00'><h1>Quay</h1>"
        "<div itemprop='video' itemscope itemtype='https://schema.org/VideoObject'>"
        "<meta itemprop='datePublished' content='2019-01-01'></div>"
        f"{STORY}</article></body></html>"
    )
    assert meta(html).published == "2021-06-30"
    video_first = html.replace("<meta itemprop='datePublished' content='2021-06-30T08:00:00+02:00'>", "")
    assert meta(video_first).published != "2019-01-01"


def test_a_utc_day_that_rolled_over_is_read_as_the_day_the_page_shows() -> None:
    head = ld({"@type": "NewsArticle", "headline": "Quay", "datePublished": "2024-12-07T01:30:00Z"})
    shown = f"<html><head>{head}</head><body><article><h1>Quay</h1><time>Dec. 6, 2024, 8:30 PM EST</time>{STORY}</article></body></html>"
    assert meta(shown).published == "2024-12-06"
    same = shown.replace("Dec. 6, 2024, 8:30 PM EST", "Dec. 7, 2024")
    assert meta(same).published == "2024-12-07"
    plain = f"<html><head>{head}</head><body><article><h1>Quay</h1>{STORY}</article></body></html>"
    assert meta(plain).published == "2024-12-07"


# --------------------------------------------------------------------------- the article container


def test_a_comment_with_an_entry_content_class_is_not_the_article() -> None:
    items = "".join(
        f"<li>Item {i}: the settings panel now remembers the last folder you opened, and search is faster.</li>"
        for i in range(12)
    )
    html = (
        "<html><body><main><article><header><h1>Release notes</h1>"
        "<div class='entry-meta'>By <a rel='author' href='/u/mk'>Mira Kaur</a></div></header>"
        f"<div class='entry-content'><ul>{items}</ul></div></article>"
        "<ol class='comment-list'><li class='comment'><cite class='author fn'>Alan Roe</cite>"
        "<blockquote class='entry-content'><p>Thanks for the update, the new search really is a lot "
        "faster on my old laptop than it used to be.</p></blockquote></li></ol></main></body></html>"
    )
    doc = parse_document(load_bytes(html.encode(), "page.html"))
    body = [b.text for b in doc.blocks if b.region.value == "body"]
    assert any(t.startswith("Item 3") for t in body)
    assert not any("Thanks for the update" in t for t in body)
    assert extract_metadata(doc).authors == ("Mira Kaur",)


# --------------------------------------------------------------------------- outlet


def _extract(html: str, base_url: str | None = None) -> Metadata:
    from auditor.pipeline import extract_raw

    return extract_raw(load_bytes(html.encode(), "page.html"), base_url=base_url).metadata


def test_outlet_loses_its_tagline_and_legal_suffix() -> None:
    for site, want in (
        ("Harbour Ledger - News you can trust, every day", "Harbour Ledger"),
        ("Kystposten.no | Nyheter fra kysten", "Kystposten.no"),
        ("Openpedia Foundation, Inc.", "Openpedia Foundation"),
        ("Fjord Media Group Ltd", "Fjord Media Group"),
    ):
        html = f"<html><head><meta property='og:site_name' content='{site}'></head><body><article>{STORY}</article></body></html>"
        assert meta(html).outlet == want, site


def test_a_publication_on_a_blogging_platform_is_named_for_itself() -> None:
    html = (
        "<html><head><meta property='og:site_name' content='Medium'>"
        + ld(
            {
                "@type": "NewsArticle",
                "headline": "Profiling in production",
                "publisher": {
                    "@type": "Organization",
                    "name": "Quayside Engineering",
                    "url": "https://medium.com/quayside",
                },
            }
        )
        + f"</head><body><article>{STORY}</article></body></html>"
    )
    assert _extract(html).outlet == "Quayside Engineering"
    plain = html.replace("https://medium.com/quayside", "https://quayside.example/")
    assert _extract(plain).outlet == "Medium"


def test_outlet_from_the_title_or_the_domain_table_when_markup_names_none() -> None:
    bare = f"<html><head><title>Port strike spreads - The New York Times</title></head><body><article>{STORY}</article></body></html>"
    m = _extract(bare, base_url="https://www.nytimes.com/2024/05/02/port.html")
    assert m.outlet == "The New York Times"
    assert m.title == "Port strike spreads"
    untitled = f"<html><body><article>{STORY}</article></body></html>"
    assert _extract(untitled, base_url="https://www.rt.com/news/1/").outlet == "RT"
    assert _extract(untitled).outlet is None


def test_a_name_alone_under_the_title_over_a_dateline_is_the_author() -> None:
    text = (
        "Dredging Splits the Quay\n\nAna Ruiz-Okafor\n\nHarbour Review, May 3, 2024\n\n"
        "The harbour board met on Tuesday to discuss the dredging plan, which has divided the town for a decade.\n"
    )
    assert meta(text, "export.txt").authors == ("Ana Ruiz-Okafor",)
    no_dateline = text.replace("Harbour Review, May 3, 2024\n\n", "")
    assert meta(no_dateline, "export.txt").authors == ()


def test_of_several_json_ld_articles_the_one_at_the_pages_address_is_the_article() -> None:
    related = {"@type": "NewsArticle", "headline": "Ferry fares rise", "url": "https://ledger.example/ferry",
               "datePublished": "2021-01-01", "author": {"name": "Nils Haug"}}  # fmt: skip
    own = {"@type": "NewsArticle", "headline": "Quay vote", "mainEntityOfPage": {"@id": "https://ledger.example/quay"},
           "datePublished": "2024-05-02", "author": {"name": "Ana Ruiz"}}  # fmt: skip
    html = (
        "<html><head><link rel='canonical' href='https://ledger.example/quay'>"
        + ld({"@graph": [related, own]})
        + f"</head><body><article><h1>Quay vote</h1>{STORY}</article></body></html>"
    )
    m = meta(html)
    assert (m.title, m.published, m.authors) == ("Quay vote", "2024-05-02", ("Ana Ruiz",))

"""Cross-post chains on the credit wordings and rights lines real republished pages use.

Every text here is ours, written in the patterns seen on real reposts: the site's own rights
line in its many names, photo credits, feed and syndication credits, wire leads and tags,
multi-hop text exports, and stories that only cite another outlet.
"""

from __future__ import annotations

import pytest

from auditor.load import load_bytes
from auditor.models import CrossPost, CrossPostMethod
from auditor.pipeline import extract_raw

PROSE = (
    "The harbour board met on Tuesday to discuss the dredging plan, which has divided the town for "
    "most of a decade and will cost far more than the board first said it would."
)


def chain_of(text: str, name: str = "export.txt", base_url: str | None = None) -> tuple[CrossPost, ...]:
    return extract_raw(load_bytes(text.encode(), name), base_url=base_url).crossposts


def outlets(text: str, name: str = "export.txt", base_url: str | None = None) -> list[str | None]:
    return [c.original_outlet for c in chain_of(text, name, base_url)]


def page(body: str, footer: str = "", site: str = "The Daily Example") -> str:
    return (
        f"<html><head><meta property='og:site_name' content='{site}'><title>Quay vote | {site}</title></head>"
        f"<body><article><h1>Quay vote</h1><p>{PROSE}</p>{body}</article><footer>{footer}</footer></body></html>"
    )


# --------------------------------------------------------------------------- the site's own rights


@pytest.mark.parametrize(
    "rights",
    [
        "© 2017 The Daily Example Company",
        "© 1996-2015 The Daily Example. All rights reserved.",
        "Copyright © 2024 Daily Example Media Group Limited",
        "© 2016 Daily Example Media Network Inc",
        "Copyright 2021 TDE",
    ],
)
def test_the_sites_own_rights_line_is_not_a_step(rights: str) -> None:
    assert outlets(page("", f"<p>{rights}</p>"), "page.html") == []
    assert outlets(page(f"<p>{rights}</p>"), "page.html") == []


def test_a_portals_or_broadcasters_legal_name_in_its_footer_is_not_a_step() -> None:
    for rights in ("© 2016 Portalcorp Inc", "© Autonomous Nonprofit Organization Example-Novosti, 2024"):
        assert outlets(page("", f"<p>{rights}</p>", site="Example Portal"), "page.html") == []


def test_a_rights_line_naming_another_outlet_and_the_author_is_a_step() -> None:
    html = page("<p>Copyright © Ana Ruiz, Harbour Review, 2021</p>").replace(
        "<h1>Quay vote</h1>", "<h1>Quay vote</h1><p class='byline'>By Ana Ruiz</p>"
    )
    assert outlets(html, "page.html") == ["Harbour Review"]


@pytest.mark.parametrize(
    "credit",
    [
        "© A. Photographer / Harbour Review",
        "© Coastal Wire / Ola Nordmann",
        "Credit: Space Agency/Lab",
        "(Photo: Harbour TV)",
        "Photo courtesy of Harbour Review",
    ],
)
def test_photo_and_caption_credits_are_not_steps(credit: str) -> None:
    assert (
        outlets(
            page(f"<figure><img src='x.jpg'><figcaption>{credit}</figcaption></figure><p>{credit}</p>"),
            "page.html",
        )
        == []
    )


def test_a_copyright_and_permissions_link_is_not_a_step() -> None:
    assert outlets(page("", "<p><a href='/permissions'>Copyright & Permissions</a></p>"), "page.html") == []


# --------------------------------------------------------------------------- credit wordings


@pytest.mark.parametrize(
    ("credit", "outlet"),
    [
        ("This article was contributed by Harbour Review.", "Harbour Review"),
        ("The post Quay vote appeared first on Harbour Review.", "Harbour Review"),
        ("Quay vote is a post from Harbour Review – News from the Coast", "Harbour Review"),
        ("Courtesy of Harbour Review", "Harbour Review"),
        ("Provided by Harbour Newswire", "Harbour Newswire"),
        ("This story was originally produced for and posted by Harbour Review.", "Harbour Review"),
        (
            "This article was written by Ana Ruiz and originally published at Harbour Review.",
            "Harbour Review",
        ),
        ("Delivered by Harbour Feeds", "Harbour Feeds"),
    ],
)
def test_credit_wordings(credit: str, outlet: str) -> None:
    assert outlets(f"Quay vote\n\n{PROSE}\n\n{PROSE}\n\n{credit}\n") == [outlet]


def test_contributed_by_a_person_is_a_writer_not_an_outlet() -> None:
    assert outlets(f"Quay vote\n\n{PROSE}\n\nThis article was contributed by Ana Ruiz.\n") == []


def test_wire_lead_tag_and_rights() -> None:
    lead = f"Quay vote\n\nOSLO (Reuters) — {PROSE}\n\n{PROSE}\n"
    assert outlets(lead) == ["Reuters"]
    assert outlets(f"Quay vote\n\n(AP) — {PROSE}\n\n{PROSE}\n") == ["Associated Press"]
    tag = f"Quay vote\n\n{PROSE}\n\n{PROSE} the ministry said. PTI\n"
    assert outlets(tag) == ["PTI"]
    rights = page(f"<p>{PROSE}</p><p>© Thomson Reuters 2024</p>")
    assert outlets(rights, "page.html") == ["Reuters"]


def test_a_bare_source_url_or_last_line_address_names_the_outlet_from_the_table() -> None:
    chain = chain_of(
        f"Quay vote\n\n{PROSE}\n\n{PROSE}\n\nSource: https://www.businessinsider.com/quay-vote-2024-5\n"
    )
    assert [(c.original_outlet, c.outlet_domain) for c in chain] == [
        ("Business Insider", "businessinsider.com")
    ]
    weak = chain_of(f"Quay vote\n\n{PROSE}\n\n{PROSE}\n\nwww.businessinsider.com/quay-vote-2024-5\n")
    assert weak == ()  # alone, a bare address is weak evidence: no step


def test_a_canonical_to_another_site_merges_with_the_credit_naming_it() -> None:
    html = (
        "<html><head><link rel='canonical' href='https://www.businessinsider.com/quay-vote'>"
        "<meta property='og:site_name' content='Example Portal'></head><body><article><h1>Quay</h1>"
        f"<p>{PROSE}</p><p>This article originally appeared on Business Insider.</p></article></body></html>"
    )
    chain = chain_of(html, "page.html", base_url="https://portal.example/news/quay")
    assert [(c.original_outlet, c.methods) for c in chain] == [
        ("Business Insider", (CrossPostMethod.DECLARED, CrossPostMethod.CANONICAL))
    ]


def test_multi_hop_text_export_keeps_its_order_and_evidence() -> None:
    text = (
        f"Quay vote\n\n{PROSE}\n\n{PROSE}\n\n"
        "This article was originally published at Harbour Review.\n\n"
        "Republished from Coastal Digest with permission.\n"
    )
    chain = chain_of(text)
    assert [c.original_outlet for c in chain] == ["Harbour Review", "Coastal Digest"]
    assert "originally published at Harbour Review" in chain[0].evidence
    assert "Coastal Digest" in chain[1].evidence and "Harbour Review" not in chain[1].evidence


@pytest.mark.parametrize(
    "line",
    [
        "The harbour master told Reuters the dredging would start in May.",
        "The Daily Beast is reporting that the board will resign.",
        "According to CNN, the vote was close.",
    ],
)
def test_a_story_built_on_another_outlets_reporting_is_not_a_copy(line: str) -> None:
    assert outlets(f"Quay vote\n\n{PROSE} {line}\n\n{PROSE}\n") == []


def test_the_sample_pattern_gives_the_same_chain_as_txt_and_md() -> None:
    text = (
        "Quay Vote Splits the Town\n\nBy Ana Ruiz\n\nHarbour Review, 3 May 2024\n\nThe Daily Example, 4 May 2024\n\n"
        f"{PROSE}\n\n{PROSE}\n\nThe original source of this article is Harbour Review\n\n"
        "Copyright © Ana Ruiz, Harbour Review, 2024\n"
    )
    for name in ("export.txt", "export.md"):
        chain = chain_of(text, name)
        assert [(c.original_outlet, c.published) for c in chain] == [("Harbour Review", "2024-05-03")], name


@pytest.mark.parametrize(
    ("credit", "outlet"),
    [
        ("Read More @ HarbourReview.com", "harbourreview.com"),
        ("Credit to Harbour Review", "Harbour Review"),
        ("Authored by Ana Ruiz via HarbourReview.com", "harbourreview.com"),
        ("Contributed by Ana Ruiz of www.HarbourReview.com.", "harbourreview.com"),
        ("This article has been contributed by HR Daily.", "HR Daily"),
        ("This column first ran on Harbour Review", "Harbour Review"),
        ("Source: harbourreview", "harbourreview"),
    ],
)
def test_aggregator_credit_wordings(credit: str, outlet: str) -> None:
    assert outlets(f"Quay vote\n\n{PROSE}\n\n{PROSE}\n\n{credit}\n") == [outlet]


def test_a_byline_naming_the_outlet_written_for() -> None:
    for byline, outlet in (
        ("By Ana Ruiz / Harbour Review", "Harbour Review"),
        ("By: Ana Ruiz / Guest writer for Harbour Review", "Harbour Review"),
    ):
        assert outlets(f"Quay vote\n\n{byline}\n\n{PROSE}\n\n{PROSE}\n") == [outlet], byline
    assert outlets(f"Quay vote\n\nBy Ana Ruiz / Staff Writer\n\n{PROSE}\n\n{PROSE}\n") == []


def test_a_feed_footer_and_the_source_link_under_it_are_one_step_and_the_oldest_hop_comes_first() -> None:
    text = (
        f"Quay vote\n\nOriginally published at coastaldigest.example\n\n{PROSE}\n\n{PROSE}\n\n"
        "This column first ran on Harbour Review\n\nSource: https://coastaldigest.example/2024/05/quay\n"
    )
    chain = chain_of(text)
    assert [c.original_outlet for c in chain] == ["Harbour Review", "coastaldigest.example"]
    assert chain[1].original_url == "https://coastaldigest.example/2024/05/quay"


def test_republished_with_a_persons_permission_names_no_outlet() -> None:
    text = (
        f"Quay vote\n\n{PROSE}\n\n{PROSE}\n\nRepublished with permission from Ana Ruiz and Ruiz Partners.\n"
    )
    assert outlets(text) == []


def test_a_saved_page_with_a_stand_in_base_url_is_not_a_copy_of_its_own_canonical() -> None:
    html = (
        "<html><head><link rel='canonical' href='https://www.nytimes.com/2019/02/21/quay.html'>"
        "<meta property='og:url' content='https://www.nytimes.com/2019/02/21/quay.html'></head>"
        f"<body><article><h1>Quay</h1><p>{PROSE}</p></article>"
        "<footer><p>© 2019 The New York Times Company</p></footer></body></html>"
    )
    assert chain_of(html, "page.html", base_url="http://fakehost/test/page.html") == ()
    assert chain_of(html, "page.html") == ()


def test_source_lines_under_a_table_or_in_a_menu_credit_data_not_the_article() -> None:
    html = (
        f"<html><body><article><h1>Quay</h1><p>{PROSE}</p><table><tr><td>12</td></tr></table>"
        f"<p>Source: Harbour Statistics Office</p><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></article>"
        "<nav><p>Source: Harbour Atlas - Member Towns</p></nav>"
        "<p>Our use of copyrights and trademarks is explained in our policy, funds.</p></body></html>"
    )
    assert outlets(html, "page.html", base_url="https://dailyexample.example/q") == []

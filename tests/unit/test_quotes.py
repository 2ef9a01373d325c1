"""Quotes judged against page text (issue 16): the matcher, the targets, the page reader.

Every sentence here is ours; the patterns are the ones articles print: other quotation
marks and dashes, a quote trimmed to a clause, words cut out with an ellipsis, a bracketed
insertion, one word changed, and a page that says something else.
"""

from __future__ import annotations

import time

import pytest

from auditor.check.client import Answer
from auditor.models import (
    Article,
    Attribution,
    Format,
    Link,
    LinkKind,
    Metadata,
    QuoteVerdict,
    Region,
    SourceKind,
)
from auditor.quotes.lookup import archived_copy, judge, page_text
from auditor.quotes.match import checkable, find_quote, tokens
from auditor.quotes.targets import Target, quote_targets

SOURCE = (
    "The harbour master spoke at length on Friday. “Our red lines are about deterrence — not "
    "about provocation,” she told the council, and added that the patrols would end in spring "
    "once the ice had gone. Nobody on the council objected to the plan."
)
PAGE = tokens(SOURCE)


@pytest.mark.parametrize(
    "quote",
    [
        "Our red lines are about deterrence – not about provocation",  # another dash
        '"our red lines are about deterrence, not about provocation"',  # straight quotes, case
        "red lines are about deterrence",  # trimmed to a clause
        "Our red lines are about deterrence … the patrols would end in spring",  # an ellipsis
        "[Our] red lines are about deterrence ... once the ice had gone",
        "Our   red\nlines are about deterrence",  # spacing
    ],
)
def test_the_same_words_are_found_whatever_the_typography(quote: str) -> None:
    got = find_quote(quote, PAGE)
    assert got.verdict is QuoteVerdict.FOUND, got
    assert got.similarity == 1.0 and not got.differences


def test_one_word_changed_is_found_edited_with_the_change_shown() -> None:
    got = find_quote("Our red lines are about defence, not about provocation", PAGE)
    assert got.verdict is QuoteVerdict.FOUND_EDITED
    assert got.differences == ("‘defence’ → ‘deterrence’",)
    assert "deterrence — not about provocation" in got.passage
    assert 0.8 < got.similarity < 1.0


def test_words_left_out_or_added_are_named() -> None:
    left = find_quote("Our red lines are about deterrence, not provocation", PAGE)
    assert left.verdict is QuoteVerdict.FOUND_EDITED
    assert left.differences == ("left out of the quote: ‘about’",)
    added = find_quote("Our red lines are truly about deterrence, not about provocation", PAGE)
    assert added.differences == ("added in the quote: ‘truly’",)


def test_a_quote_the_page_does_not_hold_is_not_found() -> None:
    got = find_quote("the patrols will continue through the whole winter season", PAGE)
    assert got.verdict is QuoteVerdict.NOT_FOUND
    rewritten = find_quote("Our red lines were never about deterrence and always about provocation", PAGE)
    assert rewritten.verdict is QuoteVerdict.NOT_FOUND  # the same words, saying the opposite
    assert rewritten.passage.startswith("Our red lines")  # the closest passage, shown beside it
    swapped = find_quote("Our red lines are about provocation, not about deterrence", PAGE)
    assert swapped.verdict is QuoteVerdict.FOUND_EDITED  # close in words: what changed is listed
    assert "‘provocation’ → ‘deterrence’" in swapped.differences


def test_scattered_words_are_no_match() -> None:
    # every word of the quote is somewhere on the page, but never together
    got = find_quote("council objected the ice patrols spring friday master", PAGE)
    assert got.verdict is QuoteVerdict.NOT_FOUND


def test_a_quote_with_one_segment_not_found_is_not_found() -> None:
    got = find_quote("Our red lines are about deterrence … we will build a new harbour wall", PAGE)
    assert got.verdict is QuoteVerdict.NOT_FOUND


def test_short_phrases_are_not_checkable() -> None:
    assert not checkable("commercially marginal")
    assert not checkable("a threat")
    assert checkable("before the ice returns")


def test_matching_a_long_page_is_fast() -> None:
    filler = " ".join(f"word{i % 997} and the other{i % 13}" for i in range(60_000))
    page = tokens(filler + " " + SOURCE)
    started = time.process_time()
    for _ in range(5):
        assert find_quote("Our red lines are about defence, not about provocation", page).verdict is (
            QuoteVerdict.FOUND_EDITED
        )
    assert time.process_time() - started < 5.0  # 300,000 words, five quotes


# --------------------------------------------------------------------------- targets


def _article(*attributions: Attribution, links: tuple[Link, ...]) -> Article:
    return Article(
        source="a.html", format=Format.HTML, metadata=Metadata(), links=links, attributions=attributions
    )


def _link(url: str, context: str, position: int = 0) -> Link:
    return Link(url=url, href=url, text="x", region=Region.BODY, kind=LinkKind.WEB, context=context,
                position=position)  # fmt: skip


def _source(name: str, quote: str | None, url: str | None, *mentions: str) -> Attribution:
    return Attribution(source=name, kind=SourceKind.PERSON, cue="said", evidence=mentions[0] if mentions else "",
                       quote=quote, url=url, mentions=mentions)  # fmt: skip


def test_targets_are_linked_quotes_and_quoted_link_sentences() -> None:
    said = "Ada Lind said the plan was “a bridge too far for the town” in her report."
    called = "The review called the scheme “an answer in search of a question” last year."
    article = _article(
        _source("Ada Lind", "a bridge too far for the town", "https://a.example/report", said),
        _source("Bo Ek", "we will not sign this deal", None, "Bo Ek said: we will not sign this deal."),
        links=(_link("https://a.example/report", said), _link("https://b.example/review", called, 1)),
    )
    got = quote_targets(article)
    assert [(t.quote, t.key, t.source) for t in got] == [
        ("a bridge too far for the town", "https://a.example/report", "Ada Lind"),
        ("an answer in search of a question", "https://b.example/review", None),
    ]
    assert got[0].attribution == 0 and got[1].attribution is None


def test_a_link_whose_sentence_quotes_something_else_is_not_the_quotes_page() -> None:
    first = "“The levy is dead and buried for good,” said Ada Lind on Monday."
    later = "Lind had earlier called it “a tax on the poorest households” in a post."
    article = _article(
        _source("Ada Lind", "The levy is dead and buried for good", "https://a.example/post", first, later),
        links=(_link("https://a.example/post", later),),
    )
    got = quote_targets(article)
    assert [t.quote for t in got] == ["a tax on the poorest households"]  # the link's own quote
    assert got[0].source == "Ada Lind"


def test_a_venue_link_without_a_quote_of_its_own_backs_the_quote() -> None:
    quote = "The route is no longer a question of trade alone"
    venue = "Vik was writing in the Harbour Review on Tuesday."
    article = _article(
        _source("Ola Vik", quote, "https://review.example/vik", "Ola Vik wrote,", quote, venue),
        links=(_link("https://review.example/vik", venue),),
    )
    assert [t.quote for t in quote_targets(article)] == [quote]


# --------------------------------------------------------------------------- the page read


def _answer(body: str, ctype: str = "text/html", status: int = 200, truncated: bool = False) -> Answer:
    return Answer(status=status, headers={"content-type": ctype}, body=body.encode(), truncated=truncated)


def test_the_page_is_read_by_our_parser_main_text_first() -> None:
    html = (
        "<html><head><title>Harbour</title></head><body><nav><a href='/'>Home</a> We never stop "
        "looking after the harbour and its people</nav><main><article><h1>Harbour</h1><p>"
        + SOURCE
        + "</p></article></main><aside><p>Most read: the mayor said the ferry fares would double "
        "next year</p></aside></body></html>"
    )
    page = page_text(_answer(html), "https://h.example/a")
    assert not isinstance(page, str)
    target = Target("red lines are about deterrence", "https://h.example/a", 0, "Harbour master")
    found = judge(target, page, 1000)
    assert found.verdict is QuoteVerdict.FOUND and found.reason == "in its main text"
    aside = judge(Target("the ferry fares would double next year", "k", None, None), page, 1000)
    assert aside.verdict is QuoteVerdict.FOUND and aside.reason == "on the page, outside its main text"
    assert "<" not in found.passage


def test_pages_that_cannot_be_read_say_why() -> None:
    assert page_text(_answer("%PDF-1.7", "application/pdf"), "u") == "not a text page (application/pdf)"
    assert page_text(_answer("gone", status=410), "u") == "the page answered HTTP 410"
    plain = page_text(_answer(SOURCE, "text/plain"), "u")
    assert not isinstance(plain, str) and plain.words()[0].words[:3] == ("the", "harbour", "master")


def test_not_found_in_a_truncated_page_is_unavailable() -> None:
    page = page_text(_answer("<p>" + SOURCE + "</p>", truncated=True), "https://h.example/a")
    assert not isinstance(page, str)
    missing = judge(Target("a sentence that would come much later on", "k", None, None), page, 2048)
    assert missing.verdict is QuoteVerdict.UNAVAILABLE
    assert missing.reason == "the page is over the 2,048-byte cap, and not in the part read"
    found = judge(Target("red lines are about deterrence", "k", None, None), page, 2048)
    assert found.verdict is QuoteVerdict.FOUND


def test_the_archived_copy_is_asked_for_its_original_bytes() -> None:
    snap = "http://web.archive.org/web/20240312093000/https://gov.example/press/1"
    assert archived_copy(snap) == "https://web.archive.org/web/20240312093000id_/https://gov.example/press/1"
    assert archived_copy("https://web.archive.org/web/2024id_/https://x.example/") == (
        "https://web.archive.org/web/2024id_/https://x.example/"
    )

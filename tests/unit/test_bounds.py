"""Hostile articles cost time in proportion to their size: size ladders, not timed tests."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from auditor.classify.domains import default_table
from auditor.classify.registrable import parent_domains, registrable_domain
from auditor.load import load_bytes
from auditor.models import LinkKind
from auditor.parse.caps import MAX_RUN, MAX_TAG, cap_markdown, cap_tags
from auditor.pipeline import extract_raw
from auditor.urls import BadURL, normalise
from benchmarks.corpus import corpus
from tests.ladder import LINEAR, growth


def _page_with_host(labels: int) -> bytes:
    host = "a." * labels + "com"
    return f'<html><body><p>See <a href="https://{host}/x">this</a>.</p></body></html>'.encode()


@pytest.mark.parametrize(
    "url",
    [
        "https://" + "a." * 127 + "com/",  # 257 characters: over DNS's 253
        "https://" + "b" * 64 + ".com/",  # one label over 63
        "https://ex" + "\u00e4" * 300 + ".com/",  # huge before IDNA mapping too
    ],
)
def test_host_names_over_dns_limits_are_bad_urls(url: str) -> None:
    with pytest.raises(BadURL):
        normalise(url)


def test_host_names_at_dns_limits_are_fine() -> None:
    longest = ".".join(["c" * 63] * 3) + "." + "d" * 61  # 253 characters
    assert normalise(f"https://{longest}/") == f"https://{longest}/"


def test_a_link_to_an_impossible_host_is_malformed() -> None:
    article = extract_raw(load_bytes(_page_with_host(200), "page.html"))
    assert [lk.kind for lk in article.links] == [LinkKind.MALFORMED]
    assert article.links[0].domain is None


def test_a_host_of_many_labels_costs_linear_time() -> None:
    """It cost N² (106 s and 2.45 GB for a 100 KB host): every parent suffix was built."""
    ratio = growth(lambda n: extract_raw(load_bytes(_page_with_host(n), "page.html")), 3_000)
    assert ratio < LINEAR


def test_domain_lookups_touch_only_the_last_labels() -> None:
    table = default_table()
    host = "x." * 100 + "news.bbc.co.uk"
    assert len(parent_domains(host)) <= 12
    assert registrable_domain(host) == "bbc.co.uk"
    assert table.categorise(host) == table.categorise("bbc.co.uk")
    assert registrable_domain("a." * 5_000 + "com") is None  # no site has such a name
    assert table.info("y." * 50_000 + "bbc.co.uk") is None and table.categorise("y." * 50_000 + "com") is None


def _tag_with_attributes(n: int) -> bytes:
    attrs = " ".join(f"a{i}=1" for i in range(n))
    return f'<html><body><p>See <a href="https://example.com/x" class="cite" {attrs}>this</a>.</p></body></html>'.encode()


def test_many_attributes_on_one_tag_cost_linear_time() -> None:
    """libxml2 compares each attribute with every earlier one: 0.7 MB of them took minutes."""
    ratio = growth(lambda n: extract_raw(load_bytes(_tag_with_attributes(n), "page.html")), 5_000)
    assert ratio < LINEAR


def test_a_tag_cut_to_its_first_attributes_still_links() -> None:
    [link] = extract_raw(load_bytes(_tag_with_attributes(20_000), "page.html")).links
    assert link.url == "https://example.com/x" and link.text == "this"
    assert len(cap_tags(_tag_with_attributes(20_000).decode())) < MAX_TAG


def test_ordinary_pages_are_not_rewritten() -> None:
    for page in corpus(5):
        assert cap_tags(page) is page and cap_markdown(page) == page


def test_a_run_of_brackets_costs_what_plain_text_costs() -> None:
    """markdown-it tries every ``[`` as a link (200,000 of them: 2 s); a run is cut."""
    brackets = "# Title\n\n" + "[" * 200_000 + " end\n"
    plain = "# Title\n\n" + "b" * 200_000 + " end\n"

    def cost(text: str) -> float:
        return min(_timed(lambda: extract_raw(load_bytes(text.encode(), "a.md"))) for _ in range(3))

    assert cost(brackets) < 3 * cost(plain) + 0.05
    assert cap_markdown("[" * 1000 + "x") == "[" * MAX_RUN + "x"


def test_markdown_raw_html_is_capped_but_an_unclosed_angle_is_text() -> None:
    attrs = " ".join(f"a{i}=1" for i in range(10_000))  # 90 KB of them
    assert len(cap_markdown(f"# T\n\n<div {attrs}>x</div>\n")) < MAX_TAG
    prose = "# T\n\nWe know x <y holds " + "and more words " * 300 + "\n"
    assert cap_markdown(prose) == prose


def _timed(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start

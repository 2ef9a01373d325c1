"""Hostile articles cost time in proportion to their size: size ladders, not timed tests."""

from __future__ import annotations

import pytest

from auditor.classify.domains import default_table
from auditor.classify.registrable import parent_domains, registrable_domain
from auditor.load import load_bytes
from auditor.models import LinkKind
from auditor.pipeline import extract_raw
from auditor.urls import BadURL, normalise
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
    ratio = growth(lambda n: [table.info("y." * n + f"{i}.example") for i in range(200)], 2_000)
    assert ratio < LINEAR

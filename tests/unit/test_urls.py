"""URL normalisation: the browser's form, and never a change of meaning."""

from __future__ import annotations

import pytest

from auditor.urls import BadURL, check_key, normalise


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/../../a", "https://example.com/a"),
        ("https://example.com/a/b/..", "https://example.com/a/"),
        ("https://bücher.de/straße", "https://xn--bcher-kva.de/stra%C3%9Fe"),
        ("https://faß.de/", "https://xn--fa-hia.de/"),  # UTS-46, as browsers do, not IDNA 2003
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://example.com/%7euser", "https://example.com/~user"),
        ("https://example.com/%e2%82%ac", "https://example.com/%E2%82%AC"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://example.com/a%2Fb", "https://example.com/a%2Fb"),  # an encoded slash is data
        ("https://example.com/?q=a%26b&x=1", "https://example.com/?q=a%26b&x=1"),
        ("https://example.com/?q=ü", "https://example.com/?q=%C3%BC"),
        ("https://example.com/a//b", "https://example.com/a//b"),
        ("http://example.com\\a\\b?x=\\", "http://example.com/a/b?x=%5C"),
        ("https://example.com./", "https://example.com/"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("  https://example.com/a\n", "https://example.com/a"),
    ],
)
def test_normalise(url: str, expected: str) -> None:
    assert normalise(url) == expected


def test_normalise_is_idempotent() -> None:
    for url in ("https://bücher.de/a b/%7e?q=%26&r=ü#frag ment", "http://x.org/100%25/%2F"):
        once = normalise(url)
        assert normalise(once) == once


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com:99999/",
        "http://example.com:port/",
        "http://exa mple.com/",
        "http:///path",
        "ftp://example.com/",
        "mailto:a@b.c",
        "/relative/path",
        "http://a..b.com/",
        "http://[not-ipv6/",
    ],
)
def test_bad_urls_raise_badurl(url: str) -> None:
    with pytest.raises(BadURL):
        normalise(url)


def test_check_key_drops_fragment_and_tracking_but_keeps_encoded_data() -> None:
    url = "https://example.com/a?utm_source=x&id=1%262&fbclid=abc&q=a+b#section"
    assert check_key(url) == "https://example.com/a?id=1%262&q=a+b"
    assert check_key("https://example.com/?utm_medium=email") == "https://example.com/"

"""Hostile input: the loader, every parser and both extractors give a result or an
``AuditorError``, never another exception, and in bounded time."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.errors import AuditorError
from auditor.extract.links import extract_links
from auditor.extract.metadata import extract_metadata
from auditor.load import load_bytes
from auditor.models import Format
from auditor.parse import parse_document

FAST = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def run_all(data: bytes, fmt: Format | None, name: str = "fuzz.html") -> None:
    try:
        raw = load_bytes(data, name, fmt=fmt)
        doc = parse_document(raw)
        extract_links(doc, base_url="https://example.org/a/b.html")
        extract_links(doc)
        extract_metadata(doc)
    except AuditorError:
        pass


formats = st.sampled_from([Format.HTML, Format.MARKDOWN, Format.TEXT, None])

_TAGS = [
    "div",
    "p",
    "a",
    "article",
    "main",
    "nav",
    "footer",
    "aside",
    "blockquote",
    "base",
    "meta",
    "script",
    "table",
]
_ATTRS = [
    'href="{u}"',
    'class="share related entry-content"',
    'itemprop="articleBody"',
    'role="main"',
    'charset="{u}"',
    'property="og:url" content="{u}"',
    'rel="canonical" href="{u}"',
]
absurd_urls = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "http://[::1",
            "http://a:99999999/",
            "http://exa mple.com",
            "javascript:alert(1)",
            "//",
            "http://" + "a." * 200 + "com",
            "https://xn--zz/",
            "https://例え.テスト/パス?q=%zz#%",
            "http://%41%42.com/",
            "http://user:pa ss@host/",
            "\x00http://a.com",
            "https://a.com/" + "../" * 300,
            "data:text/html,<script>",
        ]
    ),
)


@st.composite
def html_soup(draw: st.DrawFn) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        tag = draw(st.sampled_from(_TAGS))
        attr = draw(st.sampled_from(_ATTRS)).format(u=draw(absurd_urls).replace('"', ""))
        text = draw(st.text(max_size=40))
        close = draw(st.booleans())
        parts.append(f"<{tag} {attr}>{text}" + (f"</{tag}>" if close else ""))
    html = "".join(parts)
    cut = draw(st.integers(0, len(html)))
    encoding = draw(st.sampled_from(["utf-8", "cp1252", "utf-16", "latin-1"]))
    return html[:cut].encode(encoding, errors="replace")


@FAST
@given(st.binary(max_size=2000), formats)
def test_random_bytes(data: bytes, fmt: Format | None) -> None:
    run_all(data, fmt)


@FAST
@given(html_soup(), formats)
def test_truncated_tag_soup_with_absurd_urls(data: bytes, fmt: Format | None) -> None:
    run_all(data, fmt)


@FAST
@given(st.text(max_size=1500), st.sampled_from(["a.txt", "a.md", "a.html", "noext"]))
def test_random_text_in_every_format(text: str, name: str) -> None:
    run_all(text.encode("utf-8", "surrogatepass"), None, name)


@FAST
@given(st.lists(st.tuples(absurd_urls, st.text(max_size=20)), max_size=20))
def test_absurd_links_in_markdown_and_text(links: list[tuple[str, str]]) -> None:
    body = " ".join(f"[{t}]({u}) and {u}" for u, t in links)
    for fmt in (Format.MARKDOWN, Format.TEXT):
        run_all(f"Title\n\n{body}\n".encode("utf-8", "surrogatepass"), fmt)


@FAST
@given(st.binary(min_size=1, max_size=300), st.binary(min_size=1, max_size=300))
def test_mixed_encodings(a: bytes, b: bytes) -> None:
    page = b'<meta charset="iso-8859-1"><p>' + a + "é€ “quotes”".encode() + b + "é€".encode("cp1252")
    run_all(page, None)


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("<div>", "</div>"), ("<article><p>", "</p></article>"), ('<a href="x">', "</a>"), ("<blockquote>", "")],
)
def test_deep_nesting_is_bounded(opening: str, closing: str) -> None:
    html = opening * 50_000 + "deep text " * 20 + closing * 50_000
    start = time.process_time()
    run_all(html.encode(), Format.HTML)
    assert time.process_time() - start < 5


def test_deep_markdown_quotes_and_lists_are_bounded() -> None:
    text = "> " * 5000 + "quoted [x](https://a.org)\n\n" + "".join("  " * i + "- item\n" for i in range(2000))
    start = time.process_time()
    run_all(text.encode(), Format.MARKDOWN)
    assert time.process_time() - start < 5


def test_huge_flat_page_is_bounded() -> None:
    para = '<p>Some prose with <a href="/x?i={i}">a link</a> and more words after it.</p>'
    html = "<html><body><main>" + "".join(para.format(i=i) for i in range(20_000)) + "</main></body></html>"
    start = time.process_time()
    run_all(html.encode(), Format.HTML)
    assert time.process_time() - start < 8

"""Paragraphs, sentences and quotation spans of an article's body.

Text exports often break a paragraph in the middle of a sentence ("... set by the White
House and" / "accused the US of ..."): a block that ends without closing punctuation and a
next block that opens in lower case are one paragraph here, so the sentence stays whole.
Sentences never end inside a quotation, so a quoted passage stays with its speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.extract.attribution.lexicon import word_set
from auditor.models import Block, Document, Link, Region

_SKIP_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption", "th", "pre", "code"})
_CAPTION = re.compile(
    r"^\s*(featured image|image|photo|picture|illustration|caption|video|graphic|credit|photo credit)\b[^:]{0,40}:",
    re.I,
)
_ENDS_OPEN = re.compile(r"[\w,;\-–—]\s*$")
_OPENS_LOWER = re.compile(r"^\s*[a-z]")
_ABBREV = word_set(
    "mr mrs ms dr prof gen adm col lt sgt capt cmdr sen rep gov st jr sr inc ltd co corp vs etc no"
    " jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e mt ft rev hon pres gov't"
)
_MAX_JOIN = 6000  # a paragraph broken over many blocks is joined up to this length
OPEN_QUOTES = '“"«'
_STOP = re.compile(r"[.!?][”\"’)»]*(?:\d{1,2}(?=\s))?")  # a footnote mark may follow
_PAIRS = {"“": "”", "«": "»", '"': '"'}


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One body paragraph: its text and its links as (start, end, url)."""

    text: str
    links: tuple[tuple[int, int, str], ...]


def _anchor_urls(doc: Document, links: Sequence[Link]) -> list[list[str]]:
    """For each block, the URL of each of its anchors as the link extractor reported it.

    Links come in document order; we pair each anchor with the next unused link that has
    the same href (or text), and fall back to the anchor's href when none matches, so a
    link list from another extractor version can never misalign everything after a gap.
    """
    pool = list(links)
    cursor = 0
    out: list[list[str]] = []
    for block in doc.blocks:
        urls: list[str] = []
        for anchor in block.anchors:
            url = anchor.href
            for i in range(cursor, min(len(pool), cursor + 8)):
                cand = pool[i]
                if cand.href == anchor.href or (cand.text == anchor.text and cand.text):
                    url, cursor = cand.url, i + 1
                    break
            urls.append(url)
        out.append(urls)
    return out


def _usable(block: Block) -> bool:
    if block.region != Region.BODY or block.tag.lower() in _SKIP_TAGS:
        return False
    text = block.text.strip()
    return bool(text.strip("*-_ ")) and not _CAPTION.match(text)


def body_paragraphs(doc: Document, links: Sequence[Link]) -> list[Paragraph]:
    """Body paragraphs in reading order, mid-sentence breaks joined."""
    urls = _anchor_urls(doc, links)
    out: list[Paragraph] = []
    text = ""
    spans: list[tuple[int, int, str]] = []
    for block, block_urls in zip(doc.blocks, urls, strict=True):
        if not _usable(block):
            continue
        joins = (
            text and len(text) < _MAX_JOIN and _ENDS_OPEN.search(text[-8:]) and _OPENS_LOWER.match(block.text)
        )
        if text and not joins:
            out.append(Paragraph(text, tuple(spans)))
            text, spans = "", []
        offset = len(text) + (1 if text else 0)
        text = f"{text} {block.text}" if text else block.text
        for anchor, url in zip(block.anchors, block_urls, strict=True):
            spans.append((anchor.start + offset, anchor.end + offset, url))
    if text:
        out.append(Paragraph(text, tuple(spans)))
    return out


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted passages, quotation marks included.

    A curly or guillemet quote left open runs to the end of the paragraph (the convention
    for a quotation that continues in the next paragraph). Straight quotes pair left to
    right; an odd one out is ignored.
    """
    spans: list[tuple[int, int]] = []
    i = 0
    nxt = {ch: text.find(ch) for ch in _PAIRS}  # re-searched only once passed: no rescans
    while True:
        for ch, j in nxt.items():
            if -1 < j < i:
                nxt[ch] = text.find(ch, i)
        found = [j for j in nxt.values() if j != -1]
        if not found:
            return spans
        start = min(found)
        close = text.find(_PAIRS[text[start]], start + 1)
        if close == -1:
            if text[start] != '"':
                spans.append((start, len(text)))
            return spans
        spans.append((start, close + 1))
        i = close + 1


def inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Strictly inside one of ``spans`` (sorted, non-overlapping)."""
    i = bisect_left(spans, (pos, pos))
    return i > 0 and spans[i - 1][0] < pos < spans[i - 1][1]


def _is_abbreviation(text: str, dot: int) -> bool:
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    return word in _ABBREV or (len(word) == 1 and text[dot - 1].isupper()) or "." in word


def _splittable(text: str, i: int, quotes: Sequence[tuple[int, int]]) -> bool:
    """Not an abbreviation, and outside quotes unless the quote closes right here."""
    if text[i] == "." and _is_abbreviation(text, i):
        return False
    k = bisect_left(quotes, (i, i))  # only the last quote opening before i can hold it
    return not (k and quotes[k - 1][0] < i < quotes[k - 1][1] and quotes[k - 1][1] != i + 2)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: a boundary is . ! ? (plus closing quotes) then a capital or a quote."""
    quotes = quote_spans(text)
    out: list[tuple[int, int]] = []
    start = 0
    for m in _STOP.finditer(text):
        i = m.start()
        if i < start or not _splittable(text, i, quotes):
            continue
        end = m.end()
        nxt = end
        while nxt < len(text) and text[nxt] == " ":
            nxt += 1
        if nxt >= len(text) or (nxt > end and (text[nxt].isupper() or text[nxt] in OPEN_QUOTES + "(")):
            if text[start:end].strip():
                out.append((start, end))
            start = nxt
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def unquote(passage: str) -> str:
    """A quotation without its outer quotation marks and trailing comma."""
    passage = passage.strip()
    if passage and passage[0] in OPEN_QUOTES:
        passage = passage[1:]
    passage = passage.rstrip()
    if passage and passage[-1] in '”"»':
        passage = passage[:-1]
    return passage.rstrip(" ,").strip()

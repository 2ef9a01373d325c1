"""Paragraphs, sentences and quotation spans of an article's body.

Text exports often break a paragraph in the middle of a sentence ("... set by the White
House and" / "accused the US of ..."): a block that ends without closing punctuation and a
next block that opens in lower case are one paragraph here, so the sentence stays whole.
Sentences never end inside a quotation, so a quoted passage stays with its speaker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.extract.text import OPEN_QUOTES
from auditor.models import Block, Document, Link, Region

_SKIP_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption", "th", "pre", "code"})
_CAPTION = re.compile(
    r"^\s*(featured image|image|photo|picture|illustration|caption|video|graphic|credit|photo credit)\b[^:]{0,40}:",
    re.I,
)
_ENDS_OPEN = re.compile(r"[\w,;\-–—]\s*$")
_OPENS_LOWER = re.compile(r"^\s*[a-z]")
_MAX_JOIN = 6000  # a paragraph broken over many blocks is joined up to this length


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


def unquote(passage: str) -> str:
    """A quotation without its outer quotation marks and trailing comma."""
    passage = passage.strip()
    if passage.startswith("''"):
        passage = passage[2:]
    elif passage and passage[0] in OPEN_QUOTES:
        passage = passage[1:]
    passage = passage.rstrip()
    if passage.endswith("''"):
        passage = passage[:-2]
    elif passage and passage[-1] in '”"»':
        passage = passage[:-1]
    return passage.rstrip(" ,").strip()

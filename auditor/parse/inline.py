"""Inline scanning for text and Markdown-ish prose: ``[text](url)`` links, bare URLs, emphasis.

Text exports of web pages keep Markdown-style links and emphasis; we strip the markers from
the block text and keep each link as an ``Anchor`` whose offsets point into the stripped
text, so that the sentence around a link can be cut out exactly.
"""

from __future__ import annotations

import re

from auditor.models import Anchor

# [text](href "title") with one level of nested brackets in the text and parentheses in href.
_MD_LINK = re.compile(
    r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
# Only a URL with its scheme is a link: "www.example.com" in a disclaimer is a mention of a
# site, not a hyperlink of the original page (text exports keep real links as [text](url)).
BARE_URL = re.compile(r"(?<![\w@/])https?://[^\s<>\"'\[\]{}|\\^`]+", re.I)
_EMPHASIS = re.compile(r"\*\*|__(?=\w)|(?<=\w)__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_TRAILING = ".,;:!?'\"”’»"


def trim_url(url: str) -> str:
    """Drop trailing sentence punctuation and an unbalanced closing parenthesis."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def _strip_emphasis(text: str) -> str:
    return _EMPHASIS.sub("", text)


def scan_inline(raw: str, *, markdown_links: bool = True) -> tuple[str, tuple[Anchor, ...]]:
    """Return the plain text of ``raw`` and its links, with offsets into the plain text."""
    out: list[str] = []
    anchors: list[Anchor] = []
    length = 0
    pos = 0
    pattern = _MD_LINK if markdown_links else None
    while pos < len(raw):
        md = pattern.search(raw, pos) if pattern else None
        bare = BARE_URL.search(raw, pos)
        if md is None and bare is None:
            chunk = _strip_emphasis(raw[pos:])
            out.append(chunk)
            break
        if md is not None and (bare is None or md.start() <= bare.start()):
            before = _strip_emphasis(raw[pos : md.start()])
            label = " ".join(_strip_emphasis(md.group(1)).split())
            href = md.group(2)
            end = md.end()
        else:
            assert bare is not None
            before = _strip_emphasis(raw[pos : bare.start()])
            href = trim_url(bare.group(0))
            label = href
            end = bare.start() + len(href)
        out.append(before)
        length += len(before)
        anchors.append(Anchor(href=href, text=label, start=length, end=length + len(label)))
        out.append(label)
        length += len(label)
        pos = end
    return "".join(out), tuple(anchors)

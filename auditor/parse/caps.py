"""Caps applied to markup before a parser sees it: what no article needs, a hostile one uses.

libxml2 checks each new attribute of a tag against all the earlier ones, so one tag with
70,000 attributes costs 70,000² / 2 comparisons (0.7 MB of markup took minutes). No page
needs more than a few dozen attributes on a tag, nor a tag of more than 64 KB: a tag is cut
to its first :data:`MAX_ATTRIBUTES` attributes within :data:`MAX_TAG` characters.

Markdown: markdown-it tries every ``[`` (and ``!``, ``*``, ``_``, backticks...) as the start
of a link or emphasis, about 9 µs each, so a run of 200,000 of them cost 2 s; a run longer
than :data:`MAX_RUN` of the same markup character is neither markup nor prose in any real
text, and is cut to that length.

Both scans are single passes with possessive quantifiers (no backtracking), so they cost
time in proportion to the text, and nothing is rewritten on ordinary pages.
"""

from __future__ import annotations

import re

MAX_ATTRIBUTES = 128
MAX_TAG = 64 * 1024
LONG_TAG = 512  # shorter tags cannot hold enough attributes to matter; they are not re-read
MAX_RUN = 64

# A start tag as an HTML tokenizer reads it: name, then whitespace, slashes, attributes
# (a name, optionally = and a quoted or unquoted value) until a ">" outside quotes.
_TAG = re.compile(
    r"""<[A-Za-z][^\s/>]*+(?>\s++|/|[^\s/>=]++(?>\s*+=\s*+(?>"[^"]*+"|'[^']*+'|[^\s>]*+))?+|=)*+>?"""
)
_ATTRIBUTE = re.compile(r"""[^\s/>=]++(?>\s*+=\s*+(?>"[^"]*+"|'[^']*+'|[^\s>]*+))?+""")
_NAME = re.compile(r"<[A-Za-z][^\s/>]*+")
_MD_RUN = re.compile(r"([\[\]!*_`~<(])\1{" + str(MAX_RUN) + ",}")


def _cut_tag(tag: str) -> str:
    """The tag with its first attributes only, within ``MAX_TAG`` characters."""
    name = _NAME.match(tag)
    assert name is not None  # _TAG matched it
    kept, size = [name.group(0)], name.end()
    for count, attribute in enumerate(_ATTRIBUTE.finditer(tag, name.end())):
        text = attribute.group(0)
        if count >= MAX_ATTRIBUTES or size + len(text) + 1 > MAX_TAG:
            break
        kept.append(text)
        size += len(text) + 1
    closing = "/>" if tag.endswith("/>") else ">"
    return " ".join(kept) + closing


def _too_big(tag: str) -> bool:
    if len(tag) > MAX_TAG:
        return True
    name = _NAME.match(tag)
    start = name.end() if name else 0
    return sum(1 for _ in _ATTRIBUTE.finditer(tag, start)) > MAX_ATTRIBUTES


def cap_tags(text: str, *, closed_only: bool = False) -> str:
    """``text`` with every start tag of more than ``MAX_ATTRIBUTES`` attributes or
    ``MAX_TAG`` characters cut down; the same string when there is none.

    ``closed_only``: only tags that end with ``>`` (in Markdown an unclosed "tag" is text).
    """
    out: list[str] = []
    last = 0
    for m in _TAG.finditer(text):
        if m.end() - m.start() <= LONG_TAG:
            continue
        tag = m.group(0)
        if (closed_only and not tag.endswith(">")) or not _too_big(tag):
            continue
        out.append(text[last : m.start()])
        out.append(_cut_tag(tag))
        last = m.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def cap_markdown(text: str) -> str:
    """Cut runs of more than ``MAX_RUN`` identical markup characters (``[[[[…``), which
    markdown-it would otherwise try one by one; then cap the tags of its raw HTML."""
    return cap_tags(_MD_RUN.sub(lambda m: m.group(0)[:MAX_RUN], text), closed_only=True)

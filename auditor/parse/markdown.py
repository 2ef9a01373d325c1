"""Markdown posts: rendered with markdown-it-py, then read by the HTML walker.

Going through HTML keeps one walker for block structure and anchors. Markdown has no page
chrome, so every block is ``body``; YAML front matter (title, author, date, canonical) becomes
page metadata, and bare URLs in prose (which CommonMark leaves as text) become links too.
"""

from __future__ import annotations

import re
from dataclasses import replace

from markdown_it import MarkdownIt

from auditor.models import Anchor, Block, Document, PageMeta, RawArticle
from auditor.parse.html import parse_html
from auditor.parse.inline import BARE_URL, trim_url

_FRONT = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*\n", re.S)
_KEY = re.compile(r"^([A-Za-z_][\w\-]*)\s*:\s*(.*)$")
_MD = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def _front_matter(text: str) -> tuple[tuple[tuple[str, str], ...], str]:
    match = _FRONT.match(text)
    if not match:
        return (), text
    pairs = []
    for line in match.group(1).splitlines():
        kv = _KEY.match(line.strip())
        if kv and kv.group(2).strip():
            pairs.append((kv.group(1).lower(), kv.group(2).strip().strip("\"'")))
    return tuple(pairs), text[match.end() :]


def _with_bare_urls(block: Block) -> Block:
    taken = [(a.start, a.end) for a in block.anchors]
    extra = []
    for m in BARE_URL.finditer(block.text):
        url = trim_url(m.group(0))
        start, end = m.start(), m.start() + len(url)
        if any(s <= start < e or (s == e == start) for s, e in taken):
            continue
        extra.append(Anchor(href=url, text=url, start=start, end=end))
    if not extra:
        return block
    return replace(block, anchors=tuple(sorted((*block.anchors, *extra), key=lambda a: a.start)))


def parse_markdown(raw: RawArticle) -> Document:
    front, body = _front_matter(raw.text)
    html = _MD.render(body)
    doc = parse_html(replace(raw, text=f"<html><body>{html}</body></html>"))
    meta = dict(front)
    title = meta.get("title") or next((b.text for b in doc.blocks if b.tag == "h1"), None)
    page = PageMeta(
        title=title,
        canonical=meta.get("canonical_url") or meta.get("canonical"),
        language=meta.get("lang") or meta.get("language"),
        meta=front,
    )
    return replace(doc, blocks=tuple(_with_bare_urls(b) for b in doc.blocks), meta=page)

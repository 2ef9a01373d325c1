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
# Raw HTML stays on: the output is read by our own parser, never shown in a browser, and
# posts often carry inline <a href> links.
_MD = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def _front_matter(text: str) -> tuple[tuple[tuple[str, str], ...], str]:
    match = _FRONT.match(text)
    if not match:
        return (), text
    pairs: list[tuple[str, str]] = []
    key = ""
    for line in match.group(1).splitlines()[:200]:
        item = re.match(r"^\s+-\s+(.+)$", line)
        if item and key:  # a YAML block list under the last key ("authors:\n  - A\n  - B")
            pairs.append((key, item.group(1).strip().strip("\"'")))
            continue
        kv = _KEY.match(line.strip())
        if not kv:
            continue
        key, value = kv.group(1).lower(), kv.group(2).strip()
        values = value[1:-1].split(",") if value.startswith("[") and value.endswith("]") else [value]
        pairs.extend((key, v.strip().strip("\"'")) for v in values if v.strip())
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

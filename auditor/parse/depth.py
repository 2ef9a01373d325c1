"""Pages nested deeper than libxml2 will build: flatten the excess so the content survives.

libxml2's HTML parser gives up at depth 256 (2048 with ``huge_tree``) and then drops
*everything* that follows, not just the deep part: a hostile or broken page wrapping its article
in thousands of ``<div>``s would otherwise audit as empty. When the parser reports that limit,
we rewrite the markup with a tag-level scan that removes the tags opening past ``cap`` (and
their matching closers), keeping all text, anchors and void elements, and parse again. The
scan is approximate (implicitly closed tags such as ``<p>`` or ``<li>`` count as open), which
is fine: it only runs on pages that would otherwise lose their content.
"""

from __future__ import annotations

import re

import lxml.html  # type: ignore[import-untyped,unused-ignore]
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

DEPTH_CAP = 1000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*>")
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "noscript"})
# Never dropped: void elements add no depth, and anchors carry the links we audit.
_KEEP = frozenset(
    {
        "a",
        "br",
        "img",
        "hr",
        "meta",
        "link",
        "input",
        "wbr",
        "area",
        "base",
        "col",
        "embed",
        "source",
        "track",
    }
)


def _too_deep(parser: etree.HTMLParser) -> bool:
    return any("Excessive depth" in e.message for e in parser.error_log)


def flatten_deep(text: str, cap: int = DEPTH_CAP) -> str:
    """Drop element tags that open below depth ``cap`` (and their closers); keep all text."""
    out: list[str] = []
    depth = 0
    pos = 0
    raw_until: str | None = None
    for m in _TAG.finditer(text):
        closing, name = m.group(1) == "/", m.group(2).lower()
        if raw_until is not None:
            if closing and name == raw_until:
                raw_until = None
            else:
                continue
        if name in _KEEP:
            continue
        if not closing and name in _RAW_TEXT:
            raw_until = name
        if closing:
            drop = depth > cap
            depth = max(0, depth - 1)
        else:
            depth += 1
            drop = depth > cap
        if drop:
            out.append(text[pos : m.start()])
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def parse_tree(text: str) -> etree._Element:
    """``document_fromstring`` that keeps content nested past libxml2's depth limit."""
    parser = lxml.html.HTMLParser(huge_tree=True)
    root = lxml.html.document_fromstring(text, parser=parser)
    if _too_deep(parser):
        root = lxml.html.document_fromstring(flatten_deep(text), parser=lxml.html.HTMLParser(huge_tree=True))
    return root

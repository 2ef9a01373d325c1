"""JSON-LD as pages really write it: read tolerantly, walked with bounds, parsed once per page.

Browsers ignore what is around a ``<script type="application/ld+json">`` body, and so do
search engines; so sites ship bodies that strict JSON refuses: a ``<![CDATA[ … ]]>`` or
``<!-- … -->`` wrapper (often behind ``//``), trailing commas, ``//`` comment lines, raw
control characters inside strings, or several objects one after another. A reader that
refuses them loses the author, the date and the publisher of a quarter of real pages.
Metadata and cross-post extraction both read it, so the parse is cached per page.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

MAX_BODY = 500_000
MAX_OBJECTS = 200
_WRAPPER = re.compile(
    r"^\s*(?://\s*|/\*\s*)?(?:<!\[CDATA\[|<!--)\s*(?:\*/)?|(?://\s*|/\*\s*)?(?:\]\]>|-->)\s*(?:\*/)?\s*$"
)
_COMMENT_LINE = re.compile(r"^\s*//[^\n]*$", re.M)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_DECODER = json.JSONDecoder(strict=False)


def _values(text: str) -> list[Any]:
    """Every JSON value written one after another in ``text`` (usually exactly one)."""
    out: list[Any] = []
    pos, end = 0, len(text)
    while pos < end and len(out) < 20:
        while pos < end and text[pos] in " \t\r\n,;":
            pos += 1
        if pos >= end:
            break
        value, pos = _DECODER.raw_decode(text, pos)
        out.append(value)
    return out


def loads(body: str) -> list[Any]:
    """The values of one script body, strict JSON first, then with the usual slips mended."""
    text = _WRAPPER.sub("", body[:MAX_BODY]).strip()
    if not text:
        return []
    try:
        return _values(text)
    except (ValueError, RecursionError):
        pass
    mended = _TRAILING_COMMA.sub(r"\1", _COMMENT_LINE.sub("", text))
    try:
        return _values(mended)
    except (ValueError, RecursionError):
        return []


def types(obj: dict[str, Any]) -> str:
    """The node's ``@type`` as one lower-case string ("newsarticle article")."""
    kinds = obj.get("@type", "")
    return (" ".join(map(str, kinds)) if isinstance(kinds, list) else str(kinds)).lower()


@lru_cache(maxsize=16)
def objects(bodies: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
    """Every JSON-LD object of a page in document order, ``@graph`` members included.

    Bounded in depth and number, so a hostile page cannot make the walk expensive. The
    result is shared between stages: callers must not mutate it.
    """
    out: list[dict[str, Any]] = []

    def walk(node: Any, depth: int) -> None:
        if depth > 6 or len(out) >= MAX_OBJECTS:
            return
        if isinstance(node, list):
            for item in node[:50]:
                walk(item, depth + 1)
        elif isinstance(node, dict):
            out.append(node)
            if "@graph" in node:
                walk(node["@graph"], depth + 1)

    for body in bodies:
        for value in loads(body):
            walk(value, 0)
    return tuple(out)

"""Parsers: every format ends as the same ``Document``. Dispatch on format happens here only.

Markup is capped before a parser sees it (:mod:`auditor.parse.caps`): the parsers' costs
grow faster than the text on a few hostile shapes.
"""

from __future__ import annotations

from dataclasses import replace

from auditor.errors import ParseError
from auditor.models import Document, Format, RawArticle
from auditor.parse.caps import cap_markdown, cap_tags


def parse_document(raw: RawArticle) -> Document:
    if raw.format is Format.TEXT:
        from auditor.parse.text import parse_text

        return parse_text(raw)
    from lxml import etree  # type: ignore[import-untyped,unused-ignore]

    try:
        if raw.format is Format.HTML:
            from auditor.parse.html import parse_html

            return parse_html(replace(raw, text=cap_tags(raw.text)))
        from auditor.parse.markdown import parse_markdown

        return parse_markdown(replace(raw, text=cap_markdown(raw.text)))
    except etree.LxmlError as exc:  # libxml2 giving up ("unknown error"), e.g. out of memory
        raise ParseError(f"{raw.source}: cannot parse ({type(exc).__name__}: {exc})") from exc

"""Parsers: every format ends as the same ``Document``. Dispatch on format happens here only."""

from __future__ import annotations

from auditor.models import Document, Format, RawArticle


def parse_document(raw: RawArticle) -> Document:
    if raw.format is Format.HTML:
        from auditor.parse.html import parse_html

        return parse_html(raw)
    if raw.format is Format.MARKDOWN:
        from auditor.parse.markdown import parse_markdown

        return parse_markdown(raw)
    from auditor.parse.text import parse_text

    return parse_text(raw)

"""Which quotations of an article can be looked up at a page, and which page.

Two kinds: an attribution with a direct quote and a backing web link ("Diesen wrote …
[link]"), and a body link whose sentence carries a quotation ("the report called it
“commercially marginal” [link]"), which is credited to the attribution that link backs,
when there is one. One target per distinct (quote, link) pair; quotes too short to judge
(see :func:`auditor.quotes.match.checkable`) are left out rather than counted as found.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.check.checker import key_of
from auditor.extract.attribution.text import unquote
from auditor.extract.text import quote_spans
from auditor.models import Article, LinkKind, Region
from auditor.quotes.match import checkable


@dataclass(frozen=True, slots=True)
class Target:
    quote: str
    key: str  # the link's check key, as the checker files its result
    attribution: int | None
    source: str | None


def quote_targets(article: Article) -> list[Target]:
    """Every checkable (quote, link) pair of the article, sources first, in article order."""
    web = {lk.url: key_of(lk.url)[0] for lk in article.links if lk.kind is LinkKind.WEB}
    by_key: dict[str, int] = {}
    out: dict[tuple[str, str], Target] = {}
    for index, at in enumerate(article.attributions):
        key = web.get(at.url or "")
        if key is None:
            continue
        by_key.setdefault(key, index)
        if at.quote and checkable(at.quote):
            out.setdefault((at.quote, key), Target(at.quote, key, index, at.source))
    for lk in article.links:
        key = web.get(lk.url)
        if key is None or lk.region is not Region.BODY or not lk.context:
            continue
        credited = by_key.get(key)
        for a, b in quote_spans(lk.context):
            quote = unquote(lk.context[a:b])
            if not checkable(quote) or any(quote in t.quote for t in out.values() if t.key == key):
                continue
            source = article.attributions[credited].source if credited is not None else None
            out.setdefault((quote, key), Target(quote, key, credited, source))
    return list(out.values())

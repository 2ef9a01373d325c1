"""Which quotations of an article can be looked up at a page, and which page.

Two kinds: an attribution with a direct quote and a backing web link ("Diesen wrote …
[link]"), and a body link whose sentence carries a quotation ("the report called it
“commercially marginal” [link]"), which is credited to the attribution that link backs,
when there is one. One target per distinct (quote, link) pair; quotes too short to judge
(see :func:`auditor.quotes.match.checkable`) are left out rather than counted as found.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from auditor.check.checker import key_of
from auditor.extract.attribution.text import unquote
from auditor.extract.text import quote_spans
from auditor.models import Article, Attribution, LinkKind, Region
from auditor.quotes.match import checkable, tokens


@dataclass(frozen=True, slots=True)
class Target:
    quote: str
    key: str  # the link's check key, as the checker files its result
    attribution: int | None
    source: str | None


@lru_cache(maxsize=4096)
def _joined(text: str) -> str:
    """A sentence's words, normalised and joined by spaces (link contexts and mentions
    repeat across an article's links and its two passes: computed once each)."""
    return " ".join(tokens(text).words)


def _opening(text: str, n: int = 6) -> str:
    return " ".join(_joined(text[: 40 * n]).split(" ")[:n])


def _together(at: Attribution, contexts: list[str]) -> bool:
    """False when the link's sentence quotes something else: the source's quote is then
    from another passage, and that sentence's own quotation is looked up at the link instead.

    A link in a sentence with no quotation of its own backs the source's quote ("…," she
    said. She was writing in [the Review].), as does one in the quote's own sentence or in
    its lead-in ("She wrote [link]:" and the quoted paragraph).
    """
    quote = _opening(at.quote or "")
    for context in contexts:
        spans = quote_spans(context)
        if not spans or quote in _joined(context):
            return True
        lead = _opening(context, 8)
        if any(lead in _joined(a) and _opening(b) == quote for a, b in pairwise(at.mentions)):
            return True
    return not contexts


def quote_targets(article: Article) -> list[Target]:
    """Every checkable (quote, link) pair of the article, sources first, in article order."""
    web = {lk.url: key_of(lk.url)[0] for lk in article.links if lk.kind is LinkKind.WEB}
    contexts: dict[str, list[str]] = {}
    for lk in article.links:
        if lk.kind is LinkKind.WEB:
            contexts.setdefault(lk.url, []).append(lk.context)
    by_key: dict[str, int] = {}
    out: dict[tuple[str, str], Target] = {}
    for index, at in enumerate(article.attributions):
        key = web.get(at.url or "")
        if key is None:
            continue
        by_key.setdefault(key, index)
        if at.quote and checkable(at.quote) and _together(at, contexts.get(at.url or "", [])):
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

"""The JSON contract of ``../shared/design.md``: keys in the documented order, extras after.

Only the CLI edge calls this; records never know they are JSON.
"""

from __future__ import annotations

from typing import Any

from auditor.models import Article, Attribution, CheckResult, CrossPost, Link, QuoteCheck
from auditor.urls import check_key


def crosspost_json(c: CrossPost) -> dict[str, Any]:
    return {
        "original_outlet": c.original_outlet,
        "original_url": c.original_url,
        "published": c.published,
        "method": c.method.value,
        "evidence": c.evidence,
        "outlet_domain": c.outlet_domain,
        "methods": [m.value for m in c.methods] or [c.method.value],
        **({"similarity": c.similarity} if c.similarity is not None else {}),
    }


def check_json(r: CheckResult | None) -> dict[str, Any]:
    if r is None:
        return {
            "status": "unchecked",
            "http_status": None,
            "final_url": None,
            "redirects": [],
            "archive_url": None,
        }
    return {
        "status": r.status.value,
        "http_status": r.http_status,
        "final_url": r.final_url,
        "redirects": [{"url": h.url, "status": h.status, "location": h.location} for h in r.redirects],
        "archive_url": r.archive_url,
        "reason": r.reason,
    }


def link_json(lk: Link, check: CheckResult | None = None, *, with_check: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "url": lk.url,
        "href": lk.href,
        "text": lk.text,
        "region": lk.region.value,
        "kind": lk.kind.value,
        "domain": lk.domain,
        "category": lk.category.value if lk.category else None,
        "context": lk.context,
    }
    if with_check:
        out.update(check_json(check))
    return out


def quote_json(q: QuoteCheck) -> dict[str, Any]:
    return {
        "quote": q.quote,
        "url": q.url,
        "verdict": q.verdict.value,
        "source": q.source,
        "similarity": q.similarity,
        "differences": list(q.differences),
        "passage": q.passage,
        "page_url": q.page_url,
        "archived": q.archived,
        "reason": q.reason,
        "checked_at": q.checked_at or None,  # set when an offline run shows an earlier verdict
    }


def attribution_json(a: Attribution, quote: QuoteCheck | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "source": a.source,
        "kind": a.kind.value,
        "role": a.role,
        "outlet": a.outlet,
        "outlet_domain": a.outlet_domain,
        "cue": a.cue,
        "quote": a.quote,
        "evidence": a.evidence,
        "url": a.url,
        "outlet_category": a.outlet_category.value if a.outlet_category else None,
        "characterisation": a.characterisation,
        "mentions": list(a.mentions),
    }
    if quote is not None:
        out["quote_check"] = quote_json(quote)
    return out


def article_json(
    article: Article, checks: tuple[CheckResult, ...] | None = None, quotes: tuple[QuoteCheck, ...] = ()
) -> dict[str, Any]:
    """The ``extract --json`` object; with ``checks``, the ``audit --json`` one, where each
    attribution whose quote was looked up carries its ``quote_check`` and ``quote_checks``
    lists every linked quote (those of body links backing no source included)."""
    by_key = {c.url: c for c in checks or ()}
    own = {q.attribution: q for q in reversed(quotes) if q.attribution is not None}
    m = article.metadata
    out = {
        "source": article.source,
        "format": article.format.value,
        "title": m.title,
        "authors": list(m.authors),
        "published": m.published,
        "outlet": m.outlet,
        "outlet_domain": m.outlet_domain,
        "canonical_url": m.canonical_url,
        "crossposts": [crosspost_json(c) for c in article.crossposts],
        "links": [
            link_json(
                lk,
                by_key.get(check_key(lk.url)) if lk.kind.value == "web" else None,
                with_check=checks is not None,
            )
            for lk in article.links
        ],
        "attributions": [attribution_json(a, own.get(i)) for i, a in enumerate(article.attributions)],
        "og_url": m.og_url,
        "language": m.language,
        "content_hash": article.content_hash,
    }
    if checks is not None:
        out["quote_checks"] = [quote_json(q) for q in quotes]
    return out

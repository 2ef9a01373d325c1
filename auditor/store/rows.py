"""Rows to records and back: the one place that knows how a record is laid out in a table.

Attribution and cross-post columns are their field names, so a field added to the record
needs only its column; tuples are stored as JSON text, which Datasette shows as a list.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, TypeVar

from auditor.models import (
    Article,
    Attribution,
    Category,
    CheckMode,
    CheckResult,
    CrossPost,
    CrossPostMethod,
    DomainInfo,
    Fingerprint,
    Format,
    Hop,
    Link,
    LinkKind,
    Metadata,
    QuoteCheck,
    QuoteVerdict,
    Region,
    RunInfo,
    SourceKind,
    Status,
)
from auditor.urls import check_key

_R = TypeVar("_R", Attribution, CrossPost)


def run_from_row(row: Mapping[str, Any]) -> RunInfo:
    """A run as reports describe it: how its links were checked, its options, its folder."""
    try:
        options = json.loads(row["options"] or "{}")
    except ValueError:
        options = {}
    flat = _flatten(options if isinstance(options, dict) else {})
    mode = CheckMode.LIVE
    if flat.get("offline") == "True":
        mode = CheckMode.OFFLINE
    elif flat.get("replay") not in (None, "None", ""):
        mode = CheckMode.REPLAY
    folder = flat.get("folder")
    return RunInfo(
        id=row["id"],
        command=row["command"],
        version=row["version"],
        started_at=row["started_at"],
        mode=mode,
        options=tuple(sorted(flat.items())),
        folder=folder if row["command"] == "batch" and folder not in (None, "None") else None,
    )


def _flatten(options: Mapping[str, Any]) -> dict[str, str]:
    """``{"check": {"offline": true}}`` (a batch) reads as ``{"offline": "True"}`` (an audit)."""
    flat: dict[str, str] = {}
    for key, value in options.items():
        if isinstance(value, dict):
            flat.update(_flatten(value))
        elif isinstance(value, list):
            flat[key] = ", ".join(map(str, value))
        else:
            flat[key] = str(value)
    return flat


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_time(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def article_row(article: Article, run_id: int) -> dict[str, object]:
    meta = article.metadata
    return {
        "source": article.source,
        "format": str(article.format),
        "title": meta.title,
        "authors": json.dumps(list(meta.authors), ensure_ascii=False),
        "published": meta.published,
        "outlet": meta.outlet,
        "outlet_domain": meta.outlet_domain,
        "canonical_url": meta.canonical_url,
        "og_url": meta.og_url,
        "language": meta.language,
        "content_hash": article.content_hash,
        "body_text": article.text,
        "run_id": run_id,
        "audited_at": now(),
    }


def link_rows(links: Sequence[Link], article_id: int) -> list[dict[str, object]]:
    return [
        {
            "article_id": article_id,
            "position": lk.position,
            "url": lk.url,
            "href": lk.href,
            "anchor_text": lk.text,
            "region": str(lk.region),
            "kind": str(lk.kind),
            "domain": lk.domain,
            "category": None if lk.category is None else str(lk.category),
            "context": lk.context,
            "check_url": check_key(lk.url) if lk.kind is LinkKind.WEB else None,
            "status": "unchecked" if lk.kind is LinkKind.WEB else str(lk.kind),
        }
        for lk in links
    ]


UNCLASSIFIED = "unclassified: no table or rule knows it"
BY_LINK = "the category of a link to it (no table row for the domain itself)"


def domain_values(i: DomainInfo) -> tuple[object, ...]:
    source = i.source or "curated"
    return (i.domain, str(i.category), i.name, i.state, source, i.reliability, i.reliability_as_of)


def named_domain_values(domain: str, category: Category | None) -> tuple[object, ...]:
    """A domain only named: its link's category if that is absolute (``self`` is not)."""
    if category is None or category is Category.SELF:
        return (domain, None, UNCLASSIFIED)
    return (domain, str(category), BY_LINK)


def domain_from_row(row: Mapping[str, Any]) -> DomainInfo | None:
    """The tables' view of a domain, or None for a row that only names one."""
    if row["classified_by"] in (None, UNCLASSIFIED, BY_LINK) or row["category"] is None:
        return None
    return DomainInfo(
        domain=row["domain"],
        category=Category(row["category"]),
        name=row["name"],
        state=row["state"],
        source=row["classified_by"],
        reliability=row.get("reliability"),
        reliability_as_of=row.get("reliability_as_of"),
    )


def record_rows(items: Sequence[Attribution | CrossPost], article_id: int) -> list[dict[str, object]]:
    """Attribution and cross-post columns are their field names; tuples are stored as JSON."""
    rows = []
    for position, item in enumerate(items):
        row: dict[str, object] = {"article_id": article_id, "position": position}
        for f in fields(item):
            value = getattr(item, f.name)
            row[f.name] = (
                json.dumps([str(v) for v in value], ensure_ascii=False) if isinstance(value, tuple) else value
            )
        rows.append(row)
    return rows


def check_values(r: CheckResult, run_id: int) -> tuple[object, ...]:
    hops = json.dumps([{"url": h.url, "status": h.status, "location": h.location} for h in r.redirects])
    checked_at = r.checked_at or now()
    head = (run_id, r.url, str(r.status), r.http_status, r.final_url, hops, r.reason, r.archive_url)
    return (*head, checked_at, r.elapsed_ms, r.requests)


def check_from_row(row: Mapping[str, Any]) -> CheckResult:
    hops = tuple(
        Hop(url=h["url"], status=h["status"], location=h.get("location"))
        for h in json.loads(row["redirects"])
    )
    return CheckResult(
        url=row["url"],
        status=Status(row["status"]),
        http_status=row["http_status"],
        final_url=row["final_url"],
        redirects=hops,
        reason=row["reason"],
        archive_url=row["archive_url"],
        checked_at=row["checked_at"],
        elapsed_ms=row["elapsed_ms"],
        requests=row["requests"],
    )


def _link_from_row(r: Mapping[str, Any]) -> Link:
    return Link(
        url=r["url"],
        href=r["href"],
        text=r["anchor_text"],
        region=Region(r["region"]),
        kind=LinkKind(r["kind"]),
        domain=r["domain"],
        category=None if r["category"] is None else Category(r["category"]),
        context=r["context"],
        position=r["position"],
    )


_DECODE: dict[str, Callable[[Any], Any]] = {
    "kind": SourceKind,
    "outlet_category": Category,
    "method": CrossPostMethod,
    "methods": lambda text: tuple(CrossPostMethod(m) for m in json.loads(text)),
    "mentions": lambda text: tuple(json.loads(text)),
}


def record_from_row(cls: type[_R], row: Mapping[str, Any]) -> _R:
    values: dict[str, Any] = {}
    for f in fields(cls):
        value = row.get(f.name)  # a column newer than a database opened read-only reads as None
        values[f.name] = value if value is None or f.name not in _DECODE else _DECODE[f.name](value)
    return cls(**values)


def article_from_rows(
    row: Mapping[str, Any], parts: Mapping[str, list[dict[str, Any]]], domains: Mapping[str, DomainInfo]
) -> Article:
    meta = Metadata(
        title=row["title"],
        authors=tuple(json.loads(row["authors"])),
        published=row["published"],
        outlet=row["outlet"],
        outlet_domain=row["outlet_domain"],
        canonical_url=row["canonical_url"],
        og_url=row["og_url"],
        language=row["language"],
    )
    links = tuple(_link_from_row(r) for r in parts.get("links", []))
    crossposts = tuple(record_from_row(CrossPost, r) for r in parts.get("crossposts", []))
    attributions = tuple(record_from_row(Attribution, r) for r in parts.get("attributions", []))
    named = {lk.domain for lk in links if lk.kind is LinkKind.WEB and lk.domain}
    named |= {a.outlet_domain for a in attributions if a.outlet_domain}
    named |= {c.outlet_domain for c in crossposts if c.outlet_domain}
    named.add(meta.outlet_domain or "")
    return Article(
        source=row["source"],
        format=Format(row["format"]),
        metadata=meta,
        links=links,
        crossposts=crossposts,
        attributions=attributions,
        content_hash=row["content_hash"],
        text=row["body_text"],
        domains=tuple(domains[d] for d in sorted(named) if d in domains),
    )


def fingerprint_from_row(row: Sequence[Any]) -> Fingerprint:
    """(source, title, published, outlet, outlet_domain, canonical_url, og_url, minhash)."""
    source, title, published, outlet, outlet_domain, canonical_url, og_url, minhash = row
    meta = Metadata(
        title=title, published=published, outlet=outlet, outlet_domain=outlet_domain,
        canonical_url=canonical_url, og_url=og_url,
    )  # fmt: skip
    return Fingerprint(source=source, metadata=meta, minhash=bytes(minhash))


def quote_rows(
    quotes: Sequence[QuoteCheck], article_id: int, attribution_ids: Mapping[int, int], run_id: int
) -> list[dict[str, object]]:
    """``attribution_ids`` maps an attribution's position in the article to its row id."""
    stamp = now()
    return [
        {
            "article_id": article_id,
            "attribution_id": None if q.attribution is None else attribution_ids.get(q.attribution),
            "position": position,
            "source": q.source,
            "quote": q.quote,
            "url": q.url,
            "verdict": str(q.verdict),
            "similarity": q.similarity,
            "differences": json.dumps(list(q.differences), ensure_ascii=False),
            "passage": q.passage,
            "page_url": q.page_url,
            "archived": int(q.archived),
            "reason": q.reason,
            "run_id": run_id,
            "checked_at": q.checked_at or stamp,
        }
        for position, q in enumerate(quotes)
    ]


def quote_from_row(row: Mapping[str, Any]) -> QuoteCheck:
    """``row`` carries ``attribution_position`` (the joined attribution's position), or None."""
    return QuoteCheck(
        quote=row["quote"],
        url=row["url"],
        verdict=QuoteVerdict(row["verdict"]),
        attribution=row["attribution_position"],
        source=row["source"],
        similarity=row["similarity"],
        differences=tuple(json.loads(row["differences"])),
        passage=row["passage"],
        page_url=row["page_url"],
        archived=bool(row["archived"]),
        reason=row["reason"],
        checked_at=row["checked_at"],
    )

"""What the article says about itself: title, authors, date, outlet, canonical URL, language.

Structured data first (JSON-LD, then OpenGraph and meta tags), visible bylines and datelines
after, for every format. ``rel=canonical`` and ``og:url`` are kept apart: when they disagree
or point to another site, that is the cross-post stage's evidence of a re-post.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from auditor.classify.registrable import domain_of
from auditor.extract.dates import parse_date
from auditor.models import Document, DomainInfo, Metadata, Region
from auditor.parse.text import DATELINE
from auditor.urls import BadURL, normalise

OutletResolver = Callable[[str], DomainInfo | None]

_BYLINE = re.compile(r"^\s*(?:by|written by|words by|author:?)\s+(?P<names>.+)$", re.I)
_SPLIT_NAMES = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*\|\s*)\s*")
_NAME = re.compile(
    r"^[A-ZÀ-Þ][\w'’.\-]*(?:\s+(?:[A-ZÀ-Þ][\w'’.\-]*|de|da|van|von|der|del|la|le|bin|al|el)){0,5}$"
)
_TITLE_SEP = re.compile(r"\s+[|–—:-]\s+|\s+»\s+")


def _json_ld_objects(raw: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    def walk(node: Any, depth: int) -> Iterator[dict[str, Any]]:
        if depth > 6:
            return
        if isinstance(node, list):
            for item in node[:50]:
                yield from walk(item, depth + 1)
        elif isinstance(node, dict):
            yield node
            if "@graph" in node:
                yield from walk(node["@graph"], depth + 1)

    for text in raw:
        try:
            data = json.loads(text[:500_000])
        except (json.JSONDecodeError, RecursionError):
            continue
        yield from walk(data, 0)


_ARTICLE_TYPES = ("article", "posting", "report", "blog", "webpage")


def _article_ld(doc: Document) -> dict[str, Any]:
    for obj in _json_ld_objects(doc.meta.json_ld):
        kinds = obj.get("@type", "")
        kinds = " ".join(kinds) if isinstance(kinds, list) else str(kinds)
        if any(k in kinds.lower() for k in _ARTICLE_TYPES):
            return obj
    return {}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value[:20] for n in _names(v)]
    return []


def _clean_name(name: str) -> str:
    return " ".join(name.split()).strip(" ,;|")


def _byline_names(text: str) -> list[str]:
    m = _BYLINE.match(text)
    if not m:
        return []
    names = m.group("names")
    names = re.split(r"\s+(?:[|•·—–]|\bfor\b|\bin\b)\s+|\s*,\s*(?=[A-Z][a-z]+ \d)", names)[0]
    out = [_clean_name(n) for n in _SPLIT_NAMES.split(names) if n.strip()]
    return [n for n in out if _NAME.match(n) and len(n) <= 60]


def _first_meta(doc: Document, *keys: str) -> str | None:
    wanted = {k.lower() for k in keys}
    for key, value in doc.meta.meta:
        if key in wanted and value:
            return value
    return None


def _all_meta(doc: Document, key: str) -> list[str]:
    return [v for k, v in doc.meta.meta if k == key and v]


def _norm_url(url: str | None, base: str | None = None) -> str | None:
    if not url:
        return None
    try:
        from urllib.parse import urljoin

        return normalise(urljoin(base, url) if base else url)
    except (BadURL, ValueError):
        return None


def _authors(doc: Document, ld: dict[str, Any]) -> tuple[str, ...]:
    found = _names(ld.get("author"))
    if not found:
        found = [
            v for v in _all_meta(doc, "author") + _all_meta(doc, "article:author") if not v.startswith("http")
        ]
    if not found:
        found = _all_meta(doc, "itemprop:author") or _all_meta(doc, "rel:author")
    if not found:
        for block in doc.blocks:
            if block.region in {Region.BYLINE, Region.HEADER, Region.BODY} and (
                names := _byline_names(block.text)
            ):
                found = names
                break
            if block.region is Region.BODY and len(block.text) > 200:
                break
    seen: dict[str, None] = {}
    for name in found:
        for part in _SPLIT_NAMES.split(name) if " and " in name else [name]:
            clean = _clean_name(part)
            if clean and len(clean) <= 80:
                seen.setdefault(clean, None)
    return tuple(seen)


def _datelines(doc: Document) -> list[tuple[str, str]]:
    """(outlet, ISO date) of each header dateline, in order ("Global Research, November 23, 2021")."""
    out = []
    for block in doc.blocks[:40]:
        if block.region is Region.BODY:
            break
        m = DATELINE.match(block.text)
        if m and (iso := parse_date(m.group("date"))):
            outlet = m.group("outlet").strip(" ,–—-")
            if (
                outlet
                and len(outlet.split()) <= 8
                and not re.match(r"(?i)^(by|updated|published|posted)\b", outlet)
            ):
                out.append((outlet, iso))
    return out


def _title(doc: Document, ld: dict[str, Any], outlet: str | None) -> str | None:
    title = ld.get("headline") if isinstance(ld.get("headline"), str) else None
    title = title or _first_meta(doc, "og:title", "twitter:title")
    h1 = next((b.text for b in doc.blocks if b.tag == "h1" and b.text), None)
    if not title and h1:
        return h1
    title = title or doc.meta.title
    if title and _TITLE_SEP.search(title):
        parts = _TITLE_SEP.split(title)
        if outlet and any(p.strip().lower() == outlet.lower() for p in parts):
            title = " - ".join(p for p in parts if p.strip().lower() != outlet.lower())
        elif h1 and h1 in title:
            title = h1
    return " ".join(title.split()) if title else h1


def extract_metadata(
    doc: Document, base_url: str | None = None, resolve_outlet: OutletResolver | None = None
) -> Metadata:
    """Metadata of one document; every field may be missing, none is invented."""
    ld = _article_ld(doc)
    publisher = _names(ld.get("publisher"))
    datelines = _datelines(doc)
    outlet = (publisher[0] if publisher else None) or _first_meta(doc, "og:site_name", "application-name")
    if not outlet and datelines:
        outlet = datelines[0][0]
    published = (
        parse_date(str(ld.get("datePublished") or ""))
        or parse_date(
            _first_meta(
                doc,
                "article:published_time",
                "datepublished",
                "pubdate",
                "publishdate",
                "date",
                "dc.date",
                "dc.date.issued",
                "parsely-pub-date",
                "sailthru.date",
                "time",
            )
        )
        or (datelines[0][1] if datelines else None)
    )
    page = base_url or doc.url
    canonical = _norm_url(doc.meta.canonical, page)
    og_url = _norm_url(doc.meta.og_url, page)
    outlet_domain = None
    for candidate in (
        page,
        canonical if not og_url or domain_of(og_url) == domain_of(canonical or "") else og_url,
        og_url,
    ):
        if candidate and (outlet_domain := domain_of(candidate)):
            break
    if outlet and resolve_outlet:
        info = resolve_outlet(outlet)
        if info and (outlet_domain is None or info.domain == outlet_domain):
            outlet_domain = info.domain
    language = doc.meta.language or _first_meta(
        doc, "content-language", "og:locale", "language", "dc.language"
    )
    if not language and isinstance(ld.get("inLanguage"), str):
        language = ld["inLanguage"]
    return Metadata(
        title=_title(doc, ld, outlet),
        authors=_authors(doc, ld),
        published=published,
        outlet=outlet,
        outlet_domain=outlet_domain,
        canonical_url=canonical,
        og_url=og_url,
        language=language.replace("_", "-").split(",")[0].strip() if language else None,
    )

"""What the article says about itself: title, authors, date, outlet, canonical URL, language.

Structured data first (JSON-LD, then OpenGraph and meta tags), visible bylines and datelines
after, for every format. ``rel=canonical`` and ``og:url`` are kept apart: when they disagree
or point to another site, that is the cross-post stage's evidence of a re-post.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from auditor.classify.registrable import domain_of
from auditor.extract import jsonld
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


_ARTICLE_TYPES = ("article", "posting", "report", "blog")


class _LD:
    """The page's JSON-LD: the article node, with ``{"@id": ...}`` references resolved.

    Yoast-style ``@graph`` pages name the author and publisher only by reference to other
    nodes of the graph, so a reader that ignores ``@id`` finds neither.
    """

    def __init__(self, raw: tuple[str, ...]) -> None:
        objects = jsonld.objects(raw)
        self.by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
        articles = [o for o in objects if any(k in jsonld.types(o) for k in _ARTICLE_TYPES)]
        pages = [o for o in objects if "webpage" in jsonld.types(o)]
        self.article: dict[str, Any] = (articles or pages or [{}])[0]
        self.website = next((o for o in objects if "website" in jsonld.types(o)), {})

    def get(self, key: str) -> Any:
        return self.resolve(self.article.get(key))

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.resolve(n) for n in node[:20]]
        if isinstance(node, dict) and "name" not in node and isinstance(node.get("@id"), str):
            return self.by_id.get(node["@id"], node)
        return node


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [re.sub(r"^(?i:by)\s+", "", value.strip())] if value.strip() else []
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
    """The first non-empty value of the first key (in the order given) that the page has."""
    for wanted in keys:
        for key, value in doc.meta.meta:
            if key == wanted and value:
                return value
    return None


def _all_meta(doc: Document, key: str) -> list[str]:
    return [v for k, v in doc.meta.meta if k == key and v]


def _norm_url(url: str | None, base: str | None = None) -> str | None:
    if not url:
        return None
    try:
        return normalise(urljoin(base, url) if base else url)
    except (BadURL, ValueError):
        return None


def _authors(doc: Document, ld: _LD) -> tuple[str, ...]:
    found = _names(ld.get("author"))
    if not found:
        found = [
            v
            for v in _all_meta(doc, "author") + _all_meta(doc, "authors") + _all_meta(doc, "article:author")
            if not v.startswith("http")
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


def _strip_site(title: str, names: list[str]) -> str:
    """Cut a leading or trailing " | Outlet" segment; the headline itself is kept verbatim."""
    seps = list(_TITLE_SEP.finditer(title))
    if not seps:
        return title
    wanted = {n.strip().lower() for n in names if n and n.strip()}
    head, tail = title[: seps[0].start()], title[seps[-1].end() :]
    if tail.strip().lower() in wanted:
        return title[: seps[-1].start()].strip()
    if head.strip().lower() in wanted:
        return title[seps[0].end() :].strip()
    return title


def _title(doc: Document, ld: _LD, site_names: list[str]) -> str | None:
    headline = ld.get("headline")
    title = headline if isinstance(headline, str) and headline.strip() else None
    title = title or _first_meta(doc, "og:title", "twitter:title", "title")
    h1 = next((b.text for b in doc.blocks if b.tag == "h1" and b.text), None)
    if not title and h1:
        return h1
    title = title or doc.meta.title
    if not title:
        return None
    title = " ".join(title.split())
    stripped = _strip_site(title, site_names)
    if stripped == title and h1 and h1 != title and h1 in title:
        stripped = h1  # "Headline - Section - Outlet" with an unknown outlet: the h1 is the headline
    return stripped


_DATE_KEYS = (
    "article:published_time",
    "time:published",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dc.date",
    "date",
    "parsely-pub-date",
    "sailthru.date",
    "og:published_time",
)


def _published(doc: Document, ld: _LD, datelines: list[tuple[str, str]]) -> str | None:
    """Declared dates in priority order, then a visible dateline, then any ``<time>``."""
    found = parse_date(str(ld.get("datePublished") or ""))
    for key in _DATE_KEYS:
        found = found or parse_date(_first_meta(doc, key))
    return found or (datelines[0][1] if datelines else None) or parse_date(_first_meta(doc, "time"))


def _outlet_domain(page: str | None, canonical: str | None, og_url: str | None, ld: _LD) -> str | None:
    """Where this copy lives: the page URL; else the declared address the site's own
    structured data agrees with; else og:url when canonical points elsewhere (re-posts keep
    their own og:url while pointing canonical at the original)."""
    if page and (d := domain_of(page)):
        return d
    own = {domain_of(u) for u in _names_urls(ld) if u}
    for url in (canonical, og_url):
        if url and domain_of(url) in own:
            return domain_of(url)
    if canonical and og_url and domain_of(canonical) != domain_of(og_url):
        return domain_of(og_url)
    return domain_of(canonical or og_url or "") if (canonical or og_url) else None


def _names_urls(ld: _LD) -> list[str]:
    urls = []
    for node in (ld.get("publisher"), ld.website):
        node = node[0] if isinstance(node, list) and node else node
        if isinstance(node, dict) and isinstance(node.get("url"), str):
            urls.append(_norm_url(node["url"]) or "")
    return urls


def extract_metadata(
    doc: Document, base_url: str | None = None, resolve_outlet: OutletResolver | None = None
) -> Metadata:
    """Metadata of one document; every field may be missing, none is invented."""
    ld = _LD(doc.meta.json_ld)
    publisher = _names(ld.get("publisher"))
    website = _names(ld.website.get("name"))
    datelines = _datelines(doc)
    # og:site_name on pages; outlet/publisher/site_name in Markdown front matter
    site_name = _first_meta(doc, "og:site_name", "application-name", "outlet", "publisher", "site_name")
    outlet = site_name or (publisher[0] if publisher else None) or (website[0] if website else None)
    if not outlet and datelines:
        outlet = datelines[0][0]
    page = base_url or doc.url
    canonical = _norm_url(doc.meta.canonical, page)
    og_url = _norm_url(doc.meta.og_url, page)
    outlet_domain = _outlet_domain(page, canonical, og_url, ld)
    if outlet and resolve_outlet:
        info = resolve_outlet(outlet)
        if info and (outlet_domain is None or info.domain == outlet_domain):
            outlet_domain = info.domain
    language = doc.meta.language or _first_meta(
        doc, "content-language", "og:locale", "language", "dc.language"
    )
    if not language and isinstance(ld.get("inLanguage"), str):
        language = ld.get("inLanguage")
    names = [n for n in (outlet, site_name, *publisher, *website) if n]
    return Metadata(
        title=_title(doc, ld, names),
        authors=_authors(doc, ld),
        published=_published(doc, ld, datelines),
        outlet=outlet,
        outlet_domain=outlet_domain,
        canonical_url=canonical,
        og_url=og_url,
        language=language.replace("_", "-").split(",")[0].strip() if language else None,
    )

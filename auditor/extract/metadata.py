"""What the article says about itself: title, authors, date, outlet, canonical URL, language.

Structured data first (JSON-LD, then OpenGraph and meta tags), visible bylines and datelines
after, for every format. ``rel=canonical`` and ``og:url`` are kept apart: when they disagree
or point to another site, that is the cross-post stage's evidence of a re-post.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urljoin

from auditor.classify.registrable import domain_of
from auditor.extract import jsonld
from auditor.extract.authors import choose_authors
from auditor.extract.dates import parse_date, url_date
from auditor.extract.headline import choose_title
from auditor.extract.outlet import choose_outlet
from auditor.models import Document, DomainInfo, Metadata, PageCue, Place, Region
from auditor.parse.text import DATELINE
from auditor.urls import BadURL, normalise

OutletResolver = Callable[[str], DomainInfo | None]

_ARTICLE_TYPES = ("article", "posting", "report", "blog")


class _LD:
    """The page's JSON-LD: the article node, with ``{"@id": ...}`` references resolved.

    Yoast-style ``@graph`` pages name the author and publisher only by reference to other
    nodes of the graph, so a reader that ignores ``@id`` finds neither.
    """

    def __init__(self, raw: tuple[str, ...], own_urls: tuple[str | None, ...] = ()) -> None:
        objects = jsonld.objects(raw)
        self.by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
        articles = [o for o in objects if any(k in jsonld.types(o) for k in _ARTICLE_TYPES)]
        pages = [o for o in objects if "webpage" in jsonld.types(o)]
        # A page may describe several articles (a list of related stories, a liveblog's
        # updates): the article is the one whose address is the page's own, else the first.
        own = {u.rstrip("/") for u in (_norm_url(u) for u in own_urls) if u}
        mine = [o for o in articles if own & {u.rstrip("/") for u in _node_urls(o)}]
        self.article: dict[str, Any] = (mine or articles or pages or [{}])[0]
        self.website = next((o for o in objects if "website" in jsonld.types(o)), {})

    def get(self, key: str) -> Any:
        return self.resolve(self.article.get(key))

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.resolve(n) for n in node[:20]]
        if isinstance(node, dict) and "name" not in node and isinstance(node.get("@id"), str):
            return self.by_id.get(node["@id"], node)
        return node


def _node_urls(node: dict[str, Any]) -> list[str]:
    out = []
    for value in (node.get("url"), node.get("@id"), node.get("mainEntityOfPage")):
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and (url := _norm_url(value)):
            out.append(url)
    return out


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [re.sub(r"^(?i:by)\s+", "", value.strip())] if value.strip() else []
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value[:20] for n in _names(v)]
    return []


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


def _this_copy(datelines: list[tuple[str, str]]) -> tuple[str, str]:
    """Of two header datelines ("Harbour Review, 3 May" and "Daily Example, 4 May") this copy's
    is the latest: a re-post comes after its original."""
    return max(datelines, key=lambda d: d[1])


def _title(doc: Document, ld: _LD, site_names: list[str]) -> str | None:
    headline = ld.get("headline")
    name = ld.get("name")
    declared = [v for k in ("og:title", "twitter:title", "title", "dc.title") if (v := _first_meta(doc, k))]
    headings = doc.meta.headings
    if not headings:  # Markdown and text: the first heading block is the visible headline
        h1 = next((b.text for b in doc.blocks if b.tag == "h1" and b.text), None)
        headings = (PageCue(place=Place.MAIN, text=h1, kind="h1"),) if h1 else ()
    return choose_title(
        headline=headline if isinstance(headline, str) else None,
        ld_name=name if isinstance(name, str) else None,
        declared=declared[:2],
        page_title=doc.meta.title,
        headings=headings,
        site_names=site_names,
    )


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


_UTC = re.compile(r"T(?P<hour>\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]00:?00)$", re.I)
_OFFSET = re.compile(r"T\d{2}:\d{2}.*[+-](?!00:?00)\d{2}:?\d{2}$")
_PLACE_ORDER = {Place.MAIN: 0, Place.ARTICLE: 1, Place.PAGE: 2}


def _declared_dates(doc: Document, ld: _LD) -> list[str]:
    raw = [str(ld.get("datePublished") or ""), str(ld.get("dateCreated") or "")]
    raw += [v for key in _DATE_KEYS if (v := _first_meta(doc, key))]
    return [r.strip() for r in raw if parse_date(r)]


def _visible_dates(doc: Document) -> list[str]:
    """Dates the article shows, the publication date first, never a "modified" one."""
    cues = [c for c in doc.meta.dates if c.kind != "modified"]
    cues.sort(key=lambda c: (c.kind != "published", _PLACE_ORDER[c.place]))
    return [iso for c in cues if c.place is not Place.PAGE or c.kind for iso in [parse_date(c.text)] if iso]


def _local_day(raw: str, declared: list[str], visible: list[str]) -> str | None:
    """A UTC timestamp's day can differ from the day the page shows its readers ("published
    2024-12-07T01:30Z" is 6 December in New York): prefer a local date one day off."""
    m = _UTC.search(raw)
    day = parse_date(raw)
    if not m or not day or day in visible:
        return day
    hour = int(m.group("hour"))
    local = [parse_date(d) for d in declared if _OFFSET.search(d)] + visible[:1]
    for other in local:
        if not other or other == day:
            continue
        delta = (date.fromisoformat(other) - date.fromisoformat(day)).days
        if (delta == -1 and hour < 14) or (delta == 1 and hour >= 10):
            return other
    return day


def _published(
    doc: Document, ld: _LD, datelines: list[tuple[str, str]], urls: list[str | None]
) -> str | None:
    """Declared dates in priority order (read in the page's own day), then what the article
    shows (a dated byline, a ``<time>``, a dateline), then the date in its URL path."""
    declared = _declared_dates(doc, ld)
    visible = _visible_dates(doc)
    if declared:
        return _local_day(declared[0], declared, visible)
    if visible:
        return visible[0]
    if datelines:
        return _this_copy(datelines)[1]
    return next((d for u in urls if (d := url_date(u))), None)


def _outlet_domain(page: str | None, canonical: str | None, og_url: str | None, ld: _LD) -> str | None:
    """Where this copy lives: the page URL; else the declared address the site's own
    structured data agrees with; else og:url when canonical points elsewhere (re-posts keep
    their own og:url while pointing canonical at the original). A page URL whose host is
    no domain at all ("fakehost", "localhost": a saved page parsed with a stand-in base) says
    nothing about where the page lives, and the page's own declarations decide."""
    if page and (d := domain_of(page)) and "." in d:
        return d
    own = {domain_of(u) for u in _names_urls(ld) if u}
    for url in (canonical, og_url):
        if url and domain_of(url) in own:
            return domain_of(url)
    if canonical and og_url and domain_of(canonical) != domain_of(og_url):
        return domain_of(og_url)
    if canonical or og_url:
        return domain_of(canonical or og_url or "")
    return domain_of(page) if page else None


def _names_urls(ld: _LD) -> list[str]:
    urls = []
    for node in (ld.get("publisher"), ld.website):
        node = node[0] if isinstance(node, list) and node else node
        if isinstance(node, dict) and isinstance(node.get("url"), str):
            urls.append(_norm_url(node["url"]) or "")
    return urls


def extract_metadata(
    doc: Document,
    base_url: str | None = None,
    resolve_outlet: OutletResolver | None = None,
    describe_domain: OutletResolver | None = None,
) -> Metadata:
    """Metadata of one document; every field may be missing, none is invented.

    ``resolve_outlet`` maps an outlet's name to its domain row and ``describe_domain`` a
    domain to its row (both from the domain table), so that a page whose markup names no
    outlet is named by the table ("nytimes.com" -> "The New York Times").
    """
    ld = _LD(doc.meta.json_ld, (base_url, doc.url, doc.meta.canonical, doc.meta.og_url))
    publisher = _names(ld.get("publisher"))
    website = _names(ld.website.get("name"))
    datelines = _datelines(doc)
    # og:site_name on pages; outlet/publisher/site_name in Markdown front matter
    site_name = _first_meta(doc, "og:site_name", "outlet", "publisher", "site_name")
    page = base_url or doc.url
    canonical = _norm_url(doc.meta.canonical, page)
    og_url = _norm_url(doc.meta.og_url, page)
    outlet_domain = _outlet_domain(page, canonical, og_url, ld)
    outlet = choose_outlet(
        site_names=[site_name] if site_name else [],
        publishers=[*publisher, *website, *([_this_copy(datelines)[0]] if datelines else [])],
        title=doc.meta.title,
        app_name=_first_meta(doc, "application-name"),
        own_domain=outlet_domain,
        resolve_outlet=resolve_outlet,
        describe_domain=describe_domain,
        platform_domains=[
            d for u in (page, canonical, og_url, *_names_urls(ld)) if u and (d := domain_of(u))
        ],
    )
    if outlet and resolve_outlet:
        info = resolve_outlet(outlet)
        if info and (outlet_domain is None or info.domain == outlet_domain):
            outlet_domain = info.domain
    language = doc.meta.language or _first_meta(
        doc, "content-language", "og:locale", "language", "dc.language"
    )
    if not language and isinstance(ld.get("inLanguage"), str):
        language = ld.get("inLanguage")
    described = describe_domain(outlet_domain) if describe_domain and outlet_domain else None
    names = [n for n in (outlet, site_name, *publisher, *website, outlet_domain) if n]
    if described is not None and described.name:
        names.append(described.name)
    return Metadata(
        title=_title(doc, ld, names),
        authors=choose_authors(doc, _names(ld.get("author")) or _names(ld.get("creator"))),
        published=_published(doc, ld, datelines, [page, canonical, og_url]),
        outlet=outlet,
        outlet_domain=outlet_domain,
        canonical_url=canonical,
        og_url=og_url,
        language=language.replace("_", "-").split(",")[0].strip() if language else None,
    )

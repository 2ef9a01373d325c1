"""Every link of a document, in document order, with its kind, resolved URL and context.

Resolution follows the browser: ``<base href>`` (itself resolved against the page URL), else
the page URL given by the user, else the canonical URL the page declares. A link that cannot
be resolved stays ``relative``; one that cannot be parsed is ``malformed``; neither ever
raises. ``url`` holds the normalised form so that the same address counts once.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from auditor.classify.registrable import domain_of
from auditor.extract.chrome import chrome_region, link_only, section_root, short_line, trailing_promos
from auditor.extract.text import SpanIndex
from auditor.models import Block, Document, Link, LinkKind, Region
from auditor.urls import BadURL, normalise

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CTRL = re.compile(r"[\x00-\x1f\x7f]")
# "ttps://", "htps://", "htttp://", "http//", "https;//": a web address mistyped; it goes nowhere
_SCHEME_TYPO = re.compile(r"^(?:h?t{1,3}p{1,2}s?|hhttps?|htp?s?)(?::{1,2}/{0,3}|;//|//)(?=[^/])", re.I)


def _absolute_base(candidate: str | None, page: str | None) -> str | None:
    if not candidate:
        return page
    try:
        joined = urljoin(page, candidate.strip()) if page else candidate.strip()
        return normalise(joined)
    except (BadURL, ValueError):
        return page


def document_base(doc: Document, base_url: str | None = None) -> str | None:
    """The URL relative links resolve against, or None when nothing says where the page lives."""
    page = None
    declared = (doc.meta.canonical, doc.meta.og_url)
    if all(declared) and domain_of(_safe(doc.meta.canonical)) != domain_of(_safe(doc.meta.og_url)):
        # A republished page points rel=canonical at the original on another site; og:url is
        # then the page's own address, and its relative links live there.
        declared = (doc.meta.og_url, doc.meta.canonical)
    for candidate in (base_url, doc.url, *declared):
        if candidate:
            try:
                page = normalise(candidate)
                break
            except BadURL:
                continue
    return _absolute_base(doc.meta.base_href, page)


def _safe(url: str | None) -> str:
    try:
        return normalise(url or "")
    except BadURL:
        return ""


def classify_href(href: str, base: str | None) -> tuple[LinkKind, str]:
    """(kind, url) for one href as written."""
    h = _CTRL.sub("", href).strip()
    low = h.lower()
    if (
        not h
        or h == "#"
        or low.startswith(("javascript:", "data:", "vbscript:"))
        or low in {"#!", "#0", "about:blank"}
    ):
        return LinkKind.PLACEHOLDER, h
    if h.startswith("#"):
        return LinkKind.FRAGMENT, h
    if low.startswith("mailto:"):
        return LinkKind.MAILTO, h
    if low.startswith(("tel:", "sms:", "callto:")):
        return LinkKind.TEL, h
    scheme = _SCHEME.match(h)
    if scheme is None and low.startswith("www."):
        h, scheme = "http://" + h, _SCHEME.match("http:")
    name = scheme.group(1).lower() if scheme is not None else ""
    if name not in {"http", "https"} and _SCHEME_TYPO.match(h):
        return LinkKind.MALFORMED, h
    if scheme is not None and name not in {"http", "https"}:
        return LinkKind.OTHER, h  # whatsapp:, fb-messenger:, ftp:, feed:… : not a page to check
    if scheme is None:
        if base is None and not h.startswith("//"):
            return LinkKind.RELATIVE, h
        try:
            h = urljoin(base or "https:", h)
        except ValueError:
            return LinkKind.MALFORMED, h
    try:
        url = normalise(h)
    except BadURL:
        return LinkKind.MALFORMED, h
    if base and _same_page(url, base):
        return LinkKind.FRAGMENT, url
    return LinkKind.WEB, url


def _same_page(url: str, base: str) -> bool:
    """``page.html#x`` resolved against the page itself is a same-page anchor."""
    u, b = urlsplit(url), urlsplit(base)
    return bool(u.fragment) and (u.scheme, u.netloc, u.path, u.query) == (b.scheme, b.netloc, b.path, b.query)


def extract_links(doc: Document, base_url: str | None = None) -> tuple[Link, ...]:
    """One ``Link`` per anchor occurrence, in document order."""
    base = document_base(doc, base_url)
    own = domain_of(base) if base else None
    links: list[Link] = []
    # Pages repeat the same hrefs (menus, share bars, hostile nesting): resolve each once.
    resolved: dict[str, tuple[LinkKind, str, str | None]] = {}

    def resolve(href: str) -> tuple[LinkKind, str, str | None]:
        if href not in resolved:
            kind, url = classify_href(href, base)
            resolved[href] = (kind, url, domain_of(url) if kind is LinkKind.WEB else None)
        return resolved[href]

    def all_own(block: Block) -> bool:
        found = [resolve(a.href) for a in block.anchors]
        return any(k is LinkKind.WEB for k, _, _ in found) and all(
            k is not LinkKind.WEB or d == own for k, _, d in found
        )

    promos = trailing_promos(doc.blocks, all_own) if own else set()
    for i, block in enumerate(doc.blocks):
        index = SpanIndex.of(block.text) if block.anchors else None
        short = short_line(block) if block.anchors and block.region is Region.BODY else False
        crumbs = short and link_only(block)
        for anchor in block.anchors:
            kind, url, domain = resolve(anchor.href)
            region = Region.RELATED if i in promos else block.region
            if region is Region.BODY and kind in {LinkKind.WEB, LinkKind.RELATIVE}:
                region = chrome_region(anchor, short, url, own) or region
                if region is Region.BODY and crumbs and domain == own and section_root(url):
                    region = Region.NAV
            links.append(
                Link(
                    url=url,
                    href=anchor.href,
                    text=anchor.text,
                    region=region,
                    kind=kind,
                    domain=domain,
                    context=index.sentence(anchor.start, anchor.end) if index else "",
                    position=len(links),
                )
            )
    return tuple(links)

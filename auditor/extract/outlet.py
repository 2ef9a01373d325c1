"""The outlet's name as a reader would write it: "Aktuálně.cz", not "Aktuálně.cz - Víte, co se
právě děje"; "Wikimedia Foundation", not "Wikimedia Foundation, Inc."; the publication on a
blogging platform ("Voodoo Engineering"), not the platform ("Medium").

Sources in order: the site's own name (``og:site_name``, front matter), JSON-LD
``publisher``, the ``WebSite`` node, the title segment that names the site's domain, the
``application-name``, then the domain table's name for the page's domain. Cross-post
detection compares rights lines against this name, so a tagline or a legal suffix left on
it would make the site's own copyright line look like another outlet's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from auditor.models import Category, DomainInfo
from auditor.parse.headings import TITLE_SEP

DomainLookup = Callable[[str], DomainInfo | None]

_TAGLINE = re.compile(r"\s+[-–—|:]\s+|\s*\|\s*")
_LEGAL = re.compile(
    r",?\s+(?:Inc|LLC|L\.L\.C|Ltd|Limited|GmbH|S\.A|SA|plc|PLC|Pvt\.?\s*Ltd|Co|Corp|Corporation|AG|B\.V|N\.V|S\.L|"
    r"S\.p\.A|SpA|s\.r\.o|a\.s|Oy|AB|AS|ApS|KG|SAS|SARL)\.?$"
)


def clean_outlet(name: str) -> str:
    """Drop a tagline after a separator and a trailing legal suffix."""
    name = " ".join(name.split()).strip(" |-–—:")
    parts = _TAGLINE.split(name, maxsplit=1)
    if len(parts) == 2 and parts[0] and len(parts[1].split()) >= 2:
        name = parts[0]
    for _ in range(2):
        name = _LEGAL.sub("", name).strip(" ,")
    return name


def _title_site(title: str | None, own_domain: str | None, resolve: DomainLookup | None) -> str | None:
    """A leading or trailing ``<title>`` segment that names this page's own site."""
    if not title or not own_domain or resolve is None:
        return None
    seps = list(TITLE_SEP.finditer(title))
    if not seps:
        return None
    for segment in (title[seps[-1].end() :], title[: seps[0].start()]):
        segment = segment.strip(" []")
        info = resolve(segment) if 0 < len(segment) <= 60 else None
        if info is not None and info.domain == own_domain:
            return segment
    return None


def choose_outlet(
    *,
    site_names: Sequence[str],
    publishers: Sequence[str],
    title: str | None,
    app_name: str | None,
    own_domain: str | None,
    resolve_outlet: DomainLookup | None,
    describe_domain: DomainLookup | None,
    platform_domains: Sequence[str] = (),
) -> str | None:
    """The outlet name, or None when nothing on the page or in the table names it.

    ``platform_domains`` are the domains the page's own addresses point at (page URL,
    canonical, og:url, the publisher's URL): when one is a blogging platform, the site name
    names the platform ("Medium") and the publisher names the publication on it.
    """
    names = [n for n in (*site_names, *publishers) if n and n.strip()]
    on_platform = describe_domain is not None and any(
        (info := describe_domain(d)) is not None and info.category is Category.BLOG_PLATFORM
        for d in platform_domains
    )
    if on_platform and site_names and len(names) > len(site_names):
        names = [*names[len(site_names) :], *site_names]
    chosen = names[0] if names else _title_site(title, own_domain, resolve_outlet) or app_name
    if not chosen and own_domain and describe_domain:
        info = describe_domain(own_domain)
        chosen = info.name if info is not None else None
    return clean_outlet(chosen) if chosen else None

"""Registrable domain of a URL or host, with tldextract's bundled suffix list only.

``suffix_list_urls=()`` and no cache dir: tldextract must never download a list (the
tool runs offline and on hostile input). Private suffixes are on, so that
``someone.blogspot.com`` is its own site rather than part of ``blogspot.com``.

Hosted-newsletter and blog platforms the suffix list does not cover (``alice.substack.com``,
``bob.wordpress.com``) get the same treatment here: each author's subdomain is a separate
site, so one author citing another is not a self-link and the two never pool as one domain.
The platform's own hosts (the bare domain, ``www.``, help and CDN hosts) stay the platform.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

import tldextract

from auditor.urls import host_of

# Platforms whose subdomains are separate authors. github.io and blogspot.com are in the
# suffix list's private section already; listed here too so an older bundled list agrees.
AUTHOR_PLATFORMS = frozenset(
    {
        "substack.com",
        "wordpress.com",
        "tumblr.com",
        "ghost.io",
        "beehiiv.com",
        "typepad.com",
        "livejournal.com",
        "medium.com",
        "github.io",
        "blogspot.com",
    }
)
# The platform's own service hosts, not authors.
_PLATFORM_HOSTS = frozenset({"www", "m", "api", "cdn", "static", "support", "help", "open", "policy"})
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str | None:
    """``news.bbc.co.uk`` -> ``bbc.co.uk``; an IP address is its own domain; None if no host."""
    host = host.strip().lower().rstrip(".").strip("[]")
    if not host:
        return None
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    ext = _EXTRACT(host)
    if ext.domain and ext.suffix:
        found = f"{ext.domain}.{ext.suffix}"
        if found in AUTHOR_PLATFORMS and ext.subdomain:
            author = ext.subdomain.rsplit(".", 1)[-1]
            if author and author not in _PLATFORM_HOSTS:
                return f"{author}.{found}"
        return found
    # No public suffix (``tass.example``, ``intranet.corp``): the whole host is the best
    # identity of the site; cutting it to its last label would merge unrelated sites.
    return host if ext.domain else None


def domain_of(url: str) -> str | None:
    """Registrable domain of an absolute URL."""
    return registrable_domain(host_of(url))

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

from auditor.urls import MAX_HOST, host_of

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
# The longest rule of the bundled suffix list has 7 labels; a registrable domain adds one,
# an author platform's subdomain one more. Only that many trailing labels can matter, and
# looking at more made a host of N labels cost N² (every parent suffix was built).
TAIL_LABELS = 12


def tail(host: str, labels: int = TAIL_LABELS) -> str:
    """The last ``labels`` labels of ``host`` (all of it when shorter)."""
    parts = host.rsplit(".", labels)
    return host if len(parts) <= labels else ".".join(parts[1:])


def parent_domains(host: str, depth: int = TAIL_LABELS) -> list[str]:
    """``a.b.example.com`` -> the host, then its parents down to ``example.com``, longest first,
    at most ``depth`` labels long (a table row of more labels cannot exist)."""
    labels = tail(host, depth).split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)] or [host]


def registrable_domain(host: str) -> str | None:
    """``news.bbc.co.uk`` -> ``bbc.co.uk``; an IP address is its own domain; None if no host
    (or one longer than DNS allows, which no site can have)."""
    if len(host) > MAX_HOST + 8:  # before the cache: it must not keep huge keys
        return None
    return _registrable(host)


@lru_cache(maxsize=65536)
def _registrable(host: str) -> str | None:
    host = host.strip().lower().rstrip(".").strip("[]")
    if not host or len(host) > MAX_HOST:
        return None
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    ext = _EXTRACT(tail(host))
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

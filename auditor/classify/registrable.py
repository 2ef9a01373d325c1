"""Registrable domain of a URL or host, with tldextract's bundled suffix list only.

``suffix_list_urls=()`` and no cache dir: tldextract must never download a list (the
tool runs offline and on hostile input). Private suffixes are on, so that
``someone.blogspot.com`` is its own site rather than part of ``blogspot.com``.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

import tldextract

from auditor.urls import host_of

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
        return f"{ext.domain}.{ext.suffix}"
    return ext.domain or None


def domain_of(url: str) -> str | None:
    """Registrable domain of an absolute URL."""
    return registrable_domain(host_of(url))

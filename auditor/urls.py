"""URL normalisation, shared by extraction (what a link *is*) and checking (what to fetch once).

Browsers normalise what they fetch (IDN hosts to punycode, default ports dropped, dot
segments removed, percent-encoding made canonical); we store that form so that the same
address written two ways counts once. ``check_key`` goes further for the checker: the
fragment and tracking parameters never change what the server answers.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|igshid|ref_src)$", re.I)
_HOST_OK = re.compile(r"^[a-z0-9.\-_\[\]:]+$")
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"
_SAFE_QUERY = _SAFE_PATH + "?/"


class BadURL(ValueError):
    """The URL cannot be parsed into scheme, host and port."""


def _normalise_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if not host:
        raise BadURL("empty host")
    if host.startswith("["):
        return host
    if any(ord(c) > 127 for c in host):
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise BadURL(f"bad international host {host!r}") from exc
    if not _HOST_OK.match(host) or ".." in host:
        raise BadURL(f"bad host {host!r}")
    return host


def _normalise_path(path: str) -> str:
    if not path:
        return "/"
    trailing = path.endswith("/") or path.endswith("/.") or path.endswith("/..")
    norm = posixpath.normpath(path)
    if norm.startswith("//"):
        norm = "/" + norm.lstrip("/")
    if trailing and norm != "/":
        norm += "/"
    return quote(unquote(norm), safe=_SAFE_PATH)


def normalise(url: str) -> str:
    """Return the browser-normal form of an absolute http(s) URL, or raise ``BadURL``."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BadURL(str(exc)) from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise BadURL(f"not http(s): {scheme or 'no scheme'}")
    if parts.hostname is None or " " in (parts.netloc or ""):
        raise BadURL("no host" if parts.hostname is None else "space in host")
    host = _normalise_host(parts.hostname)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    query = quote(unquote(parts.query), safe=_SAFE_QUERY) if parts.query else ""
    frag = quote(unquote(parts.fragment), safe=_SAFE_QUERY) if parts.fragment else ""
    return urlunsplit((scheme, netloc, _normalise_path(parts.path), query, frag))


def check_key(url: str) -> str:
    """The form the checker fetches and caches by: no fragment, no tracking parameters."""
    parts = urlsplit(url)
    query = parts.query
    if query:
        kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _TRACKING.match(k)]
        query = urlencode(kept, doseq=True, safe=_SAFE_QUERY)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def host_of(url: str) -> str:
    """The host name (lower case, no port) a URL points at; empty when it has none."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""

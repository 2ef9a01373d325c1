"""URL normalisation, shared by extraction (what a link *is*) and checking (what to fetch once).

Browsers normalise what they fetch (IDN hosts to punycode, default ports dropped, dot
segments removed, characters that may not appear in a URL percent-encoded); we store that
form so that the same address written two ways counts once. Normalising must never change
what the server is asked for: ``%2F`` in a path and ``%26`` in a query stay encoded, only
escapes of unreserved characters are decoded (RFC 3986 §6.2.2). ``check_key`` goes further
for the checker: the fragment and tracking parameters never change what the server answers.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import idna

DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|igshid|ref_src)$", re.I)
_HOST_OK = re.compile(r"^[a-z0-9.\-_\[\]:]+$")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = "!$&'()*+,;="
_SAFE_PATH = frozenset(_UNRESERVED | set(_SUB_DELIMS) | set(":@/"))
_SAFE_QUERY = frozenset(_SAFE_PATH | set("?"))
_SAFE_USER = frozenset(_UNRESERVED | set(_SUB_DELIMS))
_TAB_NL = re.compile(r"[\t\n\r]")
# DNS limits (RFC 1035 §2.3.4): a name of more labels or longer labels cannot resolve, and
# every later stage (the domain lookup, the checker's per-host state) would pay for its size.
MAX_HOST = 253
MAX_LABEL = 63


class BadURL(ValueError):
    """The URL cannot be parsed into scheme, host and port."""


def _unsafe_pattern(safe: frozenset[str]) -> re.Pattern[str]:
    """Matches an escape, a stray ``%``, or a run of characters outside ``safe``."""
    allowed = re.escape("".join(sorted(safe - {"%"})))
    return re.compile(rf"%[0-9A-Fa-f]{{2}}|%|[^{allowed}]+")


def _fix(m: re.Match[str]) -> str:
    s = m.group(0)
    if s[0] == "%":
        if len(s) == 1:
            return "%25"
        decoded = chr(int(s[1:], 16))
        return decoded if decoded in _UNRESERVED else s.upper()
    return "".join(f"%{b:02X}" for b in s.encode("utf-8", "surrogatepass"))


def _requote(text: str, pattern: re.Pattern[str]) -> str:
    """Percent-encode what may not appear raw; keep existing escapes (hex upper-cased).

    An escape of an unreserved character (``%7E``) is decoded, a stray ``%`` becomes ``%25``;
    every other escape is left alone, because decoding it could change the URL's meaning.
    """
    return pattern.sub(_fix, text)


_PATH_RE = _unsafe_pattern(_SAFE_PATH)
_QUERY_RE = _unsafe_pattern(_SAFE_QUERY)
_USER_RE = _unsafe_pattern(_SAFE_USER)


def _normalise_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    if not host:
        raise BadURL("empty host")
    if host.startswith("["):
        return host
    if len(host) > 4 * MAX_HOST:  # before IDNA mapping, whose cost grows with the input
        raise BadURL(f"host name of {len(host):,} characters (DNS allows {MAX_HOST})")
    if any(ord(c) > 127 for c in host):
        try:
            host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError) as exc:
            raise BadURL(f"bad international host {host[:80]!r}") from exc
    if len(host) > MAX_HOST:
        raise BadURL(f"host name of {len(host):,} characters (DNS allows {MAX_HOST})")
    if not _HOST_OK.match(host) or ".." in host or host.startswith("."):
        raise BadURL(f"bad host {host[:80]!r}")
    if any(len(label) > MAX_LABEL for label in host.split(".")):
        raise BadURL(f"a label of host {host[:80]!r} is over {MAX_LABEL} characters")
    return host


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4: resolve ``.`` and ``..`` without collapsing ``//`` (servers may care)."""
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
        elif seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(seg)
    joined = "/".join(out)
    return joined if joined.startswith("/") else "/" + joined


def _normalise_path(path: str) -> str:
    if not path:
        return "/"
    return _requote(remove_dot_segments(path), _PATH_RE)


def normalise(url: str) -> str:
    """Return the browser-normal form of an absolute http(s) URL, or raise ``BadURL``."""
    url = _TAB_NL.sub("", url.strip())
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    url = url[:cut].replace("\\", "/") + url[cut:]  # browsers read \ as / before the query
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
        userinfo = _requote(parts.username, _USER_RE)
        if parts.password:
            userinfo += ":" + _requote(parts.password, _USER_RE)
        netloc = f"{userinfo}@{netloc}"
    query = _requote(parts.query, _QUERY_RE) if parts.query else ""
    frag = _requote(parts.fragment, _QUERY_RE) if parts.fragment else ""
    return urlunsplit((scheme, netloc, _normalise_path(parts.path), query, frag))


def check_key(url: str) -> str:
    """The form the checker fetches and caches by: no fragment, no tracking parameters.

    The query is filtered as written, never decoded and re-encoded, so ``a=1%262`` stays one
    parameter.
    """
    parts = urlsplit(url)
    query = parts.query
    if query:
        kept = [p for p in query.split("&") if p and not _TRACKING.match(p.split("=", 1)[0])]
        query = "&".join(kept)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def host_of(url: str) -> str:
    """The host name (lower case, no port) a URL points at; empty when it has none."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""

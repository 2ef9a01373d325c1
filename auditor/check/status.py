"""From the last answer of a redirect chain to a status class with its evidence (pure).

The class names the final outcome; the chain is kept beside it, so a chain that ends in a
404 is ``dead`` and one that ends in a 200 is ``redirected`` (or ``soft-404`` when a deep
link lands on the site's home page or its error page).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from auditor.check import softpage
from auditor.check.client import Answer
from auditor.classify.registrable import domain_of
from auditor.models import Hop, Status
from auditor.urls import host_of

if TYPE_CHECKING:
    from auditor.check.probe import SiteSays

_HTMLISH = ("", "text/html", "application/xhtml+xml", "text/plain")
# A home page: "/", "/index.html", "/home", or a language home such as "/en/" or "/pt-br/".
# Only real language codes count: "/tv" or "/ai" is a section, not the home page.
_LANGS = (
    "ar|bg|bn|ca|cs|cy|da|de|el|en|es|et|eu|fa|fi|fr|ga|gl|he|hi|hr|hu|hy|id|is|it|ja|ka|kk|ko|lt|"
    "lv|mk|ms|mt|nb|nl|nn|no|pl|pt|ro|ru|sk|sl|sq|sr|sv|sw|ta|th|tl|tr|uk|ur|uz|vi|zh"
)
_ROOTISH = re.compile(
    rf"^/?(?:(?:{_LANGS})(?:[-_][a-z]{{2,4}})?/?)?(?:index\.\w{{2,5}}|home/?|default\.\w{{2,5}})?$", re.I
)
_ERROR_PATH = re.compile(
    r"(?:^|/)(?:404|not[-_]?found|page[-_]?not[-_]?found|error(?:[-_]?404)?)(?:\.\w{2,5})?/?$", re.I
)
_PERMANENT = frozenset({301, 308})


def home_path(path: str) -> bool:
    """``/``, ``/index.html``, ``/home``, or a language home (``/en/``, ``/pt-br/``)."""
    return bool(_ROOTISH.match(path))


def htmlish(content_type: str) -> bool:
    """A page that can be a not-found page: HTML, plain text, or no type at all."""
    return content_type in _HTMLISH


def wants_body(status: int, content_type: str) -> bool:
    """Read a body only where the page can overturn the status (soft 404, parked, bot wall)."""
    return content_type in _HTMLISH and (200 <= status < 300 or status in (401, 403, 429, 503))


def redirect_reason(start: str, final: str, hops: tuple[Hop, ...]) -> str:
    kind = "permanent" if all(h.status in _PERMANENT for h in hops) else "temporary"
    a, b = domain_of(start), domain_of(final)
    where = f"to another site ({b})" if a != b else f"within {b}"
    n = len(hops)
    return f"{kind} redirect {where}, {n} hop{'s' if n > 1 else ''} -> {final}"


def _landing_is_not_the_page(start: str, final: str) -> str | None:
    """A deep link sent to the home page, or to an error page, of the same site."""
    if domain_of(start) != domain_of(final):
        return None
    start_path, final_path = urlsplit(start).path, urlsplit(final).path
    if _ERROR_PATH.search(final_path) and not _ERROR_PATH.search(start_path):
        return f"redirected to an error page ({final_path})"
    if not _ROOTISH.match(start_path) and _ROOTISH.match(final_path):
        return "deep link redirected to the site's home page"
    return None


def classify(
    start: str, final: str, answer: Answer, hops: tuple[Hop, ...], retries: int, site: SiteSays | None = None
) -> tuple[Status, str]:
    """Status and evidence for the answer that ended the chain at ``final``; ``site`` is what
    the site's answer to an impossible path says of it (``check/probe.py``), if it was asked."""
    code = answer.status
    verdict = softpage.judge(answer.text()) if answer.body else None
    if softpage.challenge_header(answer.headers) or (verdict and verdict.kind == "challenge"):
        evidence = verdict.evidence if verdict else "cf-mitigated: challenge"
        return Status.BLOCKED, f"HTTP {code}, bot wall: {evidence}"
    if 200 <= code < 300:
        return _classify_success(start, final, code, verdict, hops, site)
    if code in (404, 410):
        return Status.DEAD, f"HTTP {code}" + (f" after {len(hops)} redirect(s)" if hops else "")
    if code in (401, 403, 407, 451):
        return Status.BLOCKED, f"HTTP {code}: the server refuses us; not evidence the page is gone"
    if code == 429:
        return Status.BLOCKED, f"HTTP 429 (rate limited) after {retries} retr{'y' if retries == 1 else 'ies'}"
    if code == 408:
        return Status.TIMEOUT, "HTTP 408 request timeout"
    if 500 <= code < 600:
        return Status.SERVER_ERROR, f"HTTP {code}"
    if 300 <= code < 400:
        return Status.SERVER_ERROR, f"HTTP {code} without a usable Location header"
    if 400 <= code < 500:
        return Status.DEAD, f"HTTP {code}"
    return Status.SERVER_ERROR, f"unexpected HTTP status {code}"


def _classify_success(
    start: str, final: str, code: int, verdict: softpage.Verdict | None, hops: tuple[Hop, ...],
    site: SiteSays | None,
) -> tuple[Status, str]:  # fmt: skip
    """Parked first; then the site's own answer to an impossible path; then the content rules,
    unless the site answers unknown paths with a real 404 (a page about "404 errors" is not a
    not-found page there); then where the redirects ended."""
    if verdict and verdict.kind == "parked":
        return Status.PARKED, verdict.evidence
    if hops and softpage.is_parking_host(host_of(final)):
        return Status.PARKED, f"redirected to a domain-parking service ({host_of(final)})"
    if site is not None and site.kind == "same":
        return Status.SOFT_404, f"HTTP {code} but {site.evidence}"
    note = ""
    if verdict and verdict.kind == "soft-404":
        if site is None or site.kind != "not-found":
            return Status.SOFT_404, f"HTTP {code} but {verdict.evidence}"
        note = f"; it reads like a not-found page, but {site.evidence}, so this is the page"
    if hops:
        landing = _landing_is_not_the_page(start, final)
        if landing:
            return Status.SOFT_404, f"HTTP {code} but {landing} ({final})"
        return Status.REDIRECTED, redirect_reason(start, final, hops) + note
    return Status.OK, f"HTTP {code}{note}"

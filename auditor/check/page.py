"""Fetch an article given as a URL, with the checker's own client and rules.

The same guard (no private addresses, also after redirects), the same hop-by-hop redirects,
timeouts, retries and cassettes as link checking, and a byte cap: an article URL is as
untrusted as any link inside it.
"""

from __future__ import annotations

from dataclasses import replace

from auditor.check.checker import CheckSession, run_sync
from auditor.check.client import FetchError, Transport
from auditor.check.gate import HostTooSlow
from auditor.check.guard import Refused
from auditor.errors import InputError
from auditor.load import load_bytes
from auditor.models import CheckOptions, CheckResult, Format, RawArticle
from auditor.urls import BadURL, normalise

_FORMATS = {
    "text/html": Format.HTML,
    "application/xhtml+xml": Format.HTML,
    "text/markdown": Format.MARKDOWN,
    "text/x-markdown": Format.MARKDOWN,
    "text/plain": Format.TEXT,
}


async def _fetch(url: str, options: CheckOptions, max_bytes: int, transport: Transport | None) -> RawArticle:
    try:
        key = normalise(url).split("#")[0]
    except BadURL as exc:
        raise InputError(f"{url}: not a URL we can fetch ({exc})") from exc
    opts = replace(options, max_body=max_bytes, archive=False)
    try:
        async with CheckSession(opts, transport=transport) as session:
            ended = await session.fetch_page(key)
    except Refused as exc:
        raise InputError(f"{url}: {exc}") from exc
    except HostTooSlow as exc:
        raise InputError(f"{url}: cannot fetch ({exc})") from exc
    except FetchError as exc:
        raise InputError(f"{url}: cannot fetch ({exc.kind}: {exc.detail})") from exc
    if isinstance(ended, CheckResult):
        raise InputError(f"{url}: cannot fetch ({ended.status.value}: {ended.reason})")
    answer, final = ended
    if answer.status != 200:
        raise InputError(f"{url}: the server answered HTTP {answer.status}")
    if answer.truncated:
        raise InputError(f"{url}: the page is over the {max_bytes:,}-byte cap")
    fmt = _FORMATS.get(answer.content_type)
    if fmt is None and answer.content_type:
        raise InputError(f"{url}: {answer.content_type} is not an HTML, Markdown or text article")
    return load_bytes(answer.body, url, url=final, fmt=fmt)


def fetch_article(
    url: str, options: CheckOptions, *, max_bytes: int, transport: Transport | None = None
) -> RawArticle:
    """The article at ``url`` as a ``RawArticle`` whose ``url`` is where the redirects ended."""
    if options.offline:
        raise InputError(f"{url}: cannot fetch a URL with --offline (save the page and audit the file)")
    return run_sync(_fetch(url, options, max_bytes, transport))

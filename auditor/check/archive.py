"""Archived copies of dead and soft-404 links, from the Wayback Machine's availability API.

The lookup goes through the run's own client and gate (politeness limits, the guard, and the
cassette, so replayed runs find their archive answers too). Any failure leaves no archive URL:
a missing snapshot is not a reason to change the link's status.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from auditor.check.client import Answer

API = "https://archive.org/wayback/available"
Fetch = Callable[[str], Awaitable[Answer | None]]


def query_url(url: str, published: str | None) -> str:
    """The availability query; ``published`` (YYYY-MM-DD) asks for the nearest snapshot."""
    params = {"url": url}
    stamp = (published or "").replace("-", "")[:8]
    if len(stamp) == 8 and stamp.isdigit():
        params["timestamp"] = stamp
    return f"{API}?{urlencode(params)}"


def snapshot_from(answer: Answer) -> str | None:
    """The closest available snapshot's URL from the API's JSON, or None."""
    if answer.status != 200 or not answer.body:
        return None
    try:
        data = json.loads(answer.text())
        closest = data["archived_snapshots"]["closest"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(closest, dict) or closest.get("available") is False:
        return None
    url = closest.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    return "https://" + url.removeprefix("http://").removeprefix("https://") if "archive.org" in url else url


async def lookup(fetch: Fetch, url: str, published: str | None) -> str | None:
    answer = await fetch(query_url(url, published))
    return snapshot_from(answer) if answer is not None else None

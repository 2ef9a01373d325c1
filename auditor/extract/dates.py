"""Dates as written on news pages, to ISO ``YYYY-MM-DD``; no guessing beyond what is written."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ISO = re.compile(r"(?P<year>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<day>\d{1,2})")
_MDY = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{{2}})\b", re.I)
_DMY = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>(?:19|20)\d{{2}})\b", re.I
)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str | None) -> str | None:
    """The first date written in ``text`` as ISO, or None."""
    if not text:
        return None
    candidates = []
    for pattern in (_ISO, _MDY, _DMY):
        m = pattern.search(text)
        if m:
            candidates.append((m.start(), m))
    if not candidates:
        return None
    _, m = min(candidates, key=lambda c: c[0])
    groups = m.groupdict()
    month = int(groups["m"]) if groups.get("m") else _MONTHS[groups["month"].lower().rstrip(".")]
    return _iso(int(groups["year"]), month, int(groups["day"]))

"""Dates as written on news pages, to ISO ``YYYY-MM-DD``; no guessing beyond what is written.

Machine forms (``2021-11-01T10:52:50+01:00``) and the forms readers see, in the languages the
auditor meets most: "March 18, 2015", "18 March 2015", "30 avril 2015", "21. Dezember 2018",
"21 de dezembro de 2018", "21.dez.2018", "1. listopadu 2021", "21.12.2018", "2018年12月21日".
A date is kept as written, never shifted to another time zone: the day the page shows is
the day it was published for its readers. Relative dates ("8h", "2 hours ago") and
ambiguous numeric ones ("03/04/2015") give nothing.
"""

from __future__ import annotations

import re
from datetime import date

_MONTH_NAMES: dict[int, str] = {
    1: "january jan janvier janv janeiro jan enero ene januar jänner gennaio gen januari ledna leden stycznia января",
    2: "february feb février fevrier févr fevr fevereiro fev febrero februar febbraio februari února únor lutego февраля",
    3: "march mar mars março marco marzo märz maerz mär maart března březen marca марта",
    4: "april apr avril avr abril abr aprile dubna duben kwietnia апреля",
    5: "may mai maio mayo maggio mei května květen maja мая",
    6: "june jun juin junho junio juni giugno června červen czerwca июня",
    7: "july jul juillet juil julho julio juli luglio července červenec lipca июля",
    8: "august aug août aout agosto ago augustus srpna srpen sierpnia августа",
    9: "september sep sept septembre setembro set septiembre setiembre settembre září września сентября",
    10: "october oct octobre outubro out octubre oktober okt ottobre ott října říjen października октября",
    11: "november nov novembre novembro noviembre listopadu listopad listopada ноября",
    12: "december dec décembre decembre déc dezembro dez diciembre dic dezember dicembre prosince prosinec grudnia декабря",
}
_MONTHS = {name: month for month, names in _MONTH_NAMES.items() for name in names.split()}
_MONTH = (
    r"(?P<month>"
    + "|".join(re.escape(n) for n in sorted(_MONTHS, key=len, reverse=True))
    + r")(?![^\W\d_])\.?"
)
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DAY = r"(?P<day>[0-3]?\d)"
_ISO = re.compile(rf"(?<!\d){_YEAR}[-/.](?P<m>[01]?\d)[-/.]{_DAY}(?!\d)")
_MDY = re.compile(rf"(?<![^\W\d_]){_MONTH}\s*{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}(?!\d)", re.I)
_DMY = re.compile(
    rf"(?<![\d.]){_DAY}(?:st|nd|rd|th|er|º)?\.?\s*(?:of\s+|de\s+)?{_MONTH}\s*(?:de\s+)?,?\s*{_YEAR}(?!\d)",
    re.I,
)
_NUMERIC_DMY = re.compile(rf"(?<![\d.]){_DAY}\.\s?(?P<m>[01]?\d)\.\s?{_YEAR}(?!\d)")
_CJK = re.compile(rf"{_YEAR}\s*[年년]\s*(?P<m>[01]?\d)\s*[月월]\s*{_DAY}\s*[日일]?")
_PATTERNS = (_ISO, _MDY, _DMY, _NUMERIC_DMY, _CJK)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(text: str | None) -> tuple[int, str] | None:
    """(offset, ISO date) of the first valid date written in ``text``, or None."""
    if not text:
        return None
    found: list[tuple[int, str]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text[:2000]):
            groups = m.groupdict()
            month = int(groups["m"]) if groups.get("m") else _MONTHS[groups["month"].lower().rstrip(".")]
            iso = _iso(int(groups["year"]), month, int(groups["day"]))
            if iso:
                found.append((m.start(), iso))
                break
    return min(found) if found else None


def parse_date(text: str | None) -> str | None:
    """The first date written in ``text`` as ISO, or None."""
    found = find_date(text)
    return found[1] if found else None


_URL_DATE = re.compile(r"/((?:19|20)\d{2})/([01]?\d)/([0-3]?\d)(?:/|$|[-_])")


def url_date(url: str | None) -> str | None:
    """The date in a URL path (``/2015/03/18/``), the last resort of a page with no other."""
    m = _URL_DATE.search(url or "")
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None

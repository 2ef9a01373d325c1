"""Linked quotes as the report shows them: each verdict with its reason, the differences and
the page's own words, and the one line the verdict sentence, the tiles and the terminal say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from auditor.models import Audit, QuoteCheck
from auditor.report.slug import safe_href

# The colour each verdict borrows from the link statuses: found like a live link, edited like
# a moved one, not found like a broken one, unavailable like a link that was not checked.
GROUPS = {"found": "alive", "found-edited": "moved", "not-found": "broken", "unavailable": "skipped"}
LABELS = {"found": "found at source", "found-edited": "edited", "not-found": "not found at source",
          "unavailable": "not checkable"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class QuoteRow:
    quote: str
    source: str
    verdict: str
    label: str
    group: str
    reason: str
    differences: tuple[str, ...]
    passage: str
    link: str
    link_href: str | None
    page: str  # where it was looked for, when not the link itself (a redirect's end, an archived copy)
    page_href: str | None
    archived: bool
    as_of: str  # the date of an earlier run's verdict, shown by an offline run


def quote_row(q: QuoteCheck) -> QuoteRow:
    verdict = str(q.verdict)
    page = q.page_url if q.page_url and q.page_url != q.url else ""
    return QuoteRow(
        quote=q.quote, source=q.source or "", verdict=verdict, label=LABELS[verdict], group=GROUPS[verdict],
        reason=q.reason, differences=q.differences, passage=q.passage if verdict != "found" else "",
        link=q.url, link_href=safe_href(q.url), page=page, page_href=safe_href(page) if page else None,
        archived=q.archived, as_of=q.checked_at[:10],
    )  # fmt: skip


def quote_rows(audit: Audit) -> list[QuoteRow]:
    return [quote_row(q) for q in audit.quotes]


def quotes_label(counts: Mapping[str, int], *, offline: bool, as_of: str = "") -> str:
    """ "2 of 5 linked quotes not found at their source (1 edited)": whether the pages an
    article links to say what it quotes them saying."""
    n = sum(counts.values())
    if not n:
        return ""
    plural = n != 1
    noun, their = ("quotes", "their") if plural else ("quote", "its")
    if offline:
        return f"{n} linked {noun} not looked up (offline)"
    missing = counts.get("not-found", 0)
    found = counts.get("found", 0) + counts.get("found-edited", 0)
    if missing:
        text = f"{missing} of {n} linked {noun} not found at {their} source"
    elif not found:
        return f"{n} linked {noun} could not be checked at {their} source" + (
            f"; looked up {as_of}, not in this run" if as_of else ""
        )
    elif found == n:
        text = f"{'all ' + str(n) if plural else 'the'} linked {noun} found at {their} source"
    else:
        text = f"{found} of {n} linked {noun} found at {their} source"
    rest = [f"{counts[k]} {word}" for k, word in (("found-edited", "edited"), ("unavailable", "not checkable"))
            if counts.get(k)]  # fmt: skip
    when = f"; looked up {as_of}, not in this run" if as_of else ""
    return text + (f" ({', '.join(rest)})" if rest else "") + when

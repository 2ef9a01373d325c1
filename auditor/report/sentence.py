"""The verdict a reader can quote: one sentence per finding, built from the counts every view shows.

"Re-post of Indian Punchline (22 Nov 2021). Published by Global Research, rated generally
unreliable and blacklisted (Wikipedia's perennial sources list, 17 Mar 2021). Cites 13
sources, 2 of them Russian state media (RT, Tass). 22 links are placeholders; none could be
checked." The report's top line, the terminal summary and ``audit --json`` all say this.
"""

from __future__ import annotations

from collections.abc import Sequence

from auditor.models import Audit, CheckMode
from auditor.report.quotes import quotes_label
from auditor.report.standing import DEMONYMS, readable_date, standings
from auditor.report.views import StateMediaCitation, Verdict


def verdict_sentence(audit: Audit, v: Verdict) -> str:
    quotes = quotes_label(v.quotes, offline=v.quotes_offline, as_of=v.quotes_as_of)
    parts = [
        _provenance(audit),
        _outlet(audit),
        _sources(audit, v),
        quotes[:1].upper() + quotes[1:] + "." if quotes else "",
        _links(v),
    ]
    return " ".join(p for p in parts if p)


def _provenance(audit: Audit) -> str:
    chain = audit.article.crossposts
    if not chain:
        return "No sign it was first published elsewhere."
    names = [c.original_outlet or c.outlet_domain or "an unnamed outlet" for c in chain]
    first = chain[0]
    when = f" ({readable_date(first.published)})" if first.published else ""
    via = f", via {', '.join(names[1:])}" if len(names) > 1 else ""
    return f"Re-post of {names[0]}{when}{via}."


def _outlet(audit: Audit) -> str:
    meta = audit.article.metadata
    standing = standings(audit.article).get(meta.outlet_domain or "")
    if standing is None or not standing.notable:
        return ""
    said = "; ".join(p for p in (standing.state_media, _rated(standing.rating_line)) if p)
    return f"Published by {meta.outlet or standing.name}, {said}."


def _rated(line: str) -> str:
    return f"rated {line}" if line else ""


def _sources(audit: Audit, v: Verdict) -> str:
    """``Cites 11 sources, 2 of them Russian state media (RT, Tass). 4 of 11 sources are
    unnamed.``; ``Cites 3 sources, all unnamed.``; ``No attributed sources found.``"""
    n = len(audit.article.attributions)
    if not n:
        text = "No attributed sources found"
    else:
        text = f"Cites {_plural(n, 'source')}"
        if v.state_media:
            k = len(v.state_media)
            text += f", {k if k < n else 'all'} of them {_state_media(v.state_media)}"
        elif v.unnamed == n:
            text += ", unnamed" if n == 1 else ", all unnamed"
    if v.state_media_links:
        text += f"; {_plural(len(v.state_media_links), 'link')} to {_state_media(v.state_media_links)}"
    said_apart = v.unnamed and (v.unnamed < n or v.state_media)
    return text + "." + (f" {v.unnamed_label}." if said_apart else "")


def _state_media(found: Sequence[StateMediaCitation]) -> str:
    """``Russian state media (RT, Tass)``, or by state when several: ``state media: Russian
    (RT), Chinese (CGTN)``."""
    by_state: dict[str, list[str]] = {}
    for c in found:
        by_state.setdefault(c.state, [])
        if c.outlet not in by_state[c.state]:
            by_state[c.state].append(c.outlet)
    if len(by_state) == 1:
        ((state, outlets),) = by_state.items()
        return f"{_adjective(state)}state media ({', '.join(outlets)})"
    groups = [f"{_adjective(s).strip() or 'other'} ({', '.join(o)})" for s, o in by_state.items()]
    return "state media: " + ", ".join(groups)


def _adjective(state: str) -> str:
    if not state:
        return ""
    return f"{DEMONYMS.get(state, state)} "


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _links(v: Verdict) -> str:
    n = v.counts["placeholder"]
    lead = f"{_plural(n, 'link')} {'is a placeholder' if n == 1 else 'are placeholders'}" if n else ""
    if not v.web:
        return f"{lead}; none could be checked." if lead else "It has no web links to check."
    rest = _web(v)
    return f"{lead}; {rest[0].lower()}{rest[1:]}" if lead else rest


def _web(v: Verdict) -> str:
    """``14 web links checked: 7 broken, 2 blocked, 1 moved.``, and how they were checked."""
    c = v.counts
    if v.not_checked:
        return f"{_plural(v.web, 'web link')} not checked (offline)."
    if not v.checked:
        return f"None of {_plural(v.web, 'web link')} could be checked."
    scope = (
        f"{v.checked} of {v.web} web links checked"
        if v.checked < v.web
        else f"{_plural(v.web, 'web link')} checked"
    )
    found = [f"{c[g]} {g}" for g in ("broken", "blocked", "moved") if c[g]]
    text = f"{scope}: {', '.join(found) if found else 'all alive'}."
    if v.mode is CheckMode.OFFLINE:
        when = f", of {readable_date(v.checked_on[-1])}" if v.checked_on else ""
        text += f" Not checked in this run (offline): these are the last checks{when}."
    elif v.mode is CheckMode.REPLAY:
        text += " Checked from a recording (replay), not the live web."
    return text

"""What the bundled tables say of an outlet or a cited domain, in words a reader can quote.

Two standings matter to a fact-checker: whether a source is state media, and of which state
("RT: Russian state media"), and how Wikipedia's perennial-sources list rates it, with the
date of the list ("deprecated, 17 Mar 2021"). Both come from the article's ``domains``
(classified with it), so a report re-rendered later says what was known when it was audited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from auditor.models import Article, Category, DomainInfo, Region

LIST_NAME = "Wikipedia's perennial sources list"
# The states of the bundled table's state media, as adjectives ("Russian state media").
DEMONYMS = {
    "Azerbaijan": "Azerbaijani", "Belarus": "Belarusian", "China": "Chinese", "Cuba": "Cuban",
    "Egypt": "Egyptian", "Iran": "Iranian", "North Korea": "North Korean", "Qatar": "Qatari",
    "Russia": "Russian", "Saudi Arabia": "Saudi", "Syria": "Syrian", "Turkey": "Turkish",
    "Ukraine": "Ukrainian", "Venezuela": "Venezuelan", "Vietnam": "Vietnamese",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Standing:
    """One domain's standing, ready to show: every field empty when the tables say nothing."""

    domain: str
    name: str
    category: str
    state_media: str  # "Russian state media", "state media" or ""
    rating: str  # "blacklisted and generally unreliable" or ""
    as_of: str  # "17 Mar 2021" or ""

    @property
    def notable(self) -> bool:
        return bool(self.state_media or self.rating)

    @property
    def rating_line(self) -> str:
        """``generally unreliable (Wikipedia's perennial sources list, 17 Mar 2021)``."""
        if not self.rating:
            return ""
        return f"{self.rating} ({LIST_NAME}{', ' + self.as_of if self.as_of else ''})"

    @property
    def summary(self) -> str:
        """``RT: Russian state media; deprecated (Wikipedia's perennial sources list, 17 Mar 2021)``."""
        parts = [p for p in (self.state_media, self.rating_line) if p]
        return f"{self.name}: {'; '.join(parts)}" if parts else ""


def state_media_phrase(state: str | None) -> str:
    if not state:
        return "state media"
    return f"{DEMONYMS[state]} state media" if state in DEMONYMS else f"state media of {state}"


def rating(status: str | None) -> str:
    """The list's status as a phrase: ``Blacklisted; Generally unreliable`` -> ``blacklisted
    and generally unreliable``; scoped statuses keep their scope (Fox News has three)."""
    if not status:
        return ""
    scopes = []
    for scope in status.split("|"):
        words = [_lower_first(w.strip()) for w in scope.split(";") if w.strip()]
        # "Generally unreliable" reads first: it is the judgement; "blacklisted" the consequence
        words.sort(key=lambda w: not w.startswith(("generally", "no consensus", "deprecated")))
        scopes.append(" and ".join(words))
    return ", ".join(scopes)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def readable_date(iso: str | None) -> str:
    """``2021-11-22`` -> ``22 Nov 2021``; a year or a month alone as far as it goes."""
    if not iso:
        return ""
    found = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", iso)
    if not found:
        return iso
    year, month, day = found.groups()
    try:
        if day:
            return date(int(year), int(month), int(day)).strftime("%-d %b %Y")
        if month:
            return date(int(year), int(month), 1).strftime("%b %Y")
    except ValueError:
        return iso
    return year


def standing_of(info: DomainInfo) -> Standing:
    state_media = state_media_phrase(info.state) if info.category is Category.STATE_MEDIA else ""
    return Standing(
        domain=info.domain,
        name=info.name or info.domain,
        category=str(info.category),
        state_media=state_media,
        rating=rating(info.reliability),
        as_of=readable_date(info.reliability_as_of),
    )


def standings(article: Article) -> dict[str, Standing]:
    """The standing of every domain the article names, by domain."""
    return {info.domain: standing_of(info) for info in article.domains}


def cited_domains(article: Article) -> set[str]:
    """The domains whose standing matters to the reader: the outlet's, the chain's, the
    sources' outlets and backing links, and the author's own links (not share buttons,
    menus or footers, whose domains say nothing of what the article stands on)."""
    body = {lk.domain for lk in article.links if lk.region is Region.BODY and lk.domain}
    backing = {lk.url: lk.domain for lk in article.links if lk.domain}
    found = body | {c.outlet_domain for c in article.crossposts if c.outlet_domain}
    for a in article.attributions:
        found |= {d for d in (a.outlet_domain, backing.get(a.url or "")) if d}
    if article.metadata.outlet_domain:
        found.add(article.metadata.outlet_domain)
    return found


def notable(
    found: Mapping[str, Standing], first: Iterable[str] = (), among: set[str] | None = None
) -> list[Standing]:
    """The standings worth a line (state media, a perennial-sources rating) among the cited
    domains: ``first`` (the outlet) leads, then state media, then the rest by name."""
    kept = {d: s for d, s in found.items() if s.notable and (among is None or d in among)}
    lead = [kept[d] for d in first if d in kept]
    rest = sorted(
        (s for s in kept.values() if s not in lead), key=lambda s: (not s.state_media, s.name.lower())
    )
    return lead + rest

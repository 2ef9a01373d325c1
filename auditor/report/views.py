"""What one article's report shows, computed from the records before any HTML is written.

Templates only lay these values out; every count, share, colour group and safe link is
decided here, in pure functions that tests can call without parsing HTML.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from auditor.models import (
    BROKEN_STATUSES,
    OFFLINE_REASON,
    Audit,
    Category,
    CheckMode,
    CheckResult,
    Link,
    LinkKind,
    SourceKind,
    Status,
)
from auditor.report.quotes import QuoteRow, quote_row
from auditor.report.slug import safe_href
from auditor.report.standing import Standing, standings
from auditor.urls import check_key, host_of

GROUPS = ("alive", "moved", "broken", "blocked", "unchecked", "placeholder", "skipped")
GROUP_LABELS = {
    "alive": "alive",
    "moved": "moved",
    "broken": "broken",
    "blocked": "blocked",
    "unchecked": "unchecked",
    "placeholder": "placeholder",
    "skipped": "not checked",
}
# What each group holds, for tooltips and legends: the terminal, report and index all count
# with ``verdict`` below, so one definition stands behind every number a user sees.
GROUP_HELP = {
    "alive": "answered 200 OK at the URL cited",
    "moved": "redirected: the page answers, at another URL",
    "broken": "dead (404/410), soft-404, parked, server error, DNS, TLS or connection error, "
    "timeout, too many redirects, or an invalid URL",
    "blocked": "the server refused us (403, 429, bot wall): not evidence the page is gone",
    "unchecked": "not checked in this run (offline, or not in the cassette)",
    "placeholder": "an empty or placeholder href (#, javascript:void(0)...)",
    "skipped": "not a web link (mailto:, tel:, relative or malformed): never checked",
}
CHECKED_GROUPS = ("alive", "moved", "broken", "blocked")
STATE_MEDIA_HELP = (
    "sources said in state media or backed by a link to it, each counted once with its link; "
    "a link to state media that backs no source is counted apart, once per occurrence"
)


@dataclass(frozen=True, slots=True)
class Target:
    """A URL as shown: always as text, with ``href`` only when it is safe to follow."""

    text: str
    href: str | None


@dataclass(frozen=True, slots=True)
class LinkRow:
    position: int
    region: str
    text: str
    context: str
    target: Target
    domain: str
    category: str
    status: str
    group: str
    http_status: int | None
    reason: str
    hops: tuple[tuple[int, Target], ...]
    final: Target | None
    archive: Target | None
    checked_on: str = ""  # the check's date (YYYY-MM-DD): offline, or when it predates the run
    standing: Standing | None = None


@dataclass(frozen=True, slots=True)
class StateMediaCitation:
    """One citation of state media: a source said in or backed by it, or a bare link."""

    label: str  # "Glenn Diesen in RT (linked)", "link: cgtn.com"
    outlet: str  # "RT", "CGTN"
    state: str  # "Russia"; "" when the table names none
    source: bool  # a cited source (a card), not a bare link


@dataclass(frozen=True, slots=True)
class Verdict:
    links: int
    web: int
    checked: int
    counts: dict[str, int]
    self_share: float | None
    state_media: tuple[StateMediaCitation, ...]  # sources: the cards that carry the badge
    state_media_links: tuple[StateMediaCitation, ...]  # links to state media that back no source
    crosspost: str
    crossposted: bool
    mode: CheckMode = CheckMode.LIVE
    checked_on: tuple[str, ...] = ()  # dates of the checks shown that this run did not make
    sources: int = 0
    unnamed: int = 0  # anonymous and generic sources ("officials", "a senior aide"), among ``sources``
    quotes: dict[str, int] = field(default_factory=dict)  # linked quotes by verdict
    quotes_offline: bool = False  # none looked up: the run fetched nothing
    quotes_as_of: str = ""  # the last earlier run whose verdicts an offline run shows

    @property
    def linked_quotes(self) -> int:
        return sum(self.quotes.values())

    @property
    def unnamed_label(self) -> str:
        """ "4 of 11 sources are unnamed": how much of the article rests on people it does not name."""
        noun = "source" if self.sources == 1 else "sources"
        verb = "is" if self.unnamed == 1 else "are"
        return f"{self.unnamed} of {self.sources} {noun} {verb} unnamed"

    @property
    def any_state_media(self) -> bool:
        return bool(self.state_media or self.state_media_links)

    @property
    def not_checked(self) -> bool:
        """Nothing shown was checked: an offline run with no earlier check to fall back on."""
        return self.mode is CheckMode.OFFLINE and not self.checked


@dataclass(frozen=True, slots=True)
class SourceRow:
    name: str
    kind: str
    role: str
    outlet: str
    outlet_domain: str
    category: str
    characterisation: str
    cue: str
    quote: str
    evidence: str
    mentions: tuple[str, ...]
    target: Target | None
    status: str
    group: str
    standing: Standing | None = None
    quote_check: QuoteRow | None = None


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    note: str
    total: int
    segments: tuple[tuple[str, int], ...]  # (group, count)


def target(url: str | None) -> Target | None:
    return None if not url else Target(text=url, href=safe_href(url))


def status_of(link: Link, audit: Audit) -> tuple[str, str, CheckResult | None]:
    """(status label, colour group, check) for one link; non-web links are never checked."""
    if link.kind is LinkKind.PLACEHOLDER:
        return "placeholder", "placeholder", None
    if link.kind is not LinkKind.WEB:
        return str(link.kind), "skipped", None
    check = audit.check_for(check_key(link.url))
    if check is None:
        return "unchecked", "unchecked", None
    return str(check.status), group_of(check.status), check


def group_of(status: Status) -> str:
    if status is Status.OK:
        return "alive"
    if status is Status.REDIRECTED:
        return "moved"
    if status is Status.BLOCKED:
        return "blocked"
    if status in BROKEN_STATUSES:
        return "broken"
    return "unchecked"


def link_rows(audit: Audit) -> list[LinkRow]:
    rows = []
    found = standings(audit.article)
    started = audit.run.started_at[:10] if audit.run and audit.run.started_at else ""
    offline = audit.run is not None and audit.run.mode is CheckMode.OFFLINE
    for link in audit.article.links:
        status, group, check = status_of(link, audit)
        hops = (
            tuple((h.status, Target(text=h.url, href=safe_href(h.url))) for h in check.redirects)
            if check
            else ()
        )
        on = check.checked_at[:10] if check and check.status is not Status.UNCHECKED else ""
        rows.append(
            LinkRow(
                position=link.position,
                region=str(link.region),
                text=link.text,
                context=link.context,
                target=Target(text=link.url, href=safe_href(link.url) if link.kind is LinkKind.WEB else None),
                domain=shown_domain(link),
                category=str(link.category) if link.category else "",
                status=status,
                group=group,
                http_status=check.http_status if check else None,
                reason=_reason(check),
                hops=hops,
                final=target(check.final_url) if check and check.final_url != check.url else None,
                archive=target(check.archive_url) if check and group == "broken" else None,
                checked_on=on if on and (offline or (started and on < started)) else "",
                standing=found.get(link.domain or ""),
            )
        )
    return rows


def _reason(check: CheckResult | None) -> str:
    """The check's reason, or "" when it only repeats the HTTP code shown beside it."""
    if check is None or check.reason == f"HTTP {check.http_status}":
        return ""
    return check.reason


def shown_domain(link: Link) -> str:
    """The registrable domain, or the host when there is none (reserved TLDs, bare labels).

    ``tass.example`` has no public suffix, so its registrable domain comes out as the bare
    label ``example``: the host says more.
    """
    host = host_of(link.url) if link.kind is LinkKind.WEB else ""
    domain = link.domain or ""
    if not domain or ("." not in domain and ":" not in domain and host and host != domain):
        return host or domain
    return domain


def _key(url: str) -> str:
    try:
        return check_key(url)
    except ValueError:  # a malformed URL is its own key
        return url


def state_media_citations(
    audit: Audit, rows: Sequence[LinkRow]
) -> tuple[tuple[StateMediaCitation, ...], tuple[StateMediaCitation, ...]]:
    """(sources, links), as ``STATE_MEDIA_HELP`` says; the database's ``state_media_citations``
    view counts the same way."""
    states = {i.domain: i.state or "" for i in audit.article.domains}
    web = {_key(r.target.text): r for r in rows if r.group not in ("placeholder", "skipped")}
    sources, backing = [], set()
    for a in audit.article.attributions:
        link = web.get(_key(a.url)) if a.url else None
        if a.url:
            backing.add(_key(a.url))
        if a.outlet_category is Category.STATE_MEDIA:
            domain = a.outlet_domain or ""
        elif link is not None and link.category == Category.STATE_MEDIA:
            domain = link.domain  # said on state media's own pages
        else:
            continue
        named = link.standing.name if link is not None and link.standing else domain
        outlet = a.outlet or named or "state media"
        label = f"{a.source} in {outlet}" + (" (linked)" if link is not None else "")
        sources.append(StateMediaCitation(label, outlet, states.get(domain, ""), source=True))
    links = [
        StateMediaCitation(
            label=f"link: {r.domain or r.target.text}",
            outlet=(r.standing.name if r.standing else "") or r.domain or r.target.text,
            state=states.get(r.domain, ""),
            source=False,
        )
        for r in rows
        if r.category == Category.STATE_MEDIA and _key(r.target.text) not in backing
    ]
    return tuple(sources), tuple(links)


def verdict(audit: Audit, rows: Sequence[LinkRow]) -> Verdict:
    """The counts every view shows: link occurrences by status group, never ``unchecked``
    among the checked ones; state media as sources, and links that back none apart."""
    counts = Counter(r.group for r in rows)
    web = [r for r in rows if r.group not in ("placeholder", "skipped")]
    own = sum(1 for r in web if r.category == Category.SELF)
    sources, links = state_media_citations(audit, rows)
    chain = audit.article.crossposts
    if chain:
        first = chain[0]
        label = f"re-post of {first.original_outlet or first.outlet_domain or 'an unnamed outlet'}"
        label += f" ({first.method})" + (f", {len(chain)} steps" if len(chain) > 1 else "")
    else:
        label = "no cross-post found"
    return Verdict(
        links=len(rows),
        web=len(web),
        checked=sum(counts[g] for g in CHECKED_GROUPS),
        counts={g: counts[g] for g in GROUPS},
        self_share=own / len(web) if web else None,
        state_media=sources,
        state_media_links=links,
        crosspost=label,
        crossposted=bool(chain),
        mode=audit.run.mode if audit.run else CheckMode.LIVE,
        checked_on=tuple(sorted({r.checked_on for r in rows if r.checked_on})),
        sources=len(audit.article.attributions),
        unnamed=sum(1 for a in audit.article.attributions if a.kind is SourceKind.ANONYMOUS),
        quotes=dict(Counter(str(q.verdict) for q in audit.quotes)),
        quotes_offline=bool(audit.quotes) and all(q.reason == OFFLINE_REASON for q in audit.quotes),
        quotes_as_of=max((q.checked_at[:10] for q in audit.quotes if q.checked_at), default=""),
    )


def source_rows(audit: Audit, *, unnamed: bool = False) -> list[SourceRow]:
    """The named sources, or with ``unnamed`` the anonymous and generic ones, in text order."""
    rows = []
    found = standings(audit.article)
    links = {lk.url: lk for lk in audit.article.links if lk.kind is LinkKind.WEB}
    quoted = {q.attribution: q for q in reversed(audit.quotes) if q.attribution is not None}
    for index, a in enumerate(audit.article.attributions):
        if (a.kind is SourceKind.ANONYMOUS) is not unnamed:
            continue
        web = bool(a.url and safe_href(a.url))
        check = audit.check_for(_key(a.url)) if a.url and web else None
        status = (
            str(check.status)
            if check
            else ("unchecked" if web else "no link" if not a.url else "not a web link")
        )
        category, domain = (str(a.outlet_category) if a.outlet_category else ""), a.outlet_domain or ""
        backing = links.get(a.url or "")
        if backing is not None and backing.category is Category.STATE_MEDIA and category != "state-media":
            category, domain = str(Category.STATE_MEDIA), backing.domain or ""  # said on its pages
        rows.append(
            SourceRow(
                name=a.source,
                kind=str(a.kind),
                role=a.role or "",
                outlet=a.outlet or "",
                outlet_domain=a.outlet_domain or "",
                category=category,
                characterisation=a.characterisation or "",
                cue=a.cue,
                quote=a.quote or "",
                evidence=a.evidence,
                mentions=tuple(m for m in a.mentions if m != a.evidence),
                target=target(a.url),
                status=status,
                group=group_of(check.status) if check else ("unchecked" if web else "skipped"),
                standing=found.get(domain),
                quote_check=quote_row(quoted[index]) if index in quoted else None,
            )
        )
    return rows


def domain_bars(rows: Sequence[LinkRow], limit: int = 15) -> list[Bar]:
    """Links per domain, split by status group, most linked first."""
    per: dict[str, Counter[str]] = {}
    category: dict[str, str] = {}
    for r in rows:
        if r.domain:
            per.setdefault(r.domain, Counter())[r.group] += 1
            category.setdefault(r.domain, r.category)
    ranked = sorted(per.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:limit]
    return [
        Bar(
            label=domain,
            note=category[domain],
            total=sum(c.values()),
            segments=tuple((g, c[g]) for g in GROUPS if c[g]),
        )
        for domain, c in ranked
    ]

"""Cross-post chains: where this copy of the article was first published, and via whom.

Four independent signals, each weak alone, strong together:

- ``declared``: a credit line ("The original source of this article is X", "originally
  published at X", "first appeared in X", "republished from X", "reprinted from X", "this
  article was produced by X", "Source: X", "via X");
- ``dateline``: two outlet/date lines in the header, one of them this copy's;
- ``copyright``: "Copyright © author, outlet, year" naming another outlet;
- ``canonical``: rel=canonical, og:url or JSON-LD ``isBasedOn`` / ``sourceOrganization`` on
  another registrable domain than the page's own.

Signals naming the same outlet merge into one step whose ``method`` is the strongest and
whose ``methods`` lists them all. This copy's own outlet is never its own original. Image
captions ("Featured image: ... (Source: X)") credit a picture, not the text, and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from auditor.classify.registrable import domain_of
from auditor.extract import jsonld
from auditor.extract.attribution.names import OutletResolver
from auditor.extract.dates import parse_date
from auditor.models import Block, CrossPost, CrossPostMethod, Document, Link, LinkKind, Metadata, Region
from auditor.parse.text import DATELINE

__all__ = ["extract_crossposts"]

_STRENGTH = (
    CrossPostMethod.DECLARED,
    CrossPostMethod.CANONICAL,
    CrossPostMethod.COPYRIGHT,
    CrossPostMethod.DATELINE,
)
_O = r"(?P<o>[^.;|\n]{2,120})"
# (pattern, rank): rank 0 names the original, rank 1 an intermediary that passed it on.
_DECLARED: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p, re.I), rank)
    for p, rank in (
        (rf"\bthe original source of this (?:article|piece|story|post) is\s+{_O}", 0),
        (rf"\boriginally (?:published|posted|appeared|ran)\s+(?:at|in|on|by)\s+{_O}", 0),
        (rf"\bfirst (?:appeared|published|ran)\s+(?:at|in|on|by)\s+{_O}", 0),
        (rf"\bthis (?:article|piece|story|report) was produced by\s+{_O}", 0),
        (
            rf"\b(?:republished|reposted|reprinted)\s+(?:here\s+)?(?:from|with (?:the )?(?:kind )?permission (?:of|from))\s+{_O}",
            1,
        ),
        (rf"^\s*source\s*:\s*{_O}", 1),
        (r"^\s*\(?via\s+(?P<o>[^.;|\n()]{2,80})\)?\s*\.?\s*$", 1),
    )
)
_DECLARED_HINTS = (
    "original",
    "first appeared",
    "first published",
    "first ran",
    "republished",
    "reposted",
    "reprinted",
    "produced by",
    "source",
    "via ",
)
_COPYRIGHT = re.compile(r"(?:copyright\s*(?:©|\(c\))?|©)\s*(?P<body>[^\n]{2,160})", re.I)
_CAPTION = re.compile(
    r"^\s*(?:featured image|image|photo|picture|illustration|caption|video)\b[^:]{0,40}:", re.I
)
_TRAIL = re.compile(
    r"\s+(?:on|in)\s+(?=\w+\s+\d|\d)|,\s*(?=\w+\s+\d{1,2},?\s+\d{4}|\d)|\s+and\s+is\s+|\s+under\s+"
    r"|\s+with\s+(?:the\s+)?(?:kind\s+)?permission\b",
    re.I,
)
# "in 2015 by", "in March 2015 in", "on 3 May 2024 at": a date before the real outlet.
_LEADING_DATE = re.compile(
    r"^\s*(?:(?:\d{1,2}\s+)?[A-Z][a-z]+\.?\s+(?:\d{1,2},?\s+)?)?\d{4},?\s+(?:by|in|on|at)\s+(?=\S)"
)
_DIGIT_NAME = re.compile(r"^\d+[a-z]*[A-Z]")  # "9to5Mac", "7News"
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.I)
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?$", re.I)
# Media and formats, not outlets: "first appeared in print", "originally ran online".
_MEDIA = frozenset(
    {"print", "paper", "newspaper", "magazine", "journal", "online", "web", "internet", "weekly", "daily"}
)
_NOT_NAME = re.compile(r"^(?:\d{4}|all rights reserved|the author\(?s?\)?|author)$", re.I)


@dataclass(frozen=True, slots=True)
class _Signal:
    name: str | None
    method: CrossPostMethod
    evidence: str
    url: str | None = None
    published: str | None = None
    domain: str | None = None
    rank: int = 0


def _key(name: str | None) -> str:
    low = re.sub(r"[^\w\s]", "", (name or "").lower()).strip()
    return re.sub(r"^the\s+", "", low)


def _squash(name: str | None) -> str:
    return re.sub(r"\W", "", _key(name))


def extract_crossposts(
    doc: Document,
    metadata: Metadata,
    links: Sequence[Link],
    resolve_outlet: OutletResolver | None = None,
) -> tuple[CrossPost, ...]:
    """The chain from the original publication to the copy before this one, oldest first."""
    own = _Own.of(doc, metadata, resolve_outlet)
    signals = [
        *_declared(doc, links, resolve_outlet),
        *_datelines(doc, own),
        *_copyrights(doc, metadata),
        *_canonical(doc, metadata, own),
    ]
    groups: list[list[_Signal]] = []
    for signal in signals:
        if own.is_own(signal):
            continue
        group = next((g for g in groups if any(_same(signal, s) for s in g)), None)
        if group is None:
            groups.append([signal])
        else:
            group.append(signal)
    steps = [(_step(g, resolve_outlet), min(s.rank for s in g), i) for i, g in enumerate(groups)]
    if all(step.published for step, _, _ in steps):
        steps.sort(key=lambda t: (t[0].published or "", t[2]))
    else:
        steps.sort(key=lambda t: (t[1], t[2]))
    return tuple(step for step, _, _ in steps)


@dataclass(frozen=True, slots=True)
class _Own:
    """What identifies this copy: its outlet's name and registrable domains."""

    name: str
    domains: frozenset[str]

    @classmethod
    def of(cls, doc: Document, metadata: Metadata, resolve: OutletResolver | None) -> _Own:
        domains = {metadata.outlet_domain, domain_of(doc.url) if doc.url else None}
        if resolve and metadata.outlet and (info := resolve(metadata.outlet)):
            domains.add(info.domain)
        return cls(name=_key(metadata.outlet), domains=frozenset(d for d in domains if d))

    def is_own(self, signal: _Signal) -> bool:
        if signal.domain and signal.domain in self.domains:
            return True
        return bool(self.name) and bool(signal.name) and _key(signal.name) == self.name


def _same(a: _Signal, b: _Signal) -> bool:
    if a.domain and b.domain:
        return a.domain == b.domain
    ka, kb = _squash(a.name), _squash(b.name)
    if ka and kb and ka == kb:
        return True
    for named, other in ((a, b), (b, a)):
        if other.domain and named.name and not named.domain:
            label = re.sub(r"\W|_", "", other.domain.split(".")[0])
            if label and label == _squash(named.name):
                return True
    return False


def _step(group: list[_Signal], resolve: OutletResolver | None) -> CrossPost:
    methods = tuple(m for m in _STRENGTH if any(s.method is m for s in group))
    named = [s for s in group if s.name and s.method is not CrossPostMethod.CANONICAL] or group
    name = named[0].name
    url = next((s.url for s in group if s.url), None)
    domain = next((s.domain for s in group if s.domain), None)
    if domain is None and resolve and name and (info := resolve(name)):
        domain = info.domain
    if domain is None and url:
        domain = domain_of(url)
    evidence = " | ".join(dict.fromkeys(s.evidence for s in group))
    return CrossPost(
        original_outlet=name,
        original_url=url,
        published=next((s.published for s in group if s.published), None),
        method=methods[0],
        evidence=evidence[:600],
        outlet_domain=domain,
        methods=methods,
    )


def _web_url(block: Block, start: int, end: int, by_href: dict[str, Link]) -> str | None:
    """The web link on ``block.text[start:end]``, if any (a placeholder "#" is no URL)."""
    for anchor in block.anchors:
        if anchor.start < end and start < anchor.end:
            link = by_href.get(anchor.href)
            if link is not None and link.kind is LinkKind.WEB:
                return link.url
            if link is None and anchor.href.startswith(("http://", "https://")):
                return anchor.href
    return None


def _clean_outlet(text: str, resolve: OutletResolver | None) -> str | None:
    """The outlet a credit line names, or None when the words there name no outlet.

    "first appeared in print as a weekly" or "originally published in 2015 by the state
    auditor" name a medium, a year and an office, not a publication: an outlet is a
    capitalised proper name (after "the"), a handle, a domain, or a name the outlet table knows.
    """
    text = _LEADING_DATE.sub("", text, count=1)
    text = _TRAIL.split(text, maxsplit=1)[0]
    text = text.strip().strip("\"'“”‘’()[]").strip(" ,:-–—")
    if not text or len(text.split()) > 8 or _NOT_NAME.match(text):
        return None
    head = _DETERMINER.sub("", text)
    first = head.split()[0] if head.split() else ""
    if head.lower() in _MEDIA or not re.search(r"[^\W\d_]", first):
        return None
    if first[0].isupper() or first.startswith("@") or _DOMAIN.match(head) or _DIGIT_NAME.match(first):
        return text
    return text if resolve is not None and resolve(text) is not None else None


def _hinted(text: str) -> bool:
    low = text.lower()
    return any(h in low for h in _DECLARED_HINTS)


def _declared(doc: Document, links: Sequence[Link], resolve: OutletResolver | None) -> Iterator[_Signal]:
    by_href = {link.href: link for link in links}
    for block in doc.blocks:
        if len(block.text) > 600 or not _hinted(block.text) or _CAPTION.match(block.text):
            continue
        for pattern, rank in _DECLARED:
            m = pattern.search(block.text)
            if not m or (rank == 1 and block.region is Region.BODY and len(block.text) > 160):
                continue
            raw = m.group("o")
            url = _web_url(block, m.start("o"), m.end("o"), by_href)
            if raw.strip().lower().startswith(("http://", "https://", "www.")):
                url = url or raw.strip().split()[0]
                name = domain_of(url if "://" in url else f"https://{url}")
            else:
                name = _clean_outlet(raw, resolve)
            if name:
                yield _Signal(
                    name=name,
                    method=CrossPostMethod.DECLARED,
                    evidence=" ".join(block.text.split())[:300],
                    url=url,
                    published=parse_date(block.text),
                    domain=domain_of(url) if url else None,
                    rank=rank,
                )
            break


def _datelines(doc: Document, own: _Own) -> Iterator[_Signal]:
    """Header lines "Outlet, date": with two or more, every one but this copy's is a step."""
    found: list[tuple[str, str, str]] = []
    for block in doc.blocks[:40]:
        if block.region is Region.BODY:
            break
        m = DATELINE.match(block.text.strip())
        if m and (iso := parse_date(m.group("date"))):
            name = m.group("outlet").strip(" ,–—-")
            if (
                name
                and len(name.split()) <= 8
                and not re.match(r"(?i)^(by|updated|published|posted)\b", name)
            ):
                found.append((name, iso, block.text.strip()))
    if len(found) < 2:
        return
    if not any(_key(n) == own.name for n, _, _ in found):
        found.remove(max(found, key=lambda f: f[1]))  # the latest is this copy
    for name, iso, line in found:
        yield _Signal(name=name, method=CrossPostMethod.DATELINE, evidence=line, published=iso)


def _copyrights(doc: Document, metadata: Metadata) -> Iterator[_Signal]:
    authors = {_key(a) for a in metadata.authors}
    for block in doc.blocks:
        if block.region is Region.BODY and len(block.text) > 200:
            continue
        m = (
            _COPYRIGHT.search(block.text)
            if ("©" in block.text or "opyright" in block.text or "(c)" in block.text.lower())
            else None
        )
        if not m:
            continue
        body = re.sub(r"(?i)[.,]?\s*all rights reserved.*$", "", m.group("body"))
        parts = [p.strip(" .") for p in re.split(r",|\s+\|\s+", body)]
        names = [p for p in parts if p and not _NOT_NAME.match(p) and not re.fullmatch(r"[\d\s–-]+", p)]
        names = [re.sub(r"^\d{4}\s+", "", n) for n in names]
        candidates = [n for n in names if _key(n) not in authors and len(n.split()) <= 6]
        if len(candidates) > 1 and not authors:
            candidates = candidates[-1:]
        if len(candidates) == 1:
            yield _Signal(
                name=candidates[0], method=CrossPostMethod.COPYRIGHT, evidence=block.text.strip()[:300]
            )


def _canonical(doc: Document, metadata: Metadata, own: _Own) -> Iterator[_Signal]:
    """Canonical / og:url / JSON-LD pointers to another site; judged only if we know ours."""
    if not own.domains:
        return
    for label, url in (("canonical", metadata.canonical_url), ("og:url", metadata.og_url)):
        if url and (d := domain_of(url)) and d not in own.domains:
            yield _Signal(
                name=d, method=CrossPostMethod.CANONICAL, evidence=f"{label}: {url}", url=url, domain=d
            )
    for obj in jsonld.objects(doc.meta.json_ld):
        based = obj.get("isBasedOn")
        based_url = based if isinstance(based, str) else based.get("url") if isinstance(based, dict) else None
        if isinstance(based_url, str) and (d := domain_of(based_url)) and d not in own.domains:
            yield _Signal(
                name=d,
                method=CrossPostMethod.CANONICAL,
                evidence=f"isBasedOn: {based_url}",
                url=based_url,
                domain=d,
            )
        org = obj.get("sourceOrganization")
        if isinstance(org, dict):
            org_url, org_name = org.get("url"), org.get("name")
            d = domain_of(org_url) if isinstance(org_url, str) else None
            if d and d not in own.domains:
                name = org_name if isinstance(org_name, str) and org_name.strip() else d
                yield _Signal(
                    name=name,
                    method=CrossPostMethod.CANONICAL,
                    evidence=f"sourceOrganization: {name}",
                    domain=d,
                )

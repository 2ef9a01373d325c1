"""Cross-post chains: where this copy of the article was first published, and via whom.

Independent signals, each weak alone, strong together:

- ``declared``: a credit line (``crosspost/credits.py``: "The original source of this article
  is X", "originally published at X", "The post T appeared first on X.", "Courtesy of X",
  "Source: X", "via X"…), a wire's lead or tag ("CITY (Reuters) —", "… said. PTI");
- ``dateline``: two outlet/date lines in the header, one of them this copy's;
- ``copyright``: a rights line naming another outlet (``crosspost/rights.py``);
- ``canonical``: rel=canonical, og:url or JSON-LD ``isBasedOn`` / ``sourceOrganization`` on
  another registrable domain than the page's own.

This copy never becomes its own original: every name the site gives itself (outlet,
publisher, parent company, legal name, domain, initials) is recognised (``crosspost/own.py``).
Signals about one outlet merge into one step whose ``method`` is the strongest and whose
``methods`` lists them all; a step of weak evidence only (a footer rights line, a bare
address as the last line) is dropped. A step found by URL alone is named by the domain
table ("businessinsider.com" -> "Business Insider") so it merges with a step naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from auditor.classify.registrable import domain_of
from auditor.extract import jsonld
from auditor.extract.attribution.names import OutletResolver
from auditor.extract.crosspost.credits import byline_outlets, declared, last_line_address, wire
from auditor.extract.crosspost.own import Own, Signal, ld_names, squash
from auditor.extract.crosspost.rights import rights
from auditor.extract.dates import parse_date
from auditor.extract.outlet import DomainLookup
from auditor.models import CrossPost, CrossPostMethod, Document, Link, Metadata, Region
from auditor.parse.text import DATELINE

__all__ = ["extract_crossposts"]

_STRENGTH = (
    CrossPostMethod.DECLARED,
    CrossPostMethod.CANONICAL,
    CrossPostMethod.COPYRIGHT,
    CrossPostMethod.DATELINE,
)


def extract_crossposts(
    doc: Document,
    metadata: Metadata,
    links: Sequence[Link],
    resolve_outlet: OutletResolver | None = None,
    describe_domain: DomainLookup | None = None,
) -> tuple[CrossPost, ...]:
    """The chain from the original publication to the copy before this one, oldest first."""
    objects = jsonld.objects(doc.meta.json_ld)
    site_names = [v for k, v in doc.meta.meta if k in {"og:site_name", "application-name"} and v]
    own = Own.of(metadata, doc.url, [*site_names, *ld_names(objects)], resolve_outlet, describe_domain)
    signals = [
        *declared(doc, links, resolve_outlet),
        *byline_outlets(doc, resolve_outlet),
        *wire(doc),
        *last_line_address(doc),
        *_datelines(doc, own),
        *rights(doc, metadata, own),
        *_canonical(objects, metadata, own),
    ]
    groups: list[list[Signal]] = []
    for signal in signals:
        if own.is_own(signal):
            continue
        group = next((g for g in groups if any(_same(signal, s, describe_domain) for s in g)), None)
        if group is None:
            groups.append([signal])
        else:
            group.append(signal)
    groups = [g for g in groups if not all(s.weak for s in g)]
    # A hop that some signal calls an intermediary ("Source:", "via") is later than one only
    # ever called the original: "first ran on A" inside B's copy, under "Originally at B".
    steps = [
        (_step(g, resolve_outlet, describe_domain), max(s.rank for s in g), i) for i, g in enumerate(groups)
    ]
    steps = [t for t in steps if not own.names(t[0].original_outlet)]
    if all(step.published for step, _, _ in steps):
        steps.sort(key=lambda t: (t[0].published or "", t[2]))
    else:
        steps.sort(key=lambda t: (t[1], t[2]))
    return tuple(step for step, _, _ in steps)


def _outlet_of(domain: str | None, describe: DomainLookup | None) -> str | None:
    info = describe(domain) if describe and domain else None
    # a hosted blog ("x.blogspot.com") is its own site: the platform's row does not name it
    return info.name if info is not None and info.name and info.domain == domain else None


def _same(a: Signal, b: Signal, describe: DomainLookup | None) -> bool:
    if a.domain and b.domain:
        return a.domain == b.domain
    ka, kb = squash(a.name), squash(b.name)
    if ka and kb and ka == kb:
        return True
    for named, other in ((a, b), (b, a)):
        if other.domain and named.name and not named.domain:
            label = re.sub(r"\W|_", "", other.domain.split(".")[0])
            if label and squash(named.name) in {label, label.removeprefix("the")}:
                return True
            if squash(_outlet_of(other.domain, describe)) == squash(named.name):
                return True
    return False


def _step(group: list[Signal], resolve: OutletResolver | None, describe: DomainLookup | None) -> CrossPost:
    methods = tuple(m for m in _STRENGTH if any(s.method is m for s in group))
    by_name = [s for s in group if s.name and s.name != s.domain]
    url = next((s.url for s in group if s.url), None)
    domain = next((s.domain for s in group if s.domain), None)
    name = by_name[0].name if by_name else None
    if domain is None and resolve and name and (info := resolve(name)):
        domain = info.domain
    if domain is None and url:
        domain = domain_of(url)
    if name is None:
        # found by address alone: the table's name for the domain, else the domain
        name = _outlet_of(domain, describe) or group[0].name
    # one line per signal, led by the method that read it: "dateline: Indian Punchline 22 …"
    evidence = "\n".join(dict.fromkeys(_line(s) for s in group))
    return CrossPost(
        original_outlet=name,
        original_url=url,
        published=next((s.published for s in group if s.published), None),
        method=methods[0],
        evidence=evidence[:600],
        outlet_domain=domain,
        methods=methods,
    )


def _line(signal: Signal) -> str:
    method = str(signal.method)
    text = signal.evidence.strip()
    return text if text.startswith(f"{method}: ") else f"{method}: {text}"


def _datelines(doc: Document, own: Own) -> Iterator[Signal]:
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
    if not any(own.names(n) for n, _, _ in found):
        found.remove(max(found, key=lambda f: f[1]))  # the latest is this copy
    for name, iso, line in found:
        yield Signal(name=name, method=CrossPostMethod.DATELINE, evidence=line, published=iso)


def _canonical(objects: Sequence[dict[str, Any]], metadata: Metadata, own: Own) -> Iterator[Signal]:
    """Canonical / og:url / JSON-LD pointers to another site; judged only if we know ours."""
    if not own.domains:
        return
    for label, url in (("canonical", metadata.canonical_url), ("og:url", metadata.og_url)):
        if url and (d := domain_of(url)) and d not in own.domains:
            yield Signal(
                name=d, method=CrossPostMethod.CANONICAL, evidence=f"{label}: {url}", url=url, domain=d
            )
    for obj in objects:
        based = obj.get("isBasedOn")
        based_url = based if isinstance(based, str) else based.get("url") if isinstance(based, dict) else None
        if isinstance(based_url, str) and (d := domain_of(based_url)) and d not in own.domains:
            yield Signal(
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
                yield Signal(
                    name=name,
                    method=CrossPostMethod.CANONICAL,
                    evidence=f"sourceOrganization: {name}",
                    domain=d,
                )

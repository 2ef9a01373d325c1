"""The provenance chain as evidence: each step with its own address, the lines that say so
(each with the method that read it), and a timeline of every date known.

A step's address is its own: the original's URL on the original, this copy's on this copy.
A republished page's rel=canonical names the original's site, so it is never shown as the
copy's address. A near-duplicate step is an article of the same corpus: it is named by its
outlet and headline and linked to its own report, never shown as a file path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.classify.registrable import domain_of
from auditor.models import Audit, CrossPost, CrossPostMethod, Metadata
from auditor.report.slug import safe_href, slug_for
from auditor.report.standing import readable_date
from auditor.report.views import Target
from auditor.urls import host_of

_METHODS = tuple(m.value for m in CrossPostMethod)
_WAYBACK = re.compile(r"/web/(\d{4})(\d{2})?(\d{2})?\d*")


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    method: str  # declared, dateline, copyright, canonical, near-duplicate
    text: str


@dataclass(frozen=True, slots=True)
class ChainNode:
    outlet: str
    domain: str
    published: str  # as written, YYYY-MM-DD
    when: str  # readable: "22 Nov 2021"
    title: str
    address: Target | None  # a web address, or the report of an audited copy
    methods: tuple[str, ...]
    evidence: tuple[EvidenceLine, ...]
    similarity: float | None
    this_copy: bool = False


@dataclass(frozen=True, slots=True)
class Moment:
    """One dated event of the timeline."""

    date: str  # YYYY-MM-DD (or YYYY-MM, YYYY): sorts as text
    when: str  # readable
    what: str
    detail: str = ""


def evidence_lines(step: CrossPost) -> tuple[EvidenceLine, ...]:
    """``declared: …`` lines as the extractor writes them; older single-line evidence (joined
    with `` | ``) is split too, each piece under the step's strongest method."""
    lines = []
    for raw in re.split(r"\n| \| ", step.evidence or ""):
        text = raw.strip()
        if not text:
            continue
        method, _, rest = text.partition(": ")
        if method in _METHODS and rest:
            lines.append(EvidenceLine(method=method, text=rest))
        else:
            lines.append(EvidenceLine(method=str(step.method), text=text))
    return tuple(lines)


def own_address(meta: Metadata, source: str) -> str | None:
    """This copy's own URL: og:url or canonical on its own site, else the URL it was read from."""
    for url in (meta.og_url, meta.canonical_url):
        if url and safe_href(url) and (meta.outlet_domain is None or _on_site(url, meta.outlet_domain)):
            return url
    return source if safe_href(source) else None


def _on_site(url: str, domain: str) -> bool:
    host = (host_of(url) or "").lower().removeprefix("www.")
    return host == domain or host.endswith("." + domain) or domain_of(url) == domain


def _step_address(step: CrossPost) -> Target | None:
    url = step.original_url
    if not url:
        return None
    if safe_href(url):
        return Target(text=url, href=url)
    if step.method is CrossPostMethod.NEAR_DUPLICATE:  # another article of the corpus
        return Target(text="its report in this folder", href=slug_for(url) + ".html")
    return None


def chain_nodes(audit: Audit) -> list[ChainNode]:
    """Original first, then each re-post, then this copy; empty when nothing was found."""
    article = audit.article
    if not article.crossposts:
        return []
    nodes = [
        ChainNode(
            outlet=cp.original_outlet or cp.outlet_domain or "unnamed outlet",
            domain=cp.outlet_domain or "",
            published=cp.published or "",
            when=readable_date(cp.published),
            title=cp.title or "",
            address=_step_address(cp),
            methods=tuple(str(m) for m in (cp.methods or (cp.method,))),
            evidence=evidence_lines(cp),
            similarity=cp.similarity,
        )
        for cp in article.crossposts
    ]
    meta = article.metadata
    here = own_address(meta, article.source)
    nodes.append(
        ChainNode(
            outlet=meta.outlet or meta.outlet_domain or "this copy",
            domain=meta.outlet_domain or "",
            published=meta.published or "",
            when=readable_date(meta.published),
            title=meta.title or "",
            address=Target(text=here, href=here) if here else None,
            methods=(),
            evidence=(),
            similarity=None,
            this_copy=True,
        )
    )
    return nodes


def wayback_date(url: str | None) -> str:
    """``https://web.archive.org/web/20190310…/…`` -> ``2019-03-10`` (as far as it is given)."""
    found = _WAYBACK.search(url or "")
    if not found:
        return ""
    return "-".join(p for p in found.groups() if p)


def timeline(audit: Audit) -> list[Moment]:
    """Every date the audit knows, oldest first: publications, archived copies, checks."""
    article, meta = audit.article, audit.article.metadata
    moments = []
    for step in article.crossposts:
        if step.published:
            who = step.original_outlet or step.outlet_domain or "an unnamed outlet"
            what = (
                "near-duplicate copy published"
                if step.method is CrossPostMethod.NEAR_DUPLICATE
                else "published"
            )
            moments.append(
                Moment(step.published, readable_date(step.published), f"{who}: {what}", step.title or "")
            )
    if meta.published:
        who = meta.outlet or meta.outlet_domain or "this copy"
        what = "this copy published" if article.crossposts else "published"
        moments.append(
            Moment(meta.published, readable_date(meta.published), f"{who}: {what}", meta.title or "")
        )
    for check in audit.checks:
        archived = wayback_date(check.archive_url)
        if archived:
            moments.append(
                Moment(archived, readable_date(archived), "archived copy of a cited page", check.url)
            )
    checked = sorted(c.checked_at[:10] for c in audit.checks if c.checked_at and str(c.status) != "unchecked")
    if checked:
        span = readable_date(checked[0]) + (
            "" if checked[0] == checked[-1] else f" to {readable_date(checked[-1])}"
        )
        moments.append(Moment(checked[-1], span, f"links checked ({len(checked)} URLs)"))
    return sorted(moments, key=lambda m: m.date)

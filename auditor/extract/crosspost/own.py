"""What identifies this copy, so that the site's own rights line never becomes its "original".

A site names itself many ways: "The Daily Example" in ``og:site_name``, "The Daily Example
Company" or "Example Media Group Limited" in its footer, "© 1996-2015 The Example Post", a
parent company in JSON-LD (``publisher.parentOrganization``, ``copyrightHolder``), its
domain ("dailyexample.com"), an abbreviation ("TDE"). Names are compared as keys: case,
"the", punctuation, years, ©, and corporate words (Inc, LLC, Ltd, Pvt. Ltd, Group, Company,
Media, Network…) removed; a key also matches the domain's label with spaces squeezed out,
and an abbreviation matches the initials of a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from auditor.classify.registrable import domain_of
from auditor.extract.outlet import DomainLookup
from auditor.models import CrossPostMethod, Metadata

_CORPORATE = frozenset(
    """inc incorporated llc llp ltd limited pvt private plc gmbh ag sa sas sarl spa srl bv nv oy ab as
    co company companies corp corporation group groups holding holdings media network networks
    publishing publications publishers communications newspapers digital interactive enterprises
    international worldwide foundation trust""".split()
)
_YEARS = re.compile(r"\b(?:19|20)\d{2}\b(?:\s*[-–—/]\s*(?:19|20)?\d{2,4})?")


def key(name: str | None) -> str:
    """A name reduced to its distinctive words ("© 1996-2015 The Example Post, Inc." -> "example post")."""
    text = _YEARS.sub(" ", (name or "").replace("©", " ").replace("(c)", " "))
    words = re.findall(r"[^\W_]+", text.casefold())
    if words[:1] == ["the"]:
        words = words[1:]
    while len(words) > 1 and words[-1] in _CORPORATE:
        words.pop()
    return " ".join(words)


def squash(name: str | None) -> str:
    return key(name).replace(" ", "")


def _initials(name: str) -> str:
    return "".join(w[0] for w in key(name).split())


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence that this copy came from another outlet."""

    name: str | None
    method: CrossPostMethod
    evidence: str
    url: str | None = None
    published: str | None = None
    domain: str | None = None
    rank: int = 0  # 0 names the original, 1 an intermediary that passed it on
    weak: bool = False  # alone it proves nothing (a footer rights line, a bare last-line URL)


@dataclass(frozen=True, slots=True)
class Own:
    """This copy's names (as keys) and registrable domains."""

    keys: frozenset[str]
    domains: frozenset[str]

    @classmethod
    def of(
        cls,
        metadata: Metadata,
        page_url: str | None,
        names: Iterable[str],
        resolve: DomainLookup | None,
        describe: DomainLookup | None,
    ) -> Own:
        page_domain = domain_of(page_url) if page_url else None
        domains = {metadata.outlet_domain, page_domain if page_domain and "." in page_domain else None}
        all_names = [n for n in (metadata.outlet, *names) if n]
        for name in list(all_names):
            if resolve and (info := resolve(name)):
                domains.add(info.domain)
        for domain in [d for d in domains if d]:
            if describe and (info := describe(domain)) and info.name:
                all_names.append(info.name)
        return cls(
            keys=frozenset(k for n in all_names if (k := key(n))),
            domains=frozenset(d for d in domains if d and "." in d),
        )

    @property
    def known(self) -> bool:
        return bool(self.keys or self.domains)

    def names(self, name: str | None) -> bool:
        """Whether ``name`` is one of this site's names (legal name, parent, domain, initials)."""
        k = key(name)
        if not k:
            return False
        flat = k.replace(" ", "")
        for own in self.keys:
            if k == own or flat == own.replace(" ", ""):
                return True
            longer, shorter = (k, own) if len(k) > len(own) else (own, k)
            if longer.startswith(shorter + " ") and set(longer[len(shorter) :].split()) <= _CORPORATE:
                return True  # "Example Media Network" and "Example"
            if " " in own and len(flat) >= 2 and flat in {_initials(own), "t" + _initials(own)}:
                return True  # "DE" or "TDE" and "The Daily Example"
        return flat in {re.sub(r"\W|_", "", d.split(".")[0]) for d in self.domains}

    def is_own(self, signal: Signal) -> bool:
        if signal.domain and signal.domain in self.domains:
            return True
        return self.names(signal.name)


def _org_names(node: Any) -> Iterator[str]:
    for item in node[:10] if isinstance(node, list) else [node]:
        if isinstance(item, str) and item.strip():
            yield item
        elif isinstance(item, dict):
            if isinstance(item.get("name"), str) and item["name"].strip():
                yield item["name"]
            parent = item.get("parentOrganization")
            if isinstance(parent, dict) and isinstance(parent.get("name"), str):
                yield parent["name"]


def ld_names(objects: Iterable[dict[str, Any]]) -> list[str]:
    """Names the page's JSON-LD gives itself: publisher, its parent, the rights holder, the site."""
    out: list[str] = []
    for obj in objects:
        for field in ("publisher", "copyrightHolder"):
            out.extend(_org_names(obj.get(field)))
        if (
            "website" in str(obj.get("@type", "")).lower()
            or "organization" in str(obj.get("@type", "")).lower()
        ):
            out.extend(_org_names(obj.get("name")))
    return out[:20]

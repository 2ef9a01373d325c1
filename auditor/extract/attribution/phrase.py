"""A classified noun phrase, its comparison key, and what names an outlet or a place.

The base of the attribution package: ``names``, ``outlets``, ``anonymous`` and the resolver
all speak in ``Phrase`` values, and ask ``is_outlet`` / ``is_place`` the same questions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from auditor.extract.attribution.lexicon import OUTLETS, PLACES
from auditor.models import Category, DomainInfo, SourceKind

OutletResolver = Callable[[str], DomainInfo | None]

OUTLET_CATEGORIES = frozenset(
    {
        Category.NEWS,
        Category.STATE_MEDIA,
        Category.WIRE,
        Category.SOCIAL,
        Category.VIDEO,
        Category.BLOG_PLATFORM,
        Category.FACT_CHECK,
    }
)
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A classified noun phrase: canonical name, kind and whatever role it carried."""

    name: str
    kind: SourceKind
    role: str | None = None
    place_only: bool = False  # a bare place: a speaker only with a plain "X said"
    reference: str | None = None  # "he"/"she", a role noun ("ambassador"), "org:<head>", "doc"
    via: str | None = None  # "a study by X": the document noun
    honorific: str | None = None  # "Mr.", "Ms." as written: a person and a gender, not a role


@lru_cache(maxsize=8192)
def key(name: str) -> str:
    """Comparison form of a name: lower case, no leading article, no punctuation."""
    low = re.sub(r"[^\w\s-]", "", name.lower()).strip()
    return re.sub(r"^the\s+", "", low)


def strip_article(text: str) -> str:
    return _ARTICLE.sub("", text.strip())


_OUTLET_KEYS = frozenset(key(o) for o in OUTLETS)


def is_outlet(name: str, resolve: OutletResolver | None) -> bool:
    """Known as a media outlet or platform (the domain table also knows ministries: not those)."""
    if key(name) in _OUTLET_KEYS:
        return True
    return resolve is not None and _resolved_outlet(name, resolve)


@lru_cache(maxsize=8192)
def _resolved_outlet(name: str, resolve: OutletResolver) -> bool:
    info = resolve(name)
    return info is not None and info.category in OUTLET_CATEGORIES


def is_place(name: str) -> bool:
    return key(name) in PLACES or name.lower().strip() in PLACES

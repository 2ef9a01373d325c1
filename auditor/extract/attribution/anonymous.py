"""Unnamed and generic sources: "a senior administration official", "sources familiar with
the matter", "experts", "Clinton aides", "a new poll".

A fact-checker wants to know how much of an article rests on people it does not name, so
these are reported as sources of their own kind (``anonymous``), with the words the article
used and no invented name. The phrase is a noun phrase whose head is a person-like or generic
noun (``HEADS``), with any modifiers before it ("senior White House", "Clinton's", "two") and
an optional qualifier after it ("familiar with the talks", "close to him", "in Ohio"). A name
before the head ("Ada Holm's aides") says whom they work for, not who they are.
"""

from __future__ import annotations

import re

from auditor.extract.attribution.lexicon import word_set

HEADS = word_set(
    """official officials source sources aide aides adviser advisers advisor advisors expert
    experts analyst analysts critic critics observer observers strategist strategists insider
    insiders staffer staffers lawmaker lawmakers legislators diplomat diplomats researcher
    researchers scientist scientists investigator investigators prosecutor prosecutors
    supporter supporters opponent opponents voter voters resident residents witnesses
    organizer organizers organiser organisers activist activists advocates democrat democrats
    republican republicans conservatives liberals progressives economists operative operatives
    donors delegates protesters protestors demonstrators senators congressmen representatives
    leaders insiders allies confidants associates friends pundits commentators veterans
    employees workers doctors lawyers attorneys negotiators participants respondents
    americans students parents teachers officers authorities someone person people poll polls
    survey surveys reports studies research statistics spokesman spokeswoman spokesperson
    candidates groups firm"""
)
# Generic documents ("a new poll", "studies"): unnamed, and not people.
_DOCUMENT_HEADS = frozenset(
    {"poll", "polls", "survey", "surveys", "reports", "studies", "research", "statistics"}
)
_SINGULAR_ROLE = frozenset(
    {"official", "source", "aide", "adviser", "advisor", "expert", "analyst", "critic"}
)
_DETERMINERS = word_set(
    """a an one another two three four five several some many most other few various numerous
    multiple the these those both all his her their its our nearly about more than at least
    only dozens of hundreds top senior"""
)
# "familiar with the talks", "close to the campaign", "who spoke on condition of anonymity".
_QUALIFIER = re.compile(
    r"\s+(?:familiar\s+with|close\s+to|with\s+(?:direct\s+)?knowledge\s+of|briefed\s+on|involved\s+in|"
    r"speaking\s+on|who\s|in|at|from|for|of|on|within|across|around|inside|outside)\b.*$",
    re.I,
)
_NOT_OPENING = word_set(
    "for to of in on at by with about as if whether whose which what when where while because"
)
_PARTISANS = frozenset({"democrat", "democrats", "republican", "republicans"})
_VERBS = word_set("is are was were has have had will would could can may might should must do does did")
_THOSE = re.compile(r"^(?:those|people|someone|one)\s+(?:close\s+to|familiar\s+with|who\s)", re.I)


def anonymous(clause: str) -> tuple[str, str, str] | None:
    """(source as written, role, head noun in the singular) when ``clause`` is an unnamed or
    generic source, else None."""
    text = clause.strip().rstrip(",").strip()
    if not text or len(text) > 120:
        return None
    core = _QUALIFIER.sub("", text) if not _THOSE.match(text) else text
    words = core.split()
    if not words or len(words) > 7 or words[0].lower() in _NOT_OPENING or "that" in words or "who" in words:
        return None  # "for the notion that people", "whose leaders": no noun phrase
    head = words[-1].lower().rstrip(".,")
    if _THOSE.match(text):
        head = "people"
    elif head not in HEADS:
        return None
    if any(w.lower() in _VERBS for w in words):
        return None  # a clause, not a noun phrase: "the Republican is also urging his supporters"
    if words[-1][:1].isupper() and len(words) > 1 and head not in _PARTISANS:
        return None  # "The Charlotte Observer" is a name
    if head in _PARTISANS and not head.endswith("s") and words[0].lower() == "the":
        return None  # "the Republican" is someone named before
    if head in {"someone", "person", "people"} and core == text and len(words) == 1:
        return None  # "people said" is too vague even to count
    if head in _SINGULAR_ROLE and not words[:-1]:
        return None  # a bare singular ("Official said") is a headline fragment
    role = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
    return text, role, head[:-1] if head.endswith("s") and head not in {"witnesses", "research"} else head


_AT_ORGANISATION = re.compile(
    r"^[\w\s-]*?\b(?:(?i:"
    + "|".join(sorted(HEADS, key=len, reverse=True))
    + r")\s+(?:at|from)|(?i:spokesman|spokeswoman|spokesperson)\s+for)\s+(?P<org>(?:the\s+)?[A-Z].*)$"
)


def speaks_for(clause: str) -> str | None:
    """ "Shipping analysts at Linerlytica", "officials from the Water Board", "a spokesman for
    the Commission": the organisation named after "at", "from" (or a spokesperson's "for"),
    for whom the unnamed people speak."""
    m = _AT_ORGANISATION.match(clause.strip())
    return m.group("org") if m else None


def is_generic_document(role: str) -> bool:
    words = _QUALIFIER.sub("", role).split()
    return bool(words) and words[-1].lower() in _DOCUMENT_HEADS

"""Outlets as sources: "The Harbour Ledger reported", "Sputnik's editors", "the newspaper".

An outlet speaks when the article says its journalists or its editorial board did; an unknown
name is an outlet when it ends in a masthead word ("Ledger", "Gazette", "Post"), and "the
newspaper", "the daily" or "the network" refers to the last outlet named before it (the
resolver finds it).
"""

from __future__ import annotations

import re

from auditor.extract.attribution.lexicon import FIRST_NAMES, word_set
from auditor.extract.attribution.phrase import OutletResolver, Phrase, is_outlet, strip_article
from auditor.models import SourceKind

# Masthead words: a capitalised name ending in one of these is a newspaper, network or wire.
MASTHEADS = word_set(
    """Post Times Journal Herald Tribune Gazette Observer Chronicle Ledger Daily News Telegraph
    Guardian Inquirer Examiner Monitor Courier Register Star Sun Mail Express Bulletin Dispatch
    Record Magazine Weekly Radio Television TV Network Wire Press Broadcasting Newspaper Review"""
)
# The nouns with which an article refers back to an outlet it named: "the newspaper said".
OUTLET_NOUNS = word_set(
    """newspaper paper daily network broadcaster magazine outlet publication tabloid weekly
    channel station wire"""
)
_MASTHEAD_RE = "|".join(sorted(MASTHEADS, key=len, reverse=True))
# Outlet names in running text, for "the newspaper" and "The Post" to refer back to.
OUTLET_NAME = re.compile(rf"\b((?:The\s+)?(?:[A-Z][\w.&’'-]*\s+){{1,4}}(?:{_MASTHEAD_RE}))\b")

_POSSESSIVE = re.compile(r"[’']s$")
_COLLECTIVES = frozenset(
    {
        "editors",
        "editor",
        "reporters",
        "reporter",
        "correspondent",
        "correspondents",
        "journalists",
        "staff",
        "newsroom",
    }
)


def outlet_collective(words: list[str], resolve: OutletResolver | None) -> Phrase | None:
    """ "Sputnik's editors", "the BBC's correspondent": the outlet speaks, as "Tass said" would."""
    if len(words) < 2 or words[-1].lower() not in _COLLECTIVES or not _POSSESSIVE.search(words[-2]):
        return None
    owner = strip_article(" ".join([*words[max(0, len(words) - 5) : -2], _POSSESSIVE.sub("", words[-2])]))
    for i in range(len(owner.split())):
        cand = " ".join(owner.split()[i:])
        if cand[:1].isupper() and is_outlet(cand, resolve):
            return Phrase(name=cand, kind=SourceKind.OUTLET)
    return None


def masthead(words: list[str]) -> str | None:
    """ "The Harbour Ledger", "Fox News", "The Post": a name ending in a masthead word (with
    "The" when it is one word); never a person's name ("Ada Star")."""
    body = words[1:] if words and words[0].lower() == "the" else words
    if not body or body[-1] not in MASTHEADS or len(body) > 5:
        return None
    if len(body) == 1 and len(body) == len(words):
        return None  # "Post" alone is no outlet; "The Post" is
    if not all(w[:1].isupper() or w in {"of", "&", "and"} for w in body):
        return None
    if len(body) == 2 and body[0].lower() in FIRST_NAMES:
        return None
    return " ".join(body)


def refers_to_outlet(words: list[str]) -> bool:
    """ "the newspaper", "the influential US daily", "the editorial board": an outlet named before."""
    if len(words) < 2 or len(words) > 5 or words[0].lower() != "the":
        return False
    if [w.lower() for w in words[-2:]] == ["editorial", "board"]:
        return len(words) == 3
    return words[-1] in OUTLET_NOUNS and all(
        not w[:1].isupper() or w.isupper() or len(w) <= 3 for w in words[1:-1]
    )


def editorial_board(words: list[str], resolve: OutletResolver | None) -> str | None:
    """ "The Post's editorial board", "the Ledger editorial board", "the editorial board of the
    Ledger": the outlet whose board it is."""
    low = [w.lower() for w in words]
    if len(words) >= 4 and low[-2:] == ["editorial", "board"]:
        owner = [_POSSESSIVE.sub("", w) for w in words[:-2]]
    elif "editorial" in low and low[low.index("editorial") + 1 : low.index("editorial") + 3] == [
        "board",
        "of",
    ]:
        owner = words[low.index("editorial") + 3 :]
    else:
        return None
    name = masthead(owner) or strip_article(" ".join(owner))
    return name if name and (masthead(owner) or is_outlet(name, resolve)) else None


def outlet_phrase(name: str) -> Phrase:
    """An outlet's phrase; a one-word masthead ("The Post") refers back to a fuller name."""
    return Phrase(name=name, kind=SourceKind.OUTLET, reference="outlet:" if " " not in name else None)

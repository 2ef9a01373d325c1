"""What a noun phrase denotes: a person, an organisation, an outlet, a document, or nothing.

Precision comes from closed word lists (``lexicon``) rather than from capital letters: a
phrase is an organisation when an organisation noun heads it ("ministry", "Institute for
...", "Kremlin") and it spans the whole subject, a document when a document noun heads it
("press release", "report"), an outlet when the domain table or the short outlet list knows
it, and a person when it is a run of name-like words, with any title before it. A place
("Taiwan", "Beijing") is flagged so that the caller accepts it only in the plainest "Beijing
said"; "I", "we" and "they" are never sources.
"""

from __future__ import annotations

import re
from functools import lru_cache

from auditor.extract.attribution.anonymous import anonymous, speaks_for
from auditor.extract.attribution.lexicon import (
    DETERMINERS,
    DOC_HEADS,
    FIRST_NAMES,
    HONORIFICS,
    INTRO_WORDS,
    NAME_TOKEN,
    NATIONALITY,
    NON_SUBJECTS,
    ORG_HEADS,
    ORG_LOWER_OK,
    ORG_MULTI,
    PREMODIFIER_ROLES,
    PRONOUNS,
    ROLE_NOUNS,
    SPOKES_NOUNS,
    TITLES,
)
from auditor.extract.attribution.outlets import (
    editorial_board,
    masthead,
    outlet_collective,
    outlet_phrase,
    refers_to_outlet,
)
from auditor.extract.attribution.phrase import (
    OutletResolver,
    Phrase,
    is_outlet,
    is_place,
    key,
    strip_article,
)
from auditor.models import SourceKind

__all__ = ["OutletResolver", "Phrase", "classify", "is_outlet", "is_place", "key", "strip_article"]
_SUFFIXES = frozenset({"II", "III", "IV", "JR", "SR"})
_RELATIVES = frozenset({"who", "whom", "whose", "which", "that"})
_SPEAKS_FOR = frozenset({SourceKind.ORGANISATION, SourceKind.OUTLET})

_JOINERS = frozenset({"of", "for", "on", "the", "and", "&", "a", "an"})
_PARTICIPLE = re.compile(
    r"\s+(?:issued|published|released|signed|adopted|drafted|prepared|compiled|conducted|filed|aired|posted)"
    r"(?:\s+by\s+.*|\s+(?:on\s+|last\s+|this\s+|earlier\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"week|month|year|earlier\s+this\s+(?:week|month|year))|)$",
    re.I,
)
_DOC_BY = re.compile(
    r"^(?:an?|the|its|his|her|their)\s+(?:[\w-]+\s+){0,2}?(?P<doc>"
    + "|".join(sorted(DOC_HEADS, key=len, reverse=True))
    + r")\s+(?:(?:(?:published|issued|released|prepared|compiled|commissioned)\s+)?(?:by|from|of)|(?:published|appearing|appeared)\s+in)\s+(?P<by>.+)$",
    re.I,
)
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"[’']s$")
_PREPOSITIONS = frozenset("with against about to for from by toward towards between at of in on".split())
_DESCRIPTOR_NOUNS = frozenset(
    {"head", "member", "members", "leader", "chief", "founder", "host", "fellow", "state", "affairs", "staff"}
    | {"city", "town", "county", "government", "province", "region"}
)
_DOC_HINT = re.compile(r"\s(?:by|from|of|in)\s")
_AFFILIATION = re.compile(r"^(?P<p>.+?[A-Z][\w’'.-]*)\s+(?P<aff>(?:of|at|from)\s+(?:the\s+)?[A-Z].*)$")
_PREP_START = re.compile(
    r"^(?:in|on|at|during|after|before|for|with|by|from|to|when|while|as|since|last|this|yesterday|today|earlier|later)\b",
    re.I,
)


def _head(word: str) -> str:
    return _POSSESSIVE.sub("", word.lower())


def _org_ok(word: str) -> bool:
    low = word.lower()
    return (
        word[:1].isupper() or low in ORG_LOWER_OK or low in ORG_HEADS or low in TITLES or _head(word) != low
    )


def _org_phrase(words: list[str]) -> str | None:
    """An organisation phrase spanning all of ``words``: head last, or "Institute for X"."""
    body = words[1:] if words and words[0].lower() in DETERMINERS else words
    if not body:
        return None
    if _head(body[-1]) in ORG_HEADS or " ".join(w.lower() for w in body[-2:]) in ORG_MULTI:
        if all(_org_ok(w) for w in body):
            return " ".join(body)
        # "the port authority", "the city's planning agency": a definite description
        definite = words[0].lower() == "the" and len(body) <= 4
        return " ".join(body) if definite and all(w.isalpha() or _head(w).isalpha() for w in body) else None
    for i, word in enumerate(body):
        if word[:1].isupper() and word.lower() in ORG_HEADS:
            rest = body[i + 1 :]
            if (
                rest
                and rest[0].lower() in _JOINERS
                and all(w[:1].isupper() or w.lower() in _JOINERS for w in rest)
            ):
                # "the nonpartisan Commission on Presidential Debates": adjectives before the name
                j = next((k for k in range(i, -1, -1) if k == 0 or not body[k - 1][:1].isupper()), 0)
                prefix_ok = all(w.islower() and w.isalpha() for w in body[:j])
                return " ".join(body[j:]) if prefix_ok else None
    return None


def _doc_phrase(words: list[str]) -> str | None:
    """ "The joint statement", "a new report on the port": a document, its topic included."""
    low = [w.lower() for w in words]
    topic = next((i for i, w in enumerate(low) if w in {"on", "about"} and 0 < i < len(words) - 1), None)
    if topic is not None and low[topic - 1] in DOC_HEADS:
        head = _doc_phrase(words[:topic])
        return f"{head} {' '.join(words[topic:])}" if head else None
    if len(words) < 2 or len(words) > 5 or words[-1].lower() not in DOC_HEADS:
        return None
    if words[0].lower() not in DETERMINERS:
        return None
    return strip_article(" ".join(words))


def _is_title(word: str) -> bool:
    return word.lower() in TITLES or word.lower().rstrip(".") in TITLES


# Title words that are also surnames: after a first name they end the name ("Larry King").
_TITLE_SURNAMES = frozenset({"king", "major", "judge", "marshal", "bishop", "sheriff", "pope", "prince"})


def _is_first_name(word: str, title: str) -> bool:
    return (
        title.lower() in _TITLE_SURNAMES
        and word[:1].isupper()
        and word.isalpha()
        and not word.isupper()
        and not _is_title(word)
        and word.lower() not in ORG_HEADS
        and not NATIONALITY.match(word)
    )


def _person_run(words: list[str]) -> tuple[int, int, int]:
    """(start of the name-like run, start of its title words, start of the name proper).

    In "the head of the US Indo-Pacific Command Admiral John Aquilino" the title is only
    "Admiral": the capitalised words before it belong to the descriptor.
    """
    start = len(words)
    while start > 0 and NAME_TOKEN.match(words[start - 1]):
        start -= 1
    name_start = start
    for i in range(start, len(words) - 1):  # a title is followed by a name: "Larry King" is a name
        if _is_title(words[i]) and not (i > start and _is_first_name(words[i - 1], words[i])):
            name_start = i + 1
    title_start = name_start
    while title_start > start and _is_title(words[title_start - 1]):
        title_start -= 1
    if title_start == name_start:
        title_start = name_start = _past_descriptors(words, name_start)
    return start, title_start, _past_descriptors(words, name_start)


# Capitalised words that open a run of name words without being part of the name: "Rival
# Ada Holm", "Democrat Ada Holm", "Everything Holm says", "No. Holm".
_NOT_NAME = frozenset(
    """no no. yes say everything nothing anything something but and so well now then also even
    only just in on at if when while rival former democrat republican democratic gop
    independent libertarian progressive conservative liberal""".split()
)


def _past_descriptors(words: list[str], i: int) -> int:
    """Skip descriptor words at the start of a name: before a known given name, or one of
    ``_NOT_NAME``; a name keeps at least one word."""
    while i < len(words) - 1:
        low = words[i].lower()
        given_later = any(w.lower() in FIRST_NAMES for w in words[i + 1 :]) and low not in FIRST_NAMES
        if low in _NOT_NAME or (given_later and not re.match(r"^[A-Z]\.$", words[i])):
            i += 1
        else:
            break
    return i


@lru_cache(maxsize=8192)
def classify(clause: str, resolve: OutletResolver | None) -> Phrase | None:
    """Classify the subject phrase that ends ``clause`` (the text right before a cue).

    Pure, so cached: news repeats its subjects ("Mr. Lund", "the ministry", "officials")."""
    clause = clause.strip().rstrip(",").strip()
    by = _DOC_BY.match(clause) if _DOC_HINT.search(clause) else None
    if by:
        inner = classify(by.group("by"), resolve)
        if inner is not None and inner.reference is None and not inner.place_only:
            return Phrase(name=inner.name, kind=inner.kind, role=inner.role, via=by.group("doc").lower())
    clause = _PARTICIPLE.sub("", clause)
    words = clause.split()
    if len(words) == 1 and words[0].lower() in {"they", "it"}:  # the group or body cited just before
        return Phrase(name=words[0], kind=SourceKind.ANONYMOUS, reference=words[0].lower())
    if not words or (len(words) <= 2 and clause.lower() in NON_SUBJECTS) or words[-1].lower() in _RELATIVES:
        return None  # "a Republican who": the relative clause's subject is read elsewhere
    low = [w.lower() for w in words]
    if low[0] in INTRO_WORDS and len(words) > 2:
        last = max((i for i, w in enumerate(low) if i > 0 and w in {"the", "a", "an"}), default=0)
        return classify(" ".join(words[last:]), resolve) if last else None
    return _reference(clause, words, low, resolve) or _named(clause, words, resolve)


def _reference(
    clause: str, words: list[str], low: list[str], resolve: OutletResolver | None
) -> Phrase | None:
    """Pronouns, unnamed sources, and descriptions that refer to someone named before."""
    if len(words) == 2 and low[0] in {"a", "an"} and low[1] in SPOKES_NOUNS:
        return Phrase(name=clause, kind=SourceKind.ORGANISATION, reference="org:")
    if len(words) == 1 and low[0] in PRONOUNS:
        return Phrase(name=words[0], kind=SourceKind.PERSON, reference=low[0])
    unnamed = anonymous(clause)
    org = speaks_for(clause) if unnamed is not None else None
    if org is not None:
        phrase = classify(org, resolve)
        if phrase is not None and phrase.kind is SourceKind.PERSON and len(phrase.name.split()) == 1:
            phrase = Phrase(name=phrase.name, kind=SourceKind.ORGANISATION)  # "analysts at Linerlytica"
        if phrase is not None and phrase.kind in _SPEAKS_FOR and not phrase.place_only:
            return phrase
    if unnamed is not None:
        name, role, head = unnamed
        definite = low[0] == "the" and len(words) == 2 and not low[1].endswith("s")
        return Phrase(
            name=name, kind=SourceKind.ANONYMOUS, role=role, reference=f"anon:{head}" if definite else None
        )
    if _described_person(words, low):
        return Phrase(name=clause, kind=SourceKind.PERSON, reference=low[-1])
    if low[0] in {"the", "this"} and len(words) == 2 and words[1].islower():
        if low[-1] in ORG_HEADS:
            return Phrase(name=words[-1], kind=SourceKind.ORGANISATION, reference=f"org:{low[-1]}")
        if low[-1] in DOC_HEADS:
            return Phrase(name=words[-1], kind=SourceKind.DOCUMENT, reference="doc")
    return None


def _named(clause: str, words: list[str], resolve: OutletResolver | None) -> Phrase | None:
    """An outlet, a document, an organisation or a person, by name."""
    collective = outlet_collective(words, resolve)
    if collective is not None:
        return collective
    outlet = _outlet(words, resolve)
    if outlet is not None:
        return outlet
    doc = _doc_phrase(words)
    if doc:
        return Phrase(name=doc, kind=SourceKind.DOCUMENT)
    # "Professor Lena Brandt of the Delft Institute" ends like an organisation's name, but
    # a person comes first: the person speaks, the institute is the affiliation.
    affiliated = _affiliated(clause, resolve)
    if affiliated is not None:
        return affiliated
    org = _org_phrase(words)
    if org and not is_place(org):
        return Phrase(name=_unpossessed(strip_article(org)), kind=SourceKind.ORGANISATION)
    return _name_phrase(words, resolve)


def _unpossessed(name: str) -> str:
    """ "Trump's campaign" and "the Trump campaign" are one organisation; "the prime
    minister's office" keeps its possessive."""
    words = name.split()
    if len(words) >= 2 and words[-2][:1].isupper() and _POSSESSIVE.search(words[-2]):
        words[-2] = _POSSESSIVE.sub("", words[-2])
    return " ".join(words)


def _described_person(words: list[str], low: list[str]) -> bool:
    """ "the senator", "the Indiana governor", "the Republican presidential nominee": a person
    named before, described by a role noun after "the" and up to three modifiers."""
    if low[0] not in {"the", "this"} or not 2 <= len(words) <= 5 or low[-1] not in ROLE_NOUNS:
        return False
    if not words[-1].islower():
        return False
    return all(w.islower() or (w[:1].isupper() and w.lower() not in FIRST_NAMES) for w in words[1:-1])


def _outlet(words: list[str], resolve: OutletResolver | None) -> Phrase | None:
    """An outlet by its board, its masthead, or a reference back to one ("the newspaper")."""
    board = editorial_board(words, resolve)
    if board is not None:
        return outlet_phrase(board)
    if refers_to_outlet(words):
        return Phrase(name=" ".join(words), kind=SourceKind.OUTLET, reference="outlet")
    name = masthead(words)
    return outlet_phrase(name) if name is not None else None


def _affiliated(clause: str, resolve: OutletResolver | None) -> Phrase | None:
    """'Professor Tom Whitcombe of the University of Leeds': a person with an affiliation."""
    m = _AFFILIATION.match(clause)
    if not m:
        return None
    person = _name_phrase(m.group("p").split(), resolve)
    if person is None or person.kind is not SourceKind.PERSON:
        return None
    if len(person.name.split()) < 2 and not (person.role or person.honorific):
        return None
    aff = m.group("aff")
    role = f"{person.role} {aff}" if person.role else strip_article(re.sub(r"^(?:of|from)\s+", "", aff))
    return Phrase(name=person.name, kind=SourceKind.PERSON, role=role, honorific=person.honorific)


def _object_of_preposition(words: list[str], start: int) -> bool:
    """ "Biden's talks with President Putin": the name is the object of "with", and the subject
    is the talks. "The head of the US Command Admiral Kim" is a descriptor: a role noun comes
    before the preposition."""
    j = start - 1
    if j >= 0 and words[j].lower() in {"the", "a", "an"}:
        j -= 1
    if j < 1 or words[j].lower() not in _PREPOSITIONS:
        return False
    before = _head(words[j - 1])
    return before not in ROLE_NOUNS and before not in PREMODIFIER_ROLES and before not in _DESCRIPTOR_NOUNS


def _name_phrase(words: list[str], resolve: OutletResolver | None) -> Phrase | None:
    start, title_start, name_start = _person_run(words)
    if _object_of_preposition(words, start):
        return None
    name_words = words[name_start:]
    while name_words and name_words[0].lower() in {"the", "a", "an", "and"}:
        name_words = name_words[1:]
    if not name_words or words[-1].endswith(("’s", "'s")):
        return None
    name = " ".join(name_words)
    for i in range(len(words) - 1, max(-1, len(words) - 5), -1):
        cand = " ".join(words[i:])
        if is_outlet(strip_article(cand), resolve) and (i >= start or words[i].lower() == "the"):
            return Phrase(name=strip_article(cand), kind=SourceKind.OUTLET)
    if is_place(name) or is_place(" ".join(words[-2:])):
        return Phrase(name=name, kind=SourceKind.ORGANISATION, place_only=True)
    if name.lower() in NON_SUBJECTS:
        return None
    title = " ".join(words[title_start:name_start])
    descriptor = " ".join(words[:title_start])
    if title and title_start > 0 and NATIONALITY.match(words[title_start - 1]):
        title = f"{words[title_start - 1]} {title}"
        descriptor = " ".join(words[: title_start - 1])
    role_words = _descriptor(descriptor) or (
        _organisation_role(words[:title_start]) if len(name_words) > 1 else None
    )
    honorific = None
    # "Mr. President" is a form of address, "Mr. King" an honorific and a surname
    addressed = _is_title(name) and name.lower() not in _TITLE_SURNAMES
    if title and all(w.lower().rstrip(".") in HONORIFICS for w in title.split()) and not addressed:
        honorific, title = title, ""  # "Mr." names a person and a gender, not a role
    role = ", ".join(p for p in (title, role_words) if p) or None
    acronym = any(
        len(w) > 1 and w.isupper() and not w.endswith(".") and w not in _SUFFIXES for w in name_words
    )
    if not honorific and (len(name_words) > 4 or acronym):  # "Ronald Easton II" is a person; "NATO" is not
        return Phrase(name=name, kind=SourceKind.ORGANISATION, role=role)
    return Phrase(name=name, kind=SourceKind.PERSON, role=role, honorific=honorific)


def _organisation_role(words: list[str]) -> str | None:
    """ "FNV negotiator", "Rabobank chief economist": a capitalised organisation (up to four
    words) then lower-case role words ending in a role noun, before a full name."""
    if not words or words[-1].lower() not in PREMODIFIER_ROLES or not words[-1].islower():
        return None
    i = len(words) - 1
    while i > 0 and words[i - 1].islower() and len(words) - i < 3:
        i -= 1
    org = words[1:i] if words[0].lower() in DETERMINERS else words[:i]
    if not org or len(org) > 4 or not all(w[:1].isupper() and w.replace("-", "").isalnum() for w in org):
        return None
    return " ".join([*org, *words[i:]])


def _descriptor(text: str) -> str | None:
    """A lower-case pre-modifier ("a leading Russian pundit") kept as role, if it is one."""
    text = strip_article(text.strip(" ,"))
    if (
        not text
        or text.lower() in DETERMINERS
        or _PREP_START.match(text)
        or len(text.split()) > 10
        or not text[0].islower()
        or ". " in text
    ):
        return None
    return text

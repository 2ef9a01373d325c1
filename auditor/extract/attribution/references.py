"""References resolved: full names for surnames, antecedents for "he", "the ambassador",
"the ministry", "the report" and "the source"; the article's own authors dropped.

A reference goes to the last compatible named mention before it: a pronoun to the last
person of its gender (``gazetteer``), a role noun to the last person with that role, an
organisation noun to the last organisation with that head. When nothing compatible precedes
it, the reference is dropped rather than guessed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace

from auditor.extract.attribution.anonymous import anonymous
from auditor.extract.attribution.clauses import Venue
from auditor.extract.attribution.gazetteer import Gazetteer, gender_of, no_honorific
from auditor.extract.attribution.lexicon import NAME_TOKEN, ORG_HEADS, PRONOUNS, ROLE_ALIASES, SPOKES_NOUNS
from auditor.extract.attribution.names import Phrase, key, strip_article
from auditor.extract.attribution.outlets import OUTLET_NAME
from auditor.extract.attribution.text import Paragraph
from auditor.models import SourceKind

_PRONOUN_GENDER = {"he": "m", "she": "f"}
_LOOK_BACK = 200  # outlets looked at before a reference: hostile text must stay linear
_IT_KINDS = frozenset({SourceKind.ORGANISATION, SourceKind.OUTLET, SourceKind.DOCUMENT})
_THEY_KINDS = frozenset({SourceKind.ORGANISATION, SourceKind.ANONYMOUS})


def _plural(phrase: Phrase) -> bool:
    """An organisation, or unnamed people in the plural ("officials"), may be "they"."""
    words = (phrase.role or phrase.name).split()
    return phrase.kind is SourceKind.ORGANISATION or (bool(words) and words[-1].lower().endswith("s"))


_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx"})
# A role held in an organisation named earlier: "its chief executive", "the institute's director".
_OWNED_ROLE = re.compile(
    r"^(?:(?P<its>its|their)|(?:the\s+)?(?P<head>[a-z]+)[’']s)\s+(?P<role>[a-z][\w -]{0,60})$", re.I
)


@dataclass(frozen=True, slots=True)
class Mention:
    """One cue's reading: who (before resolution), how, where, and in which sentence."""

    phrase: Phrase
    cue: str
    sentence: str
    quote: str | None
    venue: Venue | None
    url: str | None
    direct: bool
    pos: tuple[int, int]  # (paragraph, offset of the cue): for resolving "he" and "the ministry"
    subject_pos: tuple[int, int] | None = None  # (paragraph, offset) where the speaker is named


class Resolver:
    """Full names for surnames, antecedents for "he", "the ambassador", "the ministry" and
    "the report"; the article's own authors dropped. Unresolvable references are dropped
    rather than guessed."""

    def __init__(self, paras: Sequence[Paragraph], gazetteer: Gazetteer, authors: Sequence[str]) -> None:
        self.paras = paras
        self.gazetteer = gazetteer
        self.authors = {key(a) for a in authors} | {key(a.split()[-1]) for a in authors if a.split()}
        self.people: list[tuple[tuple[int, int], str, str | None]] = []
        self.sources: list[Phrase] = []
        self._orgs: dict[str, list[tuple[tuple[int, int], str]]] = {}
        # The latest cited source per lower-case word of a multi-word organisation name, and
        # the latest document source: looked up per mention without rescanning every source.
        self._org_by_word: dict[str, Phrase] = {}
        self._last_doc: Phrase | None = None
        self._last_org: Phrase | None = None  # for "its chief executive" and "a spokesperson"
        self._unnamed: list[tuple[str, Phrase]] = []  # (head, source), for "the source added"
        self._outlets: list[tuple[tuple[int, int], str]] | None = None
        self._cited_outlets: list[tuple[tuple[int, int], str]] = []
        self._cited: list[tuple[tuple[int, int], Phrase]] = []  # every resolved source, in order

    def resolve(self, mentions: Sequence[Mention]) -> list[Mention]:
        out: list[Mention] = []
        for mention in mentions:
            phrase = self._phrase(mention)
            if phrase is None or key(phrase.name) in self.authors or not phrase.name.strip():
                continue
            if phrase.kind is SourceKind.PERSON and phrase.role:
                phrase = replace(phrase, role=self._owned_role(phrase.role, mention.pos))
            if phrase.kind is SourceKind.PERSON:
                self.people.append(
                    (mention.pos, phrase.name, phrase.role or self.gazetteer.role(phrase.name))
                )
            self._remember(phrase)
            self._cited.append((mention.pos, phrase))
            if phrase.kind is SourceKind.OUTLET:
                self._cited_outlets.append((mention.pos, phrase.name))  # mentions come in text order
            out.append(replace(mention, phrase=phrase))
        return out

    def _remember(self, phrase: Phrase) -> None:
        self.sources.append(phrase)
        if phrase.kind is SourceKind.ANONYMOUS:
            unnamed = anonymous(phrase.name)
            self._unnamed.append((unnamed[2] if unnamed else "", phrase))
        if phrase.via:
            self._last_doc = phrase
        words = phrase.name.lower().split()
        if phrase.kind is SourceKind.ORGANISATION and not phrase.place_only:
            self._last_org = phrase
        if phrase.kind is SourceKind.ORGANISATION and len(words) > 1:
            for word in words:
                self._org_by_word[word] = phrase

    def _phrase(self, mention: Mention) -> Phrase | None:
        phrase = mention.phrase
        ref = phrase.reference
        if ref in PRONOUNS:
            return self._pronoun(mention)
        if ref in {"they", "it"}:
            return self._body(ref, mention.pos)
        if ref == "doc":
            return self._last_doc or phrase
        if ref and ref.startswith("anon:"):  # "the source": the unnamed source just cited
            same = next((p for h, p in reversed(self._unnamed) if h == ref[5:]), None)
            return same or replace(phrase, reference=None)
        if ref and ref.startswith("outlet"):
            return self._outlet(phrase, mention.subject_pos or mention.pos)
        if ref == "org:":
            return self._last_org
        if ref and ref.startswith("org:"):
            # nothing compatible named before: an organisation the article does not name
            found = self._organisation(ref[4:], mention.pos)
            return found or Phrase(name=f"the {phrase.name}", kind=SourceKind.ANONYMOUS, role=phrase.name)
        if ref:
            name = self._described(ref, mention.subject_pos or mention.pos)
            if name is None and ref in SPOKES_NOUNS:
                return self._last_org  # "the spokesman said": the organisation speaks
            return Phrase(name=name, kind=SourceKind.PERSON, role=self.gazetteer.role(name)) if name else None
        if phrase.kind is SourceKind.PERSON:
            gender = gender_of(phrase.name, phrase.honorific) if phrase.honorific else None
            full, title = self.gazetteer.full_name(phrase.name, mention.subject_pos or mention.pos, gender)
            alone = not (phrase.role or title or phrase.honorific)  # "Mr. Olsen" is a person
            if full == phrase.name and len(full.split()) == 1 and alone:
                # A lone capitalised word is a name only if the text capitalises it mid-sentence
                # too: "Operators said" at a sentence start is a common noun.
                if not (full.isupper() or self.gazetteer.capitalised_mid_sentence(full)):
                    return None
                return Phrase(name=full, kind=SourceKind.ORGANISATION)
            if phrase.honorific and self.gazetteer.sure(phrase.name):
                self.gazetteer.honour(full, phrase.honorific)
            role = _better_role(phrase.role, title)
            return Phrase(name=full, kind=SourceKind.PERSON, role=role, honorific=phrase.honorific)
        return phrase

    def _body(self, pronoun: str, pos: tuple[int, int]) -> Phrase | None:
        """ "they said" / "it said": the organisation, outlet or document (for "they", also the
        unnamed group) cited last, no more than two paragraphs before; else nobody."""
        kinds = _IT_KINDS if pronoun == "it" else _THEY_KINDS
        for p, phrase in reversed(self._cited):
            if p[0] < pos[0] - 2:
                break
            if p < pos and phrase.kind in kinds and (pronoun == "it" or _plural(phrase)):
                return phrase
        return None

    def _described(self, noun: str, pos: tuple[int, int]) -> str | None:
        """ "the senator": the last person cited or named before ``pos`` whose role or title
        says so ("Sen. Ada Holm", "Vermont senator Ada Holm", "Ada Holm, the senator")."""
        aliases = ROLE_ALIASES.get(noun, (noun,))

        def fits(role: str | None) -> bool:
            return bool(role) and any(w.rstrip(".,") in aliases for w in (role or "").lower().split())

        cited = next(((p, n) for p, n, r in reversed(self.people) if p < pos and fits(r)), None)
        named = self.gazetteer.last_described(pos, fits)
        if cited and named:
            return cited[1] if cited[0] >= named[0] else named[1]
        return (cited or named or (None, None))[1]

    def _outlet(self, phrase: Phrase, pos: tuple[int, int]) -> Phrase | None:
        """ "the newspaper": the last outlet cited or named before ``pos``; "The Post": the last
        one whose name ends in "Post", else the Post as written."""
        word = phrase.name.split()[-1] if phrase.reference == "outlet:" else None

        def last(spots: Sequence[tuple[tuple[int, int], str]]) -> tuple[tuple[int, int], str] | None:
            i = bisect_left(spots, (pos, ""))
            for j in range(i - 1, max(-1, i - 1 - _LOOK_BACK), -1):
                if word is None or spots[j][1].split()[-1] == word:
                    return spots[j]
            return None

        found = [f for f in (last(self._named_outlets()), last(self._cited_outlets)) if f]
        if found:
            return Phrase(name=max(found)[1], kind=SourceKind.OUTLET)
        return Phrase(name=f"The {phrase.name}", kind=SourceKind.OUTLET) if word else None

    def _named_outlets(self) -> list[tuple[tuple[int, int], str]]:
        """Outlets named in the body by a masthead name, in order (one scan, cached)."""
        if self._outlets is None:
            self._outlets = [
                ((index, m.start()), strip_article(m.group(1)))
                for index, para in enumerate(self.paras)
                for m in OUTLET_NAME.finditer(para.text)
            ]
        return self._outlets

    def _owned_role(self, role: str, pos: tuple[int, int]) -> str:
        """ "Its chief executive" -> "chief executive of ECT": each part of the role whose
        owner is "its" or "the <organisation noun>'s" names the organisation meant."""
        parts = []
        split = role.split(", ")
        for part in split:
            if len(split) > 1 and part.lower().rstrip(".") in _HONORIFICS:
                continue  # "Dr." adds nothing beside "director of the institute"
            m = _OWNED_ROLE.match(part.strip())
            head = m.group("head").lower() if m and m.group("head") else None
            if m and (m.group("its") or head in ORG_HEADS):
                org = self._last_org if head is None else self._organisation(head, pos)
                if org is not None:
                    the = "the " if org.name.split()[-1].lower() in ORG_HEADS else ""
                    part = f"{m.group('role')} of {the}{org.name}"
            parts.append(part)
        return ", ".join(parts)

    def _pronoun(self, mention: Mention) -> Phrase | None:
        """ "he" / "she": the last person named or cited before the pronoun, within the five
        paragraphs before, whose gender fits (or is unknown)."""
        pos = mention.subject_pos or mention.pos
        gender = _PRONOUN_GENDER.get(mention.phrase.name.lower())
        named = self.gazetteer.last_person_before(pos, gender)
        for p, n, _ in reversed(self.people):
            if p >= pos or p[0] < pos[0] - 5 or not self.gazetteer.fits(n, gender):
                continue
            if named is None or p >= self.gazetteer.last_mention_of(named, pos):
                named = n
            break
        if named is None:
            return None
        return Phrase(name=named, kind=SourceKind.PERSON, role=self.gazetteer.role(named))

    def _organisation(self, head: str, pos: tuple[int, int]) -> Phrase | None:
        """'the ministry' -> the last organisation with that head, cited or named before."""
        if head in self._org_by_word:
            return self._org_by_word[head]
        named = self._named_organisations(head)
        i = bisect_left(named, (pos, ""))
        if not i:
            return None
        found = named[i - 1][1]
        return Phrase(name=re.sub(r"^The\s+", "", found), kind=SourceKind.ORGANISATION)

    def _named_organisations(self, head: str) -> list[tuple[tuple[int, int], str]]:
        """Every organisation name with this head in the body, in order (cached): "Ministry of
        Ports", and a capitalised name before the head in lower case ("the Verdi union")."""
        if head not in self._orgs:
            word = re.escape(head.capitalize())
            low = re.escape(head)
            pattern = re.compile(
                rf"\b((?:[A-Z][\w’'-]*\s+){{0,4}}{word}(?:\s+(?:of|for|on|and)(?:\s+the)?(?:\s+[A-Z][\w’'-]*){{1,4}}){{0,3}}"
                rf"|(?:(?!(?:The|A|An|This|That|Its|His|Her|Their|Our)\s)[A-Z][\w’'-]*\s+){{1,3}}{low}\b)"
            )
            self._orgs[head] = [
                ((index, m.start()), m.group(1))
                for index, para in enumerate(self.paras)
                for m in pattern.finditer(para.text)
                if len(m.group(1).split()) > 1
            ]
        return self._orgs[head]


def _better_role(role: str | None, title: str | None) -> str | None:
    """A bare abbreviated title ("Prof.") gives way to the gazetteer's fuller one; "Mr." is none."""
    title = no_honorific(title)
    if role and (title is None or not NAME_TOKEN.match(role) or len(role) > len(title)):
        return role
    return title or role

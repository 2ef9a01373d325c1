"""People named in the article, where, and with which gender, so that later references resolve.

"President Vladimir Putin" in the lead lets a later "Putin said" become Vladimir Putin, with
the title the article gave him; "he said" becomes the last man named before it, "she said"
the last woman. A person is a title followed by name words ("Sen. Rhea Dalton"), a known
given name followed by a surname ("Donald Trump", "Hillary Rodham Clinton"), or a two-word
person subject the cues found; every later mention of the surname alone is the same person
(the latest one with that surname, when two share it). The headline lends its names to the
body (a surname the body never spells out), but never stands as a mention of its own.

Gender comes from the title ("Mrs.", "Mr."), a gendered role ("spokeswoman") or the given
name (``data/first_names.txt``); where none says, the person fits either pronoun.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from auditor.extract.attribution.lexicon import FIRST_NAMES, HONORIFICS, ROLE_NOUNS, TITLES, ascii_words
from auditor.extract.attribution.names import Phrase, key
from auditor.extract.attribution.phrase import is_place
from auditor.extract.attribution.text import Paragraph
from auditor.models import SourceKind

Pos = tuple[int, int]  # (paragraph index, offset); the headline is paragraph -1

_TITLE_ALT = "|".join(
    sorted((re.escape(t[0].upper() + t[1:]) for t in TITLES if len(t) > 2), key=len, reverse=True)
)
_NAME_WORD = r"(?:[A-Z]\.|[A-Z][\w’'-]+)"
_TITLED = re.compile(
    rf"(?P<title>(?:{_TITLE_ALT})(?:\s+(?:{_TITLE_ALT}))?)\s+"
    rf"(?P<name>[A-Z][\w’'-]+(?:\s+{_NAME_WORD}){{1,3}})"
)
# A courtesy title and a surname alone, as news names people after (and at) first mention:
# "Mr. Olsen", "Ms Berg"; the surname is the whole name unless a full name shares it.
_HONOURED = re.compile(r"(?P<title>(?:Mr|Mrs|Ms|Mx|Miss)\.?)\s+(?P<name>[A-Z][\w’'-]+)\b(?!\s+[A-Z])")
# A given name, optional initials or a middle name, and a surname: "Gene B. Sperling".
_GIVEN = re.compile(
    r"(?P<name>[A-Z][a-z]+(?:\s+[A-Z]\.)*(?:\s+(?:de|van|von|del|della|di|da|le|la|al|bin|ibn|St\.)?\s*[A-Z][\w’'-]+){1,2})"
)
_TITLE_WORDS = frozenset(t[0].upper() + t[1:] for t in TITLES) | frozenset(
    t[0].upper() + t[1:].rstrip(".") for t in TITLES
)
_NATIONALITY = re.compile(r"(?:^|\s)([A-Z][a-z]+(?:an|ese|ish|i|ch))\s+$")
_FEMININE_TITLES = frozenset({"mrs", "ms", "miss", "madam", "dame", "lady", "queen", "princess", "sister"})
_MASCULINE_TITLES = frozenset({"mr", "sir", "lord", "king", "prince", "father", "brother", "sheikh"})
_CAPITAL_RUN = re.compile(r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)+")
_MID_CAPITAL = re.compile(r"[\w,;:)]\s+([A-Z][\w’'.&-]*\b)")
_GIVEN_NAMES = frozenset(n.capitalize().encode() for n in FIRST_NAMES)
_STOP_DESCRIPTOR = frozenset(
    {
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "said",
        "says",
        "told",
        "by",
        "of",
        "to",
        "with",
        "for",
        "that",
        "as",
    }
    | {
        "his",
        "her",
        "their",
        "its",
        "in",
        "on",
        "at",
        "from",
        "after",
        "before",
        "when",
        "while",
        "is",
        "was",
    }
)
_MAX_PER_PARAGRAPH = 50  # hostile text ("Professor Professor ...") must stay linear
_MAX_SURNAMES = 200
_MAX_OCCURRENCES = 20000  # person mentions indexed per article
_LOOK_BACK = 500  # mentions looked at before a reference: hostile text must stay linear
_POSSESSIVE = re.compile(r"[’']s$")
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_NOT_SURNAMES = TITLES | {"universe", "world", "speaker", "chairman", "madam"}


def _is_title_or_article(word: str) -> bool:
    low = word.lower().rstrip(".")
    return low in TITLES or low in {"the", "a", "an", "as", "but", "and", "said", "says"} or word.isupper()


def gender_of(name: str, title: str | None) -> str | None:
    """ "m", "f" or None (unknown: fits either pronoun)."""
    for word in (title or "").lower().replace(",", " ").split():
        w = word.rstrip(".")
        if w in _FEMININE_TITLES or w.endswith(("woman", "wife")):
            return "f"
        if w in _MASCULINE_TITLES or (w.endswith("man") and w not in {"chairman"}):
            return "m"
    first = name.split()[0].lower() if name.split() else ""
    return FIRST_NAMES.get(first)


def no_honorific(title: str | None) -> str | None:
    """A title that is only "Mr." or "Ms." says nothing a role should: none."""
    if title and all(w.lower().rstrip(".") in HONORIFICS for w in title.split()):
        return None
    return title


def _clean(name: str) -> str:
    return " ".join(_POSSESSIVE.sub("", w) for w in name.split())


def _proper(name: str) -> list[str]:
    """The name without its suffix: "Harry Hurt III" is filed under "Hurt" and stays one
    person with the "Harry Hurt III" the cues cite."""
    words = name.split()
    while len(words) > 1 and words[-1].lower() in _SUFFIXES:
        words.pop()
    return words


@dataclass(slots=True)
class Gazetteer:
    titles: dict[str, str | None] = field(default_factory=dict)  # key(full name) -> title
    genders: dict[str, str | None] = field(default_factory=dict)  # key(full name) -> m / f / None
    surnames: dict[str, list[tuple[Pos, str]]] = field(default_factory=dict)  # surname -> [(pos, full)]
    occurrences: list[tuple[Pos, str]] = field(default_factory=list)  # every person mention, in order
    text: str = ""  # the whole body, for names introduced without a title ("director Jonas Lind")
    unknown: set[str] = field(default_factory=set)  # bare names already looked for in the text
    mid: set[str] | None = None  # capitalised words that occur after a word or a comma
    preceded: dict[str, list[list[str]]] | None = None  # see ``_runs``

    @classmethod
    def build(cls, paras: Sequence[Paragraph], phrases: Sequence[Phrase], headline: str = "") -> Gazetteer:
        gaz = cls()
        whole = "\n".join(p.text for p in paras)
        gaz.text = whole
        words = ascii_words(f"{whole}\n{headline}")
        titles = [t for t in _TITLE_WORDS if t.rstrip(".").encode() in words]
        given = [g.decode() for g in words & _GIVEN_NAMES]
        honoured: list[tuple[Pos, str, str]] = []  # "Mr. Olsen": a surname alone, with its title
        for index, text in [(-1, headline), *((i, p.text) for i, p in enumerate(paras))]:
            for start, name, title in _named(text, titles, given)[:_MAX_PER_PARAGRAPH]:
                if len(name.split()) == 1 and title and index >= 0:
                    honoured.append(((index, start), _clean(name), title))
                gaz.add(name, title, (index, start), mention=index >= 0)
        for phrase in phrases:
            if (
                phrase.kind is SourceKind.PERSON
                and phrase.reference is None
                and len(phrase.name.split()) >= 2
            ):
                gaz.add(phrase.name, phrase.role, None, mention=False)
        gaz._add_honoured(honoured)
        gaz._surname_mentions(paras)
        return gaz

    def add(self, name: str, title: str | None, pos: Pos | None, *, mention: bool) -> None:
        full = _clean(name)
        if len(_proper(full)) < 2:
            return
        k = key(full)
        if k not in self.titles or (title and not self.titles[k]):
            self.titles[k] = title
        if self.genders.get(k) is None:
            self.genders[k] = gender_of(full, title)
        spots = self.surnames.setdefault(_proper(full)[-1].lower(), [])
        if all(f != full for _, f in spots):
            spots.append((pos or (-2, 0), full))
            spots.sort()
        if mention and pos is not None:
            insort(self.occurrences, (pos, full))

    def _add_honoured(self, honoured: Sequence[tuple[Pos, str, str]]) -> None:
        """ "Mr. Olsen" where the article gives no full name with that surname: a person whose
        whole name is the surname, with the gender the title gives, mentioned there. "Mr.
        President" and "Miss Universe" are no surnames."""
        for pos, surname, title in honoured:
            if surname.lower() in _NOT_SURNAMES or is_place(surname):
                continue
            gender = gender_of(surname, title)
            full = self.full_name(surname, pos, gender)[0]  # "Jon Olsen" anywhere in the article
            if self.sure(surname):
                self.honour(full, title)
            if full == surname:  # else a surname mention of the full name, found below
                insort(self.occurrences, (pos, surname))

    def sure(self, cited: str) -> bool:
        """Whether ``cited`` names one person: a full name, or a surname only one full name in
        the article has ("Mr. Khan" beside Khizr and Ghazala Khan is unsure)."""
        return len(cited.split()) > 1 or len(self.surnames.get(cited.lower(), ())) < 2

    def honour(self, name: str, honorific: str) -> None:
        """The gender an honorific gives a person cited as "Mr. Olsen", unless known already
        (the given name, or an earlier title, said it first)."""
        if self.genders.get(key(name)) is None:
            self.genders[key(name)] = gender_of(name, honorific)

    def _surname_mentions(self, paras: Sequence[Paragraph]) -> None:
        """Every capitalised surname of a known person standing alone is a mention of that person."""
        found: list[tuple[Pos, str]] = []
        for surname in list(self.surnames)[:_MAX_SURNAMES]:
            word = surname[:1].upper() + surname[1:]
            for index, para in enumerate(paras):
                text = para.text
                i = text.find(word)
                while i != -1 and len(found) < _MAX_OCCURRENCES:
                    j = i + len(word)
                    before = text[max(0, i - 30) : i].split()
                    alone = (i == 0 or not text[i - 1].isalnum()) and (
                        j >= len(text) or not text[j].isalnum()
                    )
                    after_name = bool(before) and before[-1][:1].isupper() and not before[-1].endswith(".")
                    honorific = bool(before) and before[-1].lower().rstrip(".") in HONORIFICS
                    if alone and not (after_name and not honorific):
                        gender = gender_of("", before[-1]) if honorific else None  # "Mrs. Rodham"
                        full = self.full_name(word, (index, i), gender)[0]
                        if full != word:
                            found.append(((index, i), full))
                    i = text.find(word, j)
        self.occurrences = sorted([*self.occurrences, *found])

    def full_name(
        self, name: str, pos: Pos | None = None, gender: str | None = None
    ) -> tuple[str, str | None]:
        """The full name a bare surname stands for at ``pos``, with its title; else the name.
        With a ``gender`` ("Mrs. Khan"), the last one of that gender or of unknown gender."""
        words = name.split()
        spots = self.surnames.get(words[-1].lower()) if len(words) == 1 else None
        if spots:
            fit = [f for _, f in spots if self.fits(f, gender)] or [f for _, f in spots]
            before = [f for p, f in spots if (pos is None or p < pos) and f in fit]
            full = before[-1] if before else fit[0]
            return full, self.titles.get(key(full))
        if len(words) == 1 and len(name) > 2 and name[0].isupper() and name not in self.unknown:
            self.unknown.add(name)
            for first in self._runs().get(name, ()):
                full = " ".join([*first, name])
                self.add(full, None, None, mention=False)
                return full, None
        return name, self.titles.get(key(name))

    def _runs(self) -> dict[str, list[list[str]]]:
        """For each capitalised word, the name words that come right before it anywhere in the
        body ("Jonas" before "Lind"), titles and articles left out: one pass over the text,
        where a search per bare name would be one pass each."""
        if self.preceded is None:
            self.preceded = {}
            for m in _CAPITAL_RUN.finditer(self.text):
                run = m.group().split()
                for k in range(1, len(run)):
                    first = [w for w in run[max(0, k - 2) : k] if not _is_title_or_article(w)]
                    if first:
                        self.preceded.setdefault(run[k], []).append(first)
        return self.preceded

    def last_person_before(self, pos: Pos, gender: str | None = None, paragraphs: int = 5) -> str | None:
        """The last person named before ``pos``, no more than ``paragraphs`` paragraphs back,
        whose gender is ``gender`` or unknown."""
        i = bisect_left(self.occurrences, (pos, ""))
        for j in range(i - 1, max(-1, i - 1 - _LOOK_BACK), -1):
            (para, _), full = self.occurrences[j]
            if para < pos[0] - paragraphs:
                return None
            if self.fits(full, gender):
                return full
        return None

    def fits(self, name: str, gender: str | None) -> bool:
        found = self.genders.get(key(name))
        return gender is None or found is None or found == gender

    def last_described(self, pos: Pos, fits: Callable[[str | None], bool]) -> tuple[Pos, str] | None:
        """The last person mentioned before ``pos`` whose title or description ``fits``."""
        i = bisect_left(self.occurrences, (pos, ""))
        for j in range(i - 1, max(-1, i - 1 - _LOOK_BACK), -1):
            where, full = self.occurrences[j]
            if fits(self.titles.get(key(full))):
                return where, full
        return None

    def last_mention_of(self, name: str, pos: Pos) -> Pos:
        """Where ``name`` was last mentioned before ``pos`` ((-3, 0) when never)."""
        i = bisect_left(self.occurrences, (pos, ""))
        for j in range(i - 1, max(-1, i - 1 - _LOOK_BACK), -1):
            if self.occurrences[j][1] == name:
                return self.occurrences[j][0]
        return (-3, 0)

    def gender(self, name: str) -> str | None:
        return self.genders.get(key(name))

    def capitalised_mid_sentence(self, word: str) -> bool:
        """``word`` occurs somewhere after a word or a comma, not only opening sentences."""
        if self.mid is None:
            self.mid = set(_MID_CAPITAL.findall(self.text))
        return word in self.mid

    def role(self, name: str) -> str | None:
        return no_honorific(self.titles.get(key(name)))


def _descriptor(text: str, i: int) -> str | None:
    """The words before a name that describe the person: "Republican presidential nominee"
    (Donald Lund), "Vermont senator" (Ada Holm); up to four words, back to a determiner,
    punctuation or a verb, and only when a role noun or a title is among them."""
    words = text[max(0, i - 60) : i].split()
    out: list[str] = []
    for word in reversed(words):
        low = word.lower()
        if not word[0].isalpha() or word[-1] in ',;:.!?”"' or low in _STOP_DESCRIPTOR or len(out) == 4:
            break
        out.insert(0, word)
    if not any(w.lower().rstrip(".") in ROLE_NOUNS or w.lower() in TITLES for w in out):
        return None  # "Meanwhile Ada Holm": no descriptor
    return " ".join(out)


def _named(text: str, titles: Sequence[str], given: Sequence[str]) -> list[tuple[int, str, str | None]]:
    """(offset, name, title) of every titled name and every given name + surname in ``text``."""
    found: dict[int, tuple[int, str, str | None]] = {}
    for word in titles:
        i = text.find(word)
        while i != -1:
            if (i and text[i - 1].isalnum()) or i in found:
                pass
            elif m := _TITLED.match(text, i):
                nat = _NATIONALITY.search(text[max(0, i - 30) : i])
                before = _descriptor(text, i) if nat is None else nat.group(1)
                title = " ".join(p for p in (before, m.group("title")) if p)
                found[i] = (m.start("name"), m.group("name"), title)
            elif m := _HONOURED.match(text, i):
                found[i] = (m.start("name"), m.group("name"), m.group("title"))
            i = text.find(word, i + 1)
    taken = {n[0] for n in found.values()}
    for word in given:
        i = text.find(word)
        while i != -1:
            m = _GIVEN.match(text, i) if (i == 0 or not text[i - 1].isalnum()) and i not in taken else None
            if m is not None and not m.group("name").split()[-1].isupper():
                found[i] = (i, m.group("name"), _descriptor(text, i))
            i = text.find(word, i + 1)
    return [found[i] for i in sorted(found)]

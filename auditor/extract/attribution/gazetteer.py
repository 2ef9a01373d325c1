"""People named in full somewhere in the body, so that later surnames resolve to them.

"President Vladimir Putin" in the lead lets a later "Putin said" become Vladimir Putin, with
the title the article gave him. Full names come from a title followed by two or more name
words anywhere in the body, and from every two-word person subject the cues found.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

from auditor.extract.attribution.lexicon import TITLES, ascii_words
from auditor.extract.attribution.names import Phrase, key
from auditor.extract.attribution.text import Paragraph
from auditor.models import SourceKind

_TITLE_ALT = "|".join(
    sorted((re.escape(t[0].upper() + t[1:]) for t in TITLES if len(t) > 2), key=len, reverse=True)
)
_TITLED = re.compile(
    rf"(?P<title>(?:{_TITLE_ALT})(?:\s+(?:{_TITLE_ALT}))?)\s+"
    r"(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){1,3})"
)
_TITLE_WORDS = frozenset(t[0].upper() + t[1:] for t in TITLES) | frozenset(
    t[0].upper() + t[1:].rstrip(".") for t in TITLES
)
_NATIONALITY = re.compile(r"(?:^|\s)([A-Z][a-z]+(?:an|ese|ish|i|ch))\s+$")


def _titled(text: str, present: Sequence[str]) -> list[re.Match[str]]:
    """Matches of "Title Name Name" at each place a title word occurs (found with str.find)."""
    found: dict[int, re.Match[str]] = {}
    for word in present:
        i = text.find(word)
        while i != -1:
            if (i == 0 or not text[i - 1].isalnum()) and i not in found and (m := _TITLED.match(text, i)):
                found[i] = m
            i = text.find(word, i + 1)
    return [found[i] for i in sorted(found)]


def _is_title_or_article(word: str) -> bool:
    low = word.lower().rstrip(".")
    return low in TITLES or low in {"the", "a", "an", "as", "but", "and", "said", "says"} or word.isupper()


_MAX_PER_PARAGRAPH = 50  # hostile text ("Professor Professor ...") must stay linear
_POSSESSIVE = re.compile(r"[’']s$")


@dataclass(slots=True)
class Gazetteer:
    by_surname: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    titles: dict[str, str | None] = field(default_factory=dict)
    occurrences: list[tuple[tuple[int, int], str]] = field(default_factory=list)  # ((para, offset), name)
    text: str = ""  # the whole body, for names introduced without a title ("director Jonas Lind")
    unknown: set[str] = field(default_factory=set)  # bare names already looked for in the text

    @classmethod
    def build(cls, paras: Sequence[Paragraph], phrases: Sequence[Phrase]) -> Gazetteer:
        gaz = cls()
        whole = "\n".join(p.text for p in paras)
        gaz.text = whole
        words = ascii_words(whole)
        titles = [t for t in _TITLE_WORDS if t.rstrip(".").encode() in words]
        for index, para in enumerate(paras):
            for m in _titled(para.text, titles)[:_MAX_PER_PARAGRAPH]:
                nat = _NATIONALITY.search(para.text[max(0, m.start() - 30) : m.start()])
                title = " ".join(p for p in (nat.group(1) if nat else None, m.group("title")) if p)
                gaz.add(m.group("name"), title)
                full = " ".join(_POSSESSIVE.sub("", w) for w in m.group("name").split())
                gaz.occurrences.append(((index, m.start()), full))
        for phrase in phrases:
            if (
                phrase.kind is SourceKind.PERSON
                and phrase.reference is None
                and len(phrase.name.split()) >= 2
            ):
                gaz.add(phrase.name, phrase.role)
        return gaz

    def add(self, name: str, title: str | None) -> None:
        words = [_POSSESSIVE.sub("", w) for w in name.split()]
        full = " ".join(words)
        self.titles.setdefault(key(full), title)
        self.by_surname.setdefault(words[-1].lower(), (full, title))

    def full_name(self, name: str) -> tuple[str, str | None]:
        """The full name a bare surname stands for, with its title; the name itself otherwise."""
        words = name.split()
        if len(words) == 1 and words[0].lower() in self.by_surname:
            return self.by_surname[words[0].lower()]
        if len(words) == 1 and len(name) > 2 and name[0].isupper() and name not in self.unknown:
            self.unknown.add(name)  # one scan of the text per bare name, not one per mention
            for m in re.finditer(rf"((?:[A-Z][\w’'-]+\s+){{1,2}}){re.escape(name)}\b", self.text):
                first = [w for w in m.group(1).split() if not _is_title_or_article(w)]
                if first:
                    full = " ".join([*first[-2:], name])
                    self.add(full, None)
                    return full, None
        return name, self.titles.get(key(name))

    def last_person_before(self, pos: tuple[int, int]) -> tuple[tuple[int, int], str] | None:
        """The last titled person named before ``pos`` (for "He explained:")."""
        i = bisect_left(self.occurrences, (pos, ""))
        return self.occurrences[i - 1] if i else None

    def capitalised_mid_sentence(self, word: str) -> bool:
        return re.search(rf"[\w,;:)]\s+{re.escape(word)}\b", self.text) is not None

    def role(self, name: str) -> str | None:
        return self.titles.get(key(name))

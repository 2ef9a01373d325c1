"""Sentence boundaries, shared by the extractors that quote a sentence as evidence."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) and a space,
# but not after common abbreviations and initials ("Prof.", "U.S.", "M. K.").
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Capt|Adm|Gov|Sen|Rep|Rev|St|Jr|Sr|No|vs|etc|al|Inc|Ltd|Co|Corp|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|approx|e\.g|i\.e)|\b[A-Z])\.$"
)
_ABBREV_WINDOW = 12  # longer than any abbreviation above, so the slice start adds no false \b
_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        # Only the last few characters can hold an abbreviation; looking at the whole
        # pending sentence made long unbroken blocks quadratic.
        head = text[max(start, m.start() - _ABBREV_WINDOW) : m.start() + 1]
        if _ABBREV.search(head):
            continue
        nxt = text[m.end() : m.end() + 1]
        if nxt and nxt.islower():
            continue
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


@dataclass(frozen=True, slots=True)
class SpanIndex:
    """A block's sentence spans, split once so each link's sentence is a bisection away.

    Re-splitting the whole block per link made a block holding thousands of links quadratic.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> SpanIndex:
        spans = sentence_spans(text)
        return cls(text, tuple(s for s, _ in spans), tuple(e for _, e in spans))

    def sentence(self, start: int, end: int, *, limit: int = 400) -> str:
        """The sentence(s) covering ``text[start:end]``, trimmed to ``limit`` characters."""
        i = bisect_right(self.ends, start)
        j = bisect_right(self.starts, max(start, end - 1)) - 1
        first = self.starts[i] if i < len(self.starts) else None
        last = self.ends[j] if j >= 0 else None
        return _trim(self.text, first, last, start, end, limit)


def sentence_at(text: str, start: int, end: int, *, limit: int = 400) -> str:
    """The sentence(s) covering ``text[start:end]``, trimmed to ``limit`` characters."""
    return SpanIndex.of(text).sentence(start, end, limit=limit)


def _trim(text: str, first: int | None, last: int | None, start: int, end: int, limit: int) -> str:
    sentence = text[first or 0 : last or len(text)].strip()
    if len(sentence) > limit:
        mid = (start + end) // 2 - (first or 0)
        lo = max(0, mid - limit // 2)
        sentence = ("…" if lo else "") + sentence[lo : lo + limit].strip() + "…"
    return sentence

"""Sentences and quotations, shared by every extractor that cites a sentence as evidence.

One splitter for link context and attributions alike: a sentence never ends inside a
quotation or after an abbreviation or an initial ("Prof.", "U.S.", "M. K.").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

_ABBREV = frozenset(
    "mr mrs ms mx dr prof gen adm col lt sgt capt cmdr sen rep gov st jr sr inc ltd co corp vs etc no"
    " jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e mt ft rev hon pres gov't del".split()
)
OPEN_QUOTES = '“"«'
_STOP = re.compile(r"[.!?](?:''|[”\"’)»])*(?:\d{1,2}(?=\s))?")  # a footnote mark may follow
_PAIRS = {"“": "”", "«": "»", '"': '"', "''": "''"}
_SYMMETRIC = frozenset({'"', "''"})


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted passages, quotation marks included.

    A curly or guillemet quote left open runs to the end of the paragraph (the convention
    for a quotation that continues in the next paragraph). Straight quotes, and the doubled
    apostrophes some newspaper archives print for them (''like this''), pair left to right;
    an odd one out is ignored.
    """
    spans: list[tuple[int, int]] = []
    i = 0
    nxt = {ch: text.find(ch) for ch in _PAIRS}  # re-searched only once passed: no rescans
    while True:
        for ch, j in nxt.items():
            if -1 < j < i:
                nxt[ch] = text.find(ch, i)
        found = [(j, ch) for ch, j in nxt.items() if j != -1]
        if not found:
            return spans
        start, opener = min(found)
        closer = _PAIRS[opener]
        close = text.find(closer, start + len(opener))
        if close == -1:
            if opener not in _SYMMETRIC:
                spans.append((start, len(text)))
            return spans
        spans.append((start, close + len(closer)))
        i = close + len(closer)


def inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Strictly inside one of ``spans`` (sorted, non-overlapping)."""
    i = bisect_left(spans, (pos, pos))
    return i > 0 and spans[i - 1][0] < pos < spans[i - 1][1]


def is_abbreviation(text: str, dot: int) -> bool:
    """The period at ``dot`` ends an abbreviation or an initial, not a sentence."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    return word in _ABBREV or (len(word) == 1 and text[dot - 1].isupper()) or "." in word


def _splittable(text: str, i: int, quotes: Sequence[tuple[int, int]]) -> bool:
    """Not an abbreviation, and outside quotes unless the quote closes right here."""
    if text[i] == "." and is_abbreviation(text, i):
        return False
    k = bisect_left(quotes, (i, i))  # only the last quote opening before i can hold it
    if not (k and quotes[k - 1][0] < i < quotes[k - 1][1]):
        return True
    end = quotes[k - 1][1]
    return end == i + 2 or (end == i + 3 and text.startswith("''", i + 1))


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: a boundary is . ! ? (plus closing quotes) then a capital or a quote."""
    quotes = quote_spans(text)
    out: list[tuple[int, int]] = []
    start = 0
    for m in _STOP.finditer(text):
        i = m.start()
        if i < start or not _splittable(text, i, quotes):
            continue
        end = m.end()
        nxt = end
        while nxt < len(text) and text[nxt] == " ":
            nxt += 1
        if nxt >= len(text) or (
            nxt > end
            and (text[nxt].isupper() or text[nxt] in OPEN_QUOTES + "(" or text.startswith("''", nxt))
        ):
            if text[start:end].strip():
                out.append((start, end))
            start = nxt
    if text[start:].strip():
        out.append((start, len(text)))
    return out


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
        spans = sentences(text)
        return cls(text, tuple(s for s, _ in spans), tuple(e for _, e in spans))

    def sentence(self, start: int, end: int, *, limit: int = 400) -> str:
        """The sentence(s) covering ``text[start:end]``, trimmed to ``limit`` characters."""
        i = bisect_right(self.ends, start)
        j = bisect_right(self.starts, max(start, end - 1)) - 1
        first = self.starts[i] if i < len(self.starts) else None
        last = self.ends[j] if j >= 0 else None
        return _trim(self.text, first, last, start, end, limit)


def _trim(text: str, first: int | None, last: int | None, start: int, end: int, limit: int) -> str:
    sentence = text[first or 0 : last or len(text)].strip()
    if len(sentence) > limit:
        mid = (start + end) // 2 - (first or 0)
        lo = max(0, mid - limit // 2)
        sentence = ("…" if lo else "") + sentence[lo : lo + limit].strip() + "…"
    return sentence

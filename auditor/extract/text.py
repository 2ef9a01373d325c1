"""Sentence boundaries, shared by the extractors that quote a sentence as evidence."""

from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) and a space,
# but not after common abbreviations and initials ("Prof.", "U.S.", "M. K.").
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Capt|Adm|Gov|Sen|Rep|Rev|St|Jr|Sr|No|vs|etc|al|Inc|Ltd|Co|Corp|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|approx|e\.g|i\.e)|\b[A-Z])\.$"
)
_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        head = text[start : m.start() + 1]
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


def sentence_at(text: str, start: int, end: int, *, limit: int = 400) -> str:
    """The sentence(s) covering ``text[start:end]``, trimmed to ``limit`` characters."""
    first = last = None
    for s, e in sentence_spans(text):
        if first is None and e > start:
            first = s
        if s <= max(start, end - 1):
            last = e
    sentence = text[first or 0 : last or len(text)].strip()
    if len(sentence) > limit:
        mid = (start + end) // 2 - (first or 0)
        lo = max(0, mid - limit // 2)
        sentence = ("…" if lo else "") + sentence[lo : lo + limit].strip() + "…"
    return sentence

"""Which quotation goes with a cue, including quotations that span paragraphs.

Three shapes: the quote is in the cue's sentence (after the cue, else before it); the cue
sentence ends the paragraph with ":" or "," ("He explained:") and the quote is the next
paragraph(s); or a quote opens the paragraph and is attributed at its end, with earlier
paragraphs that open with a quotation mark and never close it (the convention for a
multi-paragraph quotation) belonging to it too.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from auditor.extract.attribution.text import Paragraph, unquote
from auditor.extract.text import OPEN_QUOTES, quote_spans

_SPLIT_GAP = 40  # characters between a quotation's two halves and the cue between them
_MAX_SPAN = 12  # paragraphs one quotation may run over
_CLOSE = ("”", '"', "»", "''")


def _opens(text: str) -> bool:
    return text[:1] in OPEN_QUOTES or text.startswith("''")


class Quoter:
    """Remembers which paragraphs a lead-in sentence already claimed as its quotation."""

    def __init__(self, paras: Sequence[Paragraph]) -> None:
        self._paras = paras
        self._consumed: set[int] = set()

    def consumed(self, index: int) -> bool:
        return index in self._consumed

    def quote_for(
        self,
        index: int,
        quotes: Sequence[tuple[int, int]],
        sentence: tuple[int, int],
        cue: tuple[int, int],
        *,
        last: bool,
    ) -> str | None:
        text = self._paras[index].text
        lo, hi = bisect_left(quotes, (sentence[0], -1)), bisect_left(quotes, (sentence[1], -1))
        within = quotes[lo:hi]
        after = [q for q in within if q[0] >= cue[1]]
        before = [q for q in within if q[1] <= cue[0]]
        if after and before and cue[0] - before[-1][1] <= _SPLIT_GAP and after[0][0] - cue[1] <= _SPLIT_GAP:
            # "“The rates will fall,” Mr. Ekwall said, “but not this year.”": one quotation
            first, second = (
                unquote(text[before[-1][0] : before[-1][1]]),
                unquote(text[after[0][0] : after[0][1]]),
            )
            return f"{first}, {second}" if first and second else first or second or None
        if after:
            return unquote(text[after[0][0] : after[0][1]]) or None
        if before:
            a, b = before[-1]
            passage = unquote(text[a:b])
            if a == 0:
                passage = " ".join([*self._preceding(index), passage])
            return passage or None
        if last and text.rstrip().endswith((":", ",")):
            return self._following(index)
        return None

    def _whole_quote(self, index: int) -> bool:
        text = self._paras[index].text.rstrip()
        spans = quote_spans(text)
        return bool(text) and _opens(text) and len(spans) == 1 and spans[0][1] >= len(text) - 1

    def _following(self, index: int) -> str | None:
        parts: list[str] = []
        j = index + 1
        while j < min(len(self._paras), index + _MAX_SPAN) and self._whole_quote(j):
            text = self._paras[j].text.rstrip()
            parts.append(unquote(text))
            self._consumed.add(j)
            if text.endswith(_CLOSE):
                break
            j += 1
        return " ".join(parts) or None

    def _preceding(self, index: int) -> list[str]:
        parts: list[str] = []
        j = index - 1
        while j >= max(0, index - _MAX_SPAN):
            text = self._paras[j].text.rstrip()
            if not text or not _opens(text) or text.endswith(_CLOSE):
                break
            parts.insert(0, unquote(text))
            j -= 1
        return parts

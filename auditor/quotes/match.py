"""Does a page's text hold a quotation? Pure functions over two strings.

A quote as an article prints it is rarely byte-identical to its source: curly or straight
quotation marks, another dash, a capital at the start, "…" where the writer cut words out,
"[the minister]" where they put words in. So both sides become *tokens* (words, case-folded,
apostrophes unified, punctuation gone), the quote is cut into *segments* at each ellipsis or
bracketed insertion, and each segment is looked for in the page's tokens:

1. word for word (``found``);
2. else the page's best passage: candidate windows where the segment's words gather, each
   aligned to the segment with ``difflib`` (tokens, not characters, so a changed word is one
   difference, not a dozen). A passage holding at least ``EDITED_MIN`` of the segment's words
   in order is the same passage, edited (``found-edited``), and what changed is listed;
3. else ``not-found``, with the closest passage when there is one worth showing.

Segments under ``MIN_WORDS`` words are not judged alone (a two-word fragment is found
anywhere); a quote with no segment that long is not checked at all (see :func:`checkable`).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property, lru_cache

from auditor.models import QuoteVerdict

MIN_WORDS = 4  # a quote shorter than this is a phrase, not a checkable quotation
EDITED_MIN = 0.75  # share of a segment's words a passage must hold, in order, to be it
SHOWN_MIN = 0.4  # a closer passage than this is shown beside a not-found verdict
_PASSAGE_MAX = 400  # characters of page text kept as the matched passage
_CANDIDATES = 4  # windows aligned in full per segment

_SEP = "\x1f"  # between words in a joined text: never in a word
_WORD = re.compile(r"\w+(?:'\w+)*")  # after apostrophes are unified; none at either end
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})
# Where a writer cut or inserted words: "...", "…", ". . .", "[…]", "[the minister]", "(sic)".
_GAP = re.compile(r"\.\s?\.\s?\.|…|\[[^\]]{0,80}\]|\((?:sic|emphasis added)\)", re.I)


@dataclass(frozen=True)
class Tokens:
    """A text's words, normalised; where each one sits in the text is worked out only when
    a passage is shown (most quotes are found word for word and need no offsets)."""

    words: tuple[str, ...]
    text: str
    _marked: str  # ``text`` with apostrophes unified: the same length, so offsets hold

    @cached_property
    def spans(self) -> tuple[tuple[int, int], ...]:
        return tuple(m.span() for m in _WORD.finditer(self._marked))

    @cached_property
    def joined(self) -> str:
        """The words between separators, for word-for-word search: built once per page,
        however many quotes and segments look in it."""
        return _SEP + _SEP.join(self.words) + _SEP


@dataclass(frozen=True, slots=True)
class Match:
    verdict: QuoteVerdict
    similarity: float
    differences: tuple[str, ...] = ()
    passage: str = ""


def tokens(text: str) -> Tokens:
    """The words of ``text``: apostrophes unified, case-folded, NFKC-normalised where not
    plain ASCII. One ``findall`` over the folded text, since this runs over whole pages."""
    marked = text.translate(_APOSTROPHES)
    folded = marked.casefold()
    if len(folded) == len(marked):
        words = _WORD.findall(folded)
    else:  # a character that folds to two ("ß" to "ss"): fold word by word
        words = [w.casefold() for w in _WORD.findall(marked)]
    if not folded.isascii():
        words = [w if w.isascii() else unicodedata.normalize("NFKC", w) for w in words]
    return Tokens(tuple(words), text, marked)


@lru_cache(maxsize=4096)
def segments(quote: str) -> tuple[Tokens, ...]:
    """The quote's runs of words between the writer's cuts and insertions (cached: a quote
    is asked about when its targets are picked and again when it is judged)."""
    return tuple(t for part in _GAP.split(quote) if (t := tokens(part)).words)


def checkable(quote: str) -> bool:
    """True when some segment is long enough to be judged against a page."""
    return any(len(s.words) >= MIN_WORDS for s in segments(quote))


def find_quote(quote: str, page: Tokens) -> Match:
    """How well ``page`` holds ``quote``: the verdict, the words' share, and what differs."""
    parts = [s for s in segments(quote) if len(s.words) >= MIN_WORDS] or list(segments(quote))
    found = [_segment(seg, page) for seg in parts]
    total = sum(len(seg.words) for seg in parts) or 1
    similarity = sum(m.similarity * len(seg.words) for m, seg in zip(found, parts, strict=True)) / total
    order = (QuoteVerdict.FOUND, QuoteVerdict.FOUND_EDITED, QuoteVerdict.NOT_FOUND)
    verdict = max((m.verdict for m in found), key=order.index, default=QuoteVerdict.NOT_FOUND)
    passages = [m.passage for m in found if m.passage]
    return Match(
        verdict=verdict,
        similarity=round(similarity, 3),
        differences=tuple(d for m in found for d in m.differences),
        passage=" … ".join(passages)[:_PASSAGE_MAX],
    )


def _segment(seg: Tokens, page: Tokens) -> Match:
    n = len(seg.words)
    at = _exact(seg.words, page)
    if at is not None:
        return Match(QuoteVerdict.FOUND, 1.0, passage=_passage(page, at, at + n))
    best: _Aligned | None = None
    for start in _candidates(seg.words, page.words):
        lo = max(0, start - n // 2)
        aligned = _align(seg.words, page.words, lo, min(len(page.words), start + n + n // 2))
        if aligned is not None and (best is None or aligned.share > best.share):
            best = aligned
    if best is None:
        return Match(QuoteVerdict.NOT_FOUND, 0.0)
    if best.share >= EDITED_MIN and n >= MIN_WORDS:
        best = _stretch(best, page, n)
    passage = _passage(page, best.first, best.last)
    if best.share >= EDITED_MIN and n >= MIN_WORDS:
        return Match(
            QuoteVerdict.FOUND_EDITED, round(best.share, 3), _differences(seg, page, best.ops), passage
        )
    return Match(
        QuoteVerdict.NOT_FOUND, round(best.share, 3), passage=passage if best.share >= SHOWN_MIN else ""
    )


@dataclass(frozen=True, slots=True)
class _Aligned:
    share: float  # the segment's words matched in order, over the longer of segment and passage
    first: int  # the passage's first and last word (exclusive) in the page
    last: int
    ops: tuple[tuple[str, int, int, int, int], ...]  # difflib opcodes, page indexes absolute


_PUNCT = re.compile(r"[.,;:!?()\[\]—–]|\s-\s")
_STRETCH = 3  # page words a changed last (or first) word may stand for


def _stretch(best: _Aligned, page: Tokens, n: int) -> _Aligned:
    """A changed last word of the quote stands for the page's words to the end of its
    clause ("by half" against "by a third."), not only the one word in its place; the same
    for a changed first word, back to the start of its clause."""
    ops = list(best.ops)
    first, last = best.first, best.last
    if ops and ops[-1][0] == "replace" and ops[-1][2] == n and ops[-1][4] == last:
        tag, a, b, c, d = ops[-1]
        while d < len(page.words) and d - c < (b - a) + _STRETCH and not _pause(page, d - 1, d):
            d += 1
        if d < len(page.words) and not _pause(page, d - 1, d):
            d = ops[-1][4]  # no clause end near: keep the word for word replacement
        ops[-1], last = (tag, a, b, c, d), d
    if ops and ops[0][0] == "replace" and ops[0][1] == 0 and ops[0][3] == first:
        tag, a, b, c, d = ops[0]
        while c > 0 and (d - c) < (b - a) + _STRETCH and not _pause(page, c - 1, c):
            c -= 1
        if c > 0 and not _pause(page, c - 1, c):
            c = ops[0][3]
        ops[0], first = (tag, a, b, c, d), c
    return _Aligned(best.share, first, last, tuple(ops))


def _pause(page: Tokens, i: int, j: int) -> bool:
    """True when punctuation stands between page words ``i`` and ``j`` (a clause boundary)."""
    return bool(_PUNCT.search(page.text, page.spans[i][1], page.spans[j][0]))


def _exact(words: tuple[str, ...], page: Tokens) -> int | None:
    """The index of the first word-for-word occurrence of ``words`` in ``page``."""
    hay = page.joined
    pos = hay.find(_SEP + _SEP.join(words) + _SEP)
    return None if pos < 0 else hay.count(_SEP, 0, pos + 1) - 1


def _candidates(words: tuple[str, ...], page: tuple[str, ...]) -> list[int]:
    """Starts of the page windows where most of the segment's words gather.

    Each page position holding one of the segment's words starts a window the segment's
    length plus a quarter; the windows holding the most such positions are aligned in full.
    """
    wanted = set(words)
    hits = [i for i, w in enumerate(page) if w in wanted]
    if not hits:
        return []
    span = len(words) + len(words) // 4
    counts = [(bisect_left(hits, h + span) - k, h) for k, h in enumerate(hits)]
    counts.sort(key=lambda c: (-c[0], c[1]))
    floor = max(2, int(len(words) * SHOWN_MIN))
    chosen: list[int] = []
    for count, start in counts:
        if count < floor or len(chosen) == _CANDIDATES:
            break
        if all(abs(start - c) > len(words) for c in chosen):  # one candidate per region
            chosen.append(start)
    return chosen


def _align(words: tuple[str, ...], page: tuple[str, ...], lo: int, hi: int) -> _Aligned | None:
    """The segment aligned to the page between ``lo`` and ``hi``.

    The first alignment finds where the matched words sit; the passage is then widened by
    the segment's unmatched words at either end (the quote's first word lines up with the
    page word in its place), and aligned again, so a changed first or last word is one
    replacement and not a run of the page's earlier words.
    """
    window = page[lo:hi]
    blocks = [b for b in SequenceMatcher(None, words, window, autojunk=False).get_matching_blocks() if b.size]
    if not blocks:
        return None
    lead, trail = blocks[0].a, len(words) - (blocks[-1].a + blocks[-1].size)
    first = max(0, lo + blocks[0].b - lead)
    last = min(len(page), lo + blocks[-1].b + blocks[-1].size + trail)
    sm = SequenceMatcher(None, words, page[first:last], autojunk=False)
    matched = sum(b.size for b in sm.get_matching_blocks())
    ops = tuple((t, a, b, first + c, first + d) for t, a, b, c, d in sm.get_opcodes() if t != "equal")
    return _Aligned(matched / max(len(words), last - first), first, last, ops)


def _differences(
    seg: Tokens, page: Tokens, ops: tuple[tuple[str, int, int, int, int], ...]
) -> tuple[str, ...]:
    """Each change as the article prints it against what the page says."""

    def quoted(toks: Tokens, a: int, b: int) -> str:
        return "‘" + toks.text[toks.spans[a][0] : toks.spans[b - 1][1]] + "’"

    out = []
    for tag, a, b, c, d in ops:
        if tag == "replace":
            out.append(f"{quoted(seg, a, b)} → {quoted(page, c, d)}")
        elif tag == "delete":
            out.append(f"added in the quote: {quoted(seg, a, b)}")
        elif tag == "insert":
            out.append(f"left out of the quote: {quoted(page, c, d)}")
    return tuple(out[:12])


def _passage(page: Tokens, first: int, last: int) -> str:
    if first >= last:
        return ""
    text = page.text[page.spans[first][0] : page.spans[last - 1][1]]
    return " ".join(text.split())[:_PASSAGE_MAX]

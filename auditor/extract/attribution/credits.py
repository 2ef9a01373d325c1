"""Quotations credited with a dash instead of a verb: “…” ― Ada Holm, and a line of its own
("- Ada Holm, Springfield.") under a quoted paragraph.

Roundups of readers' or voters' voices and fact-check columns print quotes this way: the dash
is the cue, the name after it the speaker, a comma and a place or role after the name its
role. The speaker must read as a name (a person or organisation), so a dash before an
ordinary clause ("…” — and then the vote") credits nobody.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from auditor.extract.attribution.names import OutletResolver, Phrase, classify
from auditor.extract.attribution.text import Paragraph, unquote
from auditor.extract.text import quote_spans
from auditor.models import SourceKind

_DASH = "―—–-"
# After a closing quotation mark: a dash, then the credit up to the next quotation or the end.
_AFTER_QUOTE = re.compile(
    rf"\s*(?P<dash>[{_DASH}])\s*(?P<who>[A-Z][^“”\"\n{_DASH}]{{1,120}}?)\s*(?=[“”\"]|$)"
)
# A paragraph that is only a credit: "- Ada Holm." / "—President Lund, speaking in Oslo."
_CREDIT_LINE = re.compile(rf"^\s*(?P<dash>[{_DASH}])\s*(?P<who>[A-Z][^“”\"\n]{{1,120}}?)\s*\.?\s*$")
_CLOSE = ("”", '"', "''")
_KINDS = frozenset({SourceKind.PERSON, SourceKind.ORGANISATION, SourceKind.OUTLET})
_MAX_PER_PARAGRAPH = 100


def _speaker(credit: str, resolve: OutletResolver | None) -> Phrase | None:
    name, _, role = credit.strip().rstrip(".").partition(",")
    phrase = classify(name.strip(), resolve)
    if phrase is None or phrase.kind not in _KINDS or phrase.reference is not None or phrase.place_only:
        return None
    role = role.strip()
    if role and not phrase.role and len(role.split()) <= 8:
        phrase = Phrase(name=phrase.name, kind=phrase.kind, role=role)
    return phrase


def inline_credits(para: Paragraph, resolve: OutletResolver | None) -> list[tuple[Phrase, str, str, int]]:
    """(speaker, evidence, quotation, offset of the dash) for each “…” ― Name in ``para``."""
    text = para.text
    if not any(d in text for d in _DASH):
        return []
    out = []
    for start, end in quote_spans(text)[:_MAX_PER_PARAGRAPH]:
        if not text[start:end].endswith(_CLOSE):
            continue
        m = _AFTER_QUOTE.match(text, end)
        phrase = _speaker(m.group("who"), resolve) if m else None
        if m is not None and phrase is not None:
            out.append((phrase, text[start : m.end("who")], unquote(text[start:end]), m.start("dash")))
    return out


def credit_line(
    paras: Sequence[Paragraph], index: int, resolve: OutletResolver | None
) -> tuple[Phrase, str, str, int] | None:
    """(speaker, evidence, quotation, offset of the dash) when paragraph ``index`` only credits
    the quotation that makes up the paragraph before it."""
    m = _CREDIT_LINE.match(paras[index].text)
    if m is None or index == 0:
        return None
    before = paras[index - 1].text.strip()
    spans = quote_spans(before)
    if not spans or spans[0][0] != 0 or spans[-1][1] < len(before) - 1:
        return None
    phrase = _speaker(m.group("who"), resolve)
    if phrase is None:
        return None
    return phrase, paras[index].text.strip(), unquote(before), m.start("dash")

"""Attributions: every source the article presents as saying, writing or reporting something.

Rule-based and pure. For each body sentence we find cues (``attribution.cues``, a lexicon
derived from PolNeAR's train split), read the speaker at each cue by its shape
(``attribution.speaker``, ``attribution.clauses``), classify it (``attribution.names``,
``attribution.outlets``, ``attribution.anonymous``), take the quotation that goes with it (in
the sentence, in the paragraphs that follow "He explained:", or in the paragraphs that open a
quote attributed at its end), the outlet where it was said, and the link that backs it.
Quotations credited with a dash ("“…” ― Ada Holm") are read too (``attribution.credits``).
Then references are resolved (``attribution.references``: "Putin" -> "Vladimir Putin", "she"
-> the last woman named, "the ambassador" -> the person with that role, "the newspaper" ->
the outlet named before) and every source's mentions merge into its first full one. Unnamed
sources ("a senior official", "experts") are kept, as ``anonymous``, with the words used.
Precision first: a phrase that is not clearly a person, organisation, outlet, document or
unnamed source is dropped, as are places ("Taiwan") and the article's own authors, and a
reference with nothing compatible before it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from auditor.extract.attribution.backing import backing_targets, backing_url
from auditor.extract.attribution.clauses import (
    Venue,
    venue_in,
)
from auditor.extract.attribution.credits import credit_line, inline_credits
from auditor.extract.attribution.cues import find_cues, forms_in
from auditor.extract.attribution.gazetteer import Gazetteer
from auditor.extract.attribution.names import OutletResolver, key
from auditor.extract.attribution.quotes import Quoter
from auditor.extract.attribution.references import Mention, Resolver
from auditor.extract.attribution.speaker import complement_ok, speaker
from auditor.extract.attribution.text import Paragraph, body_paragraphs
from auditor.extract.text import inside, quote_spans, sentences
from auditor.models import Attribution, Document, DomainInfo, Link, Metadata, SourceKind

__all__ = ["OutletResolver", "extract_attributions"]

_MAX_MENTIONS = 1000  # per article; a hostile page cannot make the stage quadratic
_MAX_SENTENCE = 2000  # longer "sentences" are lists or markup debris, not reported speech
_MAX_CUES = 12  # cues read per sentence
_QUOTE_PROBE = 30  # a quotation beginning in the cue's sentence is that sentence's, not a mention of its own


def extract_attributions(
    doc: Document,
    links: Sequence[Link],
    metadata: Metadata,
    resolve_outlet: OutletResolver | None = None,
) -> tuple[Attribution, ...]:
    """One ``Attribution`` per source cited in the body, in order of first mention."""
    paras = body_paragraphs(doc, links)
    targets = backing_targets(doc, links)
    quoter = Quoter(paras)
    mentions: list[Mention] = []
    forms = forms_in("\n".join(p.text for p in paras))
    for index, para in enumerate(paras):
        if quoter.consumed(index):
            continue
        budget = _MAX_MENTIONS - len(mentions)
        found = _paragraph_mentions(index, para, forms, quoter, resolve_outlet, budget, targets)
        mentions.extend(sorted([*found, *_credited(paras, index, resolve_outlet)], key=lambda m: m.pos))
        if len(mentions) >= _MAX_MENTIONS:
            break
    gazetteer = Gazetteer.build(paras, [m.phrase for m in mentions], metadata.title or "")
    resolved = Resolver(paras, gazetteer, metadata.authors).resolve(mentions)
    return _merge(resolved, resolve_outlet)


def _paragraph_mentions(
    index: int,
    para: Paragraph,
    forms: tuple[str, ...],
    quoter: Quoter,
    resolve: OutletResolver | None,
    budget: int,
    targets: Mapping[str, str | None],
) -> list[Mention]:
    cues = find_cues(para.text, forms)
    if not cues:
        return []
    quotes = quote_spans(para.text)
    spans = sentences(para.text)
    out: list[Mention] = []
    k = 0
    for n, (start, end) in enumerate(spans):
        here = []
        while k < len(cues) and cues[k][0] < end:
            if cues[k][0] >= start:
                here.append(cues[k])
            k += 1
        if end - start > _MAX_SENTENCE:
            continue
        named = False  # an earlier cue of this sentence has named its speaker
        for cue in here[:_MAX_CUES]:
            if not inside(cue[0], quotes) and _lower_or_first(para.text, start, cue[0]):
                at = _Place(index, para, (start, end), cue, n == len(spans) - 1, targets)
                mention = _mention_at(at, quotes, quoter, resolve, shared=not named)
                if mention is not None:
                    out.append(mention)
                    named = True
        if len(out) >= budget:  # one paragraph of thousands of cues must not run unbounded
            return out[:budget]
    return out


def _credited(paras: Sequence[Paragraph], index: int, resolve: OutletResolver | None) -> list[Mention]:
    """Quotations credited with a dash ("“…” ― Ada Holm"), in the paragraph or on a line of their own."""
    found = inline_credits(paras[index], resolve)
    line = credit_line(paras, index, resolve)
    if line is not None:
        found.append(line)
    return [
        Mention(
            phrase=phrase,
            cue=paras[index].text[dash],
            sentence=" ".join(evidence.split()),
            quote=quote or None,
            venue=None,
            url=None,
            direct=False,
            pos=(index, dash),
            subject_pos=(index, dash),
        )
        for phrase, evidence, quote, dash in found
    ]


def _lower_or_first(text: str, sentence_start: int, cue: int) -> bool:
    """A capitalised cue word mid-sentence is a name ("the United States", "The Post"), not a cue."""
    return not text[cue].isupper() or not text[sentence_start:cue].strip(" “\"'‘(")


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a cue stands: paragraph index and text, its sentence span and its own span."""

    index: int
    para: Paragraph
    sentence: tuple[int, int]
    cue: tuple[int, int]
    last: bool  # the sentence ends the paragraph
    targets: Mapping[str, str | None]  # what each link stands for as a backing link


def _mention_at(
    at: _Place,
    quotes: Sequence[tuple[int, int]],
    quoter: Quoter,
    resolve: OutletResolver | None,
    *,
    shared: bool,
) -> Mention | None:
    start, end = at.sentence
    sentence = at.para.text[start:end]
    cue = (at.cue[0] - start, at.cue[1] - start)
    subject = speaker(sentence, cue, resolve, shared=shared)
    if subject is None:
        return None
    quote = quoter.quote_for(at.index, quotes, at.sentence, at.cue, last=at.last)
    word = sentence[cue[0] : cue[1]].lower()
    if not complement_ok(word, subject.phrase, quote, sentence[cue[1] :]):
        return None
    return Mention(
        phrase=subject.phrase,
        cue=word,
        sentence=" ".join(sentence.split()),
        quote=quote,
        venue=venue_in(sentence, resolve),
        url=backing_url(
            at.para, at.sentence, at.cue, (start + subject.start, start + subject.end), at.targets
        ),
        direct=subject.direct,
        pos=(at.index, at.cue[0]),
        subject_pos=(at.index, start + subject.start),
    )


def _merge(mentions: list[Mention], resolve: OutletResolver | None) -> tuple[Attribution, ...]:
    """One record per source: the first mention's name, kind, cue and evidence; the first
    role, quote, link and venue any mention supplies; every evidence sentence."""
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(key(m.phrase.name), []).append(m)
    out: list[Attribution] = []
    for group in groups.values():
        first = group[0]
        venue = next((m.venue for m in group if m.venue), None)
        if venue is None and first.phrase.kind is SourceKind.OUTLET:
            venue = Venue(first.phrase.name, None)
        info = _resolve_venue(venue, resolve)
        out.append(
            Attribution(
                source=first.phrase.name,
                kind=first.phrase.kind,
                cue=first.cue,
                evidence=first.sentence,
                role=next((m.phrase.role for m in group if m.phrase.role), None),
                outlet=venue.name if venue else None,
                outlet_domain=info.domain if info else None,
                outlet_category=info.category if info else None,
                characterisation=venue.characterisation if venue else None,
                quote=next((m.quote for m in group if m.quote), None),
                url=next((m.url for m in group if m.url), None),
                mentions=tuple(dict.fromkeys(_evidence(group))),
            )
        )
    return tuple(out)


def _evidence(group: Sequence[Mention]) -> list[str]:
    """Each mention's sentence, and after it the quotation its lead-in took from the
    paragraphs that follow ("He explained:" then the quoted paragraph): the second and
    later quotes of one person are evidence too, though only the first is ``quote``."""
    out: list[str] = []
    for m in group:
        out.append(m.sentence)
        if m.quote and m.quote[:_QUOTE_PROBE] not in m.sentence:  # quoted from other paragraphs
            out.append(m.quote)
    return out


def _resolve_venue(venue: Venue | None, resolve: OutletResolver | None) -> DomainInfo | None:
    if venue is None or resolve is None:
        return None
    info = resolve(venue.name)
    if info is None and venue.characterisation:
        info = resolve(f"{venue.characterisation} {venue.name}")
    return info

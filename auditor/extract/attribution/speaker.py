"""Who speaks at one cue, by the cue's shape.

A finite cue ("said", "has warned") takes the subject before it, or after it when a
quotation comes first ("…,” said Ada Holm). After "was" it is passive: the speaker follows
"by" ("was first reported by the Ledger"), and only "was asked" and "was quoted" keep the
subject. An "-ing" form counts after an auxiliary ("was telling") or after another clause
("…, saying"), and an infinitive after another verb ("went on Twitter to accuse"): both
speak for the clause's own subject, as does a cue sharing its subject through "and"
("smiled and said"), and a relative "who" speaks for the noun before it ("Ada Holm, who
chairs the panel, warned"). Those shared subjects are read only when no earlier cue of the
sentence has named the speaker already.
"""

from __future__ import annotations

import re

from auditor.extract.attribution.anonymous import HEADS as ANON_HEADS
from auditor.extract.attribution.anonymous import is_generic_document
from auditor.extract.attribution.clauses import Subject, subject_according, subject_after, subject_before
from auditor.extract.attribution.cues import (
    AMBIGUOUS_S,
    CONTROL,
    CONTROL_OK_NEXT,
    NEEDS_COMPLEMENT,
    PROGRESSIVE,
    CueForm,
    cue_form,
    lemma_of,
)
from auditor.extract.attribution.lexicon import (
    DETERMINERS,
    DOC_HEADS,
    NATIONALITY,
    NON_SUBJECTS,
    PRONOUNS,
    word_set,
)
from auditor.extract.attribution.names import OutletResolver, Phrase, classify
from auditor.models import SourceKind

_PLACE_CUES = frozenset(
    {"say", "state", "announce", "warn", "claim", "insist", "deny", "accuse", "confirm", "blame"}
)
_AUX = re.compile(r"\b(?:was|is|are|were|been|be)\s+(?:\w+ly\s+|now\s+|also\s+|still\s+)?$", re.I)
_PASSIVE = re.compile(r"\b(?:was|is|are|were|been|being|be)\s+(?:\w+ly\s+|first\s+|also\s+|not\s+)?$", re.I)
_MODAL = re.compile(
    r"\b(?:would|will|could|can|may|might|must|should|shall|did|do|does|didn['’]t|don['’]t|doesn['’]t|"
    r"wouldn['’]t|won['’]t|couldn['’]t|can['’]t|shouldn['’]t|cannot|"
    r"to|not|never|also|often|always|still|now)\s+$",
    re.I,
)
_BY = re.compile(r"\s+by(?=\s)")
_KEEPS_SUBJECT_IN_PASSIVE = frozenset({"ask", "quote"})
_PARTICIPIAL = re.compile(
    r"(?:,|\band|\bwhile|\bbefore|\bafter|\bby|\bin|\bwithout|\bwhen|\bthen|\bas|"
    r"\b(?:statement|release|letter|memo|post|tweet|video|message))\s+(?:\w+ly\s+|also\s+|again\s+)?$",
    re.I,
)
_INFINITIVE = re.compile(r"\bto\s+(?:\w+ly\s+|also\s+)?$", re.I)
_IDIOM = re.compile(
    r"\b(?:suffice(?:\s+it)?|needless|fair|safe|hard|true|sad|enough|so|is|are|was|were|be|am)\s+to\s+$", re.I
)
# Verbs whose infinitive after another verb is mostly a purpose ("met to discuss", "flew in to
# address the rally"), not something the subject said.
_PURPOSE = word_set(
    "discuss talk speak address vote consider support back push seek offer propose promote rally"
)
_CONJ = re.compile(r"(?:^|\s)(?:and|or|but)\s+(?:\w+ly\s+|also\s+|then\s+|later\s+)?$", re.I)
_WHO = re.compile(r",\s+who\s+(?:\w+ly\s+|also\s+|has\s+|had\s+|have\s+)*$", re.I)
_SPEECH_NEXT = re.compile(r"\s*(?:that\b|[:,“\"]|\s*—)", re.I)
_AFTER_QUOTE = re.compile(r"(?:[”\"]|'')\s*$|,\s*(?:[”\"]|'')?\s*$")
_CONTROL_NEXT = re.compile(r"\s*(?:that\b|with\b|[:“\"]|to\s+(?:\w+ly\s+)?(?P<verb>\w+))", re.I)
_PLURALS = word_set("police people data they we i you both all media staff")
_NOUN_NEXT = word_set("as of about against and or from over were are was is in")
_VERBISH = word_set("is are was were has have had will would could can may might should must do does did to")
# Sentence openers before the main clause's subject: "On Monday,", "Asked about it,", "Still,".
_INTRO = re.compile(
    r"\s*(?:[“\"'‘]*)(?:(?:on|in|at|after|before|during|while|when|as|since|although|though|if|because|but|and|"
    r"however|yet|still|meanwhile|later|earlier|asked|speaking|responding|like|unlike|with|without|for|"
    r"from|despite|amid|following|under|over|by|to|last|this|now|instead|indeed|also|separately)\b"
    r"[^,;:“”\"]{0,120}|\w+(?:ing|ed)\b[^,;:“”\"]{0,120}|\w+ly),\s*",
    re.I,
)
_WORD = re.compile(r"[A-Za-z][\w’'-]*")
_TRAILING_NAME = re.compile(
    r"(?:(?:[A-Z][a-z]{1,4}\.|[A-Z]\.)\s+)?[A-Z][\w’'-]+(?:\s+(?:[A-Z]\.|[A-Z][\w’'-]+)){0,3}$"
)
_IRREGULAR_PAST = word_set(
    """went took made gave got came said told wrote thought felt saw held left met ran won lost
    sent spent kept brought built became began knew found put set read stood sat fell"""
)
_MAX_VERB_TRIES = 3
_MAX_SUBJECT_WORDS = 14


def speaker(
    sentence: str, span: tuple[int, int], resolve: OutletResolver | None, *, shared: bool
) -> Subject | None:
    """The speaker at the cue ``sentence[span[0]:span[1]]``; ``shared`` allows a subject read
    from the rest of the clause (no earlier cue of the sentence named one)."""
    cue = sentence[span[0] : span[1]].lower()
    if cue == "according to":
        return subject_according(sentence, span[1], resolve)
    if cue in AMBIGUOUS_S and not _SPEECH_NEXT.match(sentence[span[1] :]) and not _verb_here(sentence, span):
        return None
    left = sentence[max(0, span[0] - 40) : span[0]]
    form = cue_form(cue)
    shaped, found = _by_shape(sentence, span, cue, form, left, resolve, shared=shared)
    if shaped:
        return found
    subject = subject_before(sentence, span[0], resolve)
    base = form is not None and form.shape == "base"
    if subject is not None and base and not _plural_or_modal(subject, sentence, span[0]):
        return None  # "the Apple Music show": a base form is a verb after a plural or a modal
    if subject is None and _AFTER_QUOTE.search(sentence[max(0, span[0] - 8) : span[0]]):
        subject = subject_after(sentence, span[1], resolve)
    if subject is None and shared:
        who = _WHO.search(left)
        if who:
            subject = _antecedent(sentence, span[0] - len(left) + who.start(), resolve)
        elif _CONJ.search(left):
            subject = main_subject(sentence, span[0], resolve)
    if subject is None:
        return None
    if subject.phrase.place_only and not (subject.direct and lemma_of(cue) in _PLACE_CUES):
        return None
    return subject


def _by_shape(
    sentence: str,
    span: tuple[int, int],
    cue: str,
    form: CueForm | None,
    left: str,
    resolve: OutletResolver | None,
    *,
    shared: bool,
) -> tuple[bool, Subject | None]:
    """(True, the speaker or None) for a participle, an infinitive or a passive; (False, None)
    when the cue is none of these and is read as a finite verb."""
    if cue in PROGRESSIVE and not _AUX.search(left):
        ok = shared and _PARTICIPIAL.search(left) is not None
        return True, main_subject(sentence, span[0], resolve) if ok else None
    if form is not None and form.shape == "base" and _INFINITIVE.search(left):
        if form.lemma in _PURPOSE:
            return True, None  # "met on Tuesday to discuss the budget": a purpose, not a statement
        idiom = _IDIOM.search(left)  # "suffice it to say", "needless to say", "so to speak"
        return True, main_subject(sentence, span[0], resolve) if shared and not idiom else None
    if form is not None and form.shape == "past" and _PASSIVE.search(left):
        by = _BY.match(sentence, span[1])
        if by:
            return True, subject_after(sentence, by.end(), resolve)
        if form.lemma not in _KEEPS_SUBJECT_IN_PASSIVE:
            return True, None
    return False, None


def _antecedent(sentence: str, comma: int, resolve: OutletResolver | None) -> Subject | None:
    """Whom ", who" refers to: the subject before the comma, or the name that ends the words
    before it even as an object ("an anomaly for Sen. Ada Holm, who voted")."""
    found = subject_before(sentence, comma + 1, resolve, closed=True)
    if found is not None:
        return found
    m = _TRAILING_NAME.search(sentence, max(0, comma - 80), comma)
    phrase = classify(m.group(), resolve) if m else None
    if m is None or phrase is None or phrase.kind is SourceKind.ANONYMOUS or phrase.place_only:
        return None
    return Subject(phrase=phrase, start=m.start(), end=m.end(), direct=False)


def _plural_or_modal(subject: Subject, sentence: str, cue_start: int) -> bool:
    """A base form ("say", "show") is a verb after a modal or "to", or after a plural subject:
    "Mr. Lund and Ms. Berg say", "Police say", "data from the survey show"."""
    if _MODAL.search(sentence[max(0, cue_start - 40) : cue_start]):
        return True
    phrase = subject.phrase
    if phrase.kind is SourceKind.ANONYMOUS or phrase.reference is not None:
        return True
    words = [w.lower().strip(",.") for w in sentence[subject.start : cue_start].split()]
    return "and" in words or any(
        w.endswith("s") or w in _PLURALS for w in words if not w.endswith(("'s", "’s"))
    )


def main_subject(sentence: str, upto: int, resolve: OutletResolver | None) -> Subject | None:
    """The subject of the sentence's main clause, before ``upto``: the noun phrase before its
    first verb, past openers such as "On Monday," or "Asked about the vote,"."""
    i = 0
    for _ in range(3):
        m = _INTRO.match(sentence, i)
        if m is None or m.end() >= upto:
            break
        i = m.end()
    tries = 0
    prev = ""
    for n, m in enumerate(_WORD.finditer(sentence, i, upto)):
        word = m.group()
        if n >= _MAX_SUBJECT_WORDS or tries >= _MAX_VERB_TRIES:
            return None
        if n and _verb_like(word, prev):
            tries += 1
            found = subject_before(sentence, m.start(), resolve)
            if found is not None:
                return Subject(phrase=found.phrase, start=found.start, end=found.end, direct=False)
        prev = word
    return None


def _verb_like(word: str, prev: str) -> bool:
    low = word.lower()
    if low != word:
        return False
    if (low in _VERBISH and low != "to") or low in _IRREGULAR_PAST or low.endswith("ed"):
        return True
    form = cue_form(low)
    if form is not None and form.shape in {"past", "s"}:
        return True
    return low.endswith("s") and (prev[:1].isupper() or prev.lower() in PRONOUNS)


def _verb_here(sentence: str, span: tuple[int, int]) -> bool:
    """An "-s" form that is as often a noun ("his plans", "news reports indicate") is the verb
    right after a name, a pronoun or a speaking noun ("Holm calls", "the poll shows"), when no
    verb or auxiliary follows it."""
    before = sentence[max(0, span[0] - 40) : span[0]].split()
    after = sentence[span[1] : span[1] + 30].split()
    if not before or not after:
        return False
    prev = before[-1]
    low = prev.lower()
    speaking = (
        (
            prev[:1].isupper()
            and len(before) > 1
            and low not in DETERMINERS
            and low not in NON_SUBJECTS
            and "-" not in prev
            and not NATIONALITY.match(prev)
        )
        or low in PRONOUNS
        or low in DOC_HEADS
        or low in ANON_HEADS
    )
    nxt = after[0].lower().strip(",.")
    return speaking and nxt not in _VERBISH and nxt not in _NOUN_NEXT and cue_form(nxt) is None


def complement_ok(word: str, phrase: Phrase, quote: str | None, rest: str) -> bool:
    """Verbs whose object is usually not speech need a that-clause or a quotation, unless a
    document or a poll speaks ("a new poll shows X ahead"); a control verb needs speech after
    it ("declined to comment", not "declined to intervene")."""
    lemma = lemma_of(word)
    if lemma == "report" and rest.startswith(" from "):
        return False  # "Ada Holm reported from Kyiv": a reporter's credit line
    if lemma in NEEDS_COMPLEMENT and quote is None and " that " not in rest and not _documentary(phrase):
        return False
    return lemma not in CONTROL or _speech_follows(rest)


def _documentary(phrase: Phrase) -> bool:
    return phrase.kind is SourceKind.DOCUMENT or (
        phrase.kind is SourceKind.ANONYMOUS and is_generic_document(phrase.role or "")
    )


def _speech_follows(rest: str) -> bool:
    m = _CONTROL_NEXT.match(rest)
    if m is None:
        return False
    verb = m.group("verb")
    if verb is None or verb.lower() in CONTROL_OK_NEXT:
        return True
    form = cue_form(verb)
    return form is not None and form.cls == "speech"

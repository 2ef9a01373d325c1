"""The cue lexicon: the words with which an article hands the floor to a source.

The forms come from ``data/cues.tsv``, derived from the cue heads of PolNeAR's train split by
``scripts/derive_cues.py`` and reviewed there lemma by lemma, with counts: how often a form
heads a gold cue, how often it occurs outside quotations, and the ratio. Each form has a
shape, which decides how its speaker is found (``clauses``): ``past`` and ``s`` forms are
finite ("said", "says") or, after "was", passive; ``base`` forms speak for a plural or after
a modal ("experts say", "would argue"), or, after "to", for the clause's subject ("went on to
accuse"); ``ing`` forms count after an auxiliary ("was telling") or after another clause
("…, saying"). Each has a class: ``speech``, ``stance`` (support, criticism, requests),
``thought`` (belief, hope, fear) and ``evidence`` (what data and documents show).

To extend the lexicon, add the lemma to ``REVIEWED`` in the script and run it again; a form
written by hand into the TSV works too, and the next run will keep it only if it is reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from auditor.extract.attribution.lexicon import ascii_words


@dataclass(frozen=True, slots=True)
class CueForm:
    lemma: str
    shape: str  # past | s | base | ing | phrase
    cls: str  # speech | stance | thought | evidence
    precision: float  # on train, outside quotations


def _load() -> dict[str, CueForm]:
    text = resources.files("auditor.extract.attribution").joinpath("data/cues.tsv").read_text("utf-8")
    out: dict[str, CueForm] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        form, lemma, shape, cls, _gold, _seen, precision = line.split("\t")
        out[form] = CueForm(lemma, shape, cls, float(precision))
    return out


FORMS: dict[str, CueForm] = _load()
# "according" counts only in "according to"; "put it" ("as she put it") is a phrase of its own.
_according = FORMS.pop("according", CueForm("according to", "phrase", "evidence", 1.0))
FORMS["according to"] = CueForm("according to", "phrase", _according.cls, _according.precision)
FORMS["put it"] = FORMS["puts it"] = CueForm("put it", "phrase", "speech", 1.0)

# Present-tense forms that are as often plural nouns ("the five signatory states", "his
# plans"): below this train precision an "-s" form needs a clause, a quotation or a named
# subject right before it.
_AMBIGUOUS_BELOW = 0.6
_NOUN_LIKE = frozenset({"states", "reports", "notes", "claims", "questions", "shows", "finds", "counters"})
AMBIGUOUS_S = frozenset(
    f for f, c in FORMS.items() if c.shape == "s" and (c.precision < _AMBIGUOUS_BELOW or f in _NOUN_LIKE)
) - {"says", "tells", "writes"}

# Verbs whose object is usually not speech ("showed", "found", "described the scene") count
# only with a that-clause or a quotation after them, unless a document or poll speaks.
NEEDS_COMPLEMENT = frozenset({"show", "find", "describe", "welcome", "post", "cite", "question", "name"})

# Control verbs ("declined to intervene", "sought to calm") are an act unless what follows is
# speech: "declined to comment", "refused to say", "agreed that".
CONTROL = frozenset({"decline", "refuse", "continue", "seek", "offer", "agree"})
CONTROL_OK_NEXT = frozenset({"comment", "elaborate", "discuss", "answer", "respond", "say", "speak", "name"})

LEMMA: dict[str, str] = {form: c.lemma for form, c in FORMS.items()}
PROGRESSIVE: dict[str, str] = {form: c.lemma for form, c in FORMS.items() if c.shape == "ing"}

_FORMS_LONGEST_FIRST = tuple((f, f.split()[0].encode()) for f in sorted(FORMS, key=len, reverse=True))
_FIRST = dict(_FORMS_LONGEST_FIRST)


def _boundary(low: str, i: int) -> bool:
    return i < 0 or i >= len(low) or not (low[i].isalnum() or low[i] in "-_")


def forms_in(text: str, among: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The cue forms whose first word occurs anywhere in ``text`` (a cheap prefilter), from
    ``among`` (the forms of the whole body, when ``text`` is one of its paragraphs)."""
    words = ascii_words(text.lower())
    if among is None:
        return tuple(form for form, first in _FORMS_LONGEST_FIRST if first in words)
    return tuple(form for form in among if _FIRST[form] in words)


def find_cues(text: str, forms: tuple[str, ...] | None = None) -> list[tuple[int, int]]:
    """Spans of cue words in ``text``, in order, longest form first where forms overlap.

    ``forms`` (from ``forms_in`` over the whole body) limits the search, narrowed to the forms
    whose first word is in ``text``; ``str.find`` then locates each form at C speed, where one
    big alternation regex costs milliseconds per article in Python's engine.
    """
    low = text.lower()
    forms = forms_in(text, forms) if forms is not None else forms_in(text)
    spans: list[tuple[int, int]] = []
    for form in forms:
        i = low.find(form)
        while i != -1:
            j = i + len(form)
            if _boundary(low, i - 1) and _boundary(low, j):
                spans.append((i, j))
            i = low.find(form, i + 1)
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[tuple[int, int]] = []
    for span in spans:
        if not out or span[0] >= out[-1][1]:
            out.append(span)
    return out


def cue_form(cue: str) -> CueForm | None:
    return FORMS.get(cue.lower())


def lemma_of(cue: str) -> str:
    """The lemma of a surface cue (lower case); the surface form itself if unknown."""
    low = cue.lower()
    return LEMMA.get(low) or low

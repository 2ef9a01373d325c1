"""The cue lexicon: the words with which an article hands the floor to a source.

Each entry maps a surface form to its lemma. Extending the lexicon is one line: add the
verb's forms to ``_VERBS`` (finite forms only: a participle after a comma, as in "..., adding
that", belongs to the clause's own subject and would double-count). Multi-word cues sit in
``_PHRASES``. ``PROGRESSIVE`` lists the "-ing" forms that count after an auxiliary ("was
writing in RT", "is warning allies").
"""

from __future__ import annotations

from auditor.extract.attribution.lexicon import ascii_words

# lemma: finite surface forms
_VERBS: dict[str, tuple[str, ...]] = {
    "say": ("said", "says"),
    "tell": ("told", "tells"),
    "write": ("wrote", "writes"),
    "state": ("stated", "states"),
    "announce": ("announced", "announces"),
    "warn": ("warned", "warns"),
    "reveal": ("revealed", "reveals"),
    "highlight": ("highlighted", "highlights"),
    "frame": ("framed", "frames"),
    "cite": ("cited", "cites"),
    "report": ("reported", "reports"),
    "claim": ("claimed", "claims"),
    "note": ("noted", "notes"),
    "add": ("added", "adds"),
    "argue": ("argued", "argues"),
    "explain": ("explained", "explains"),
    "urge": ("urged", "urges"),
    "accuse": ("accused", "accuses"),
    "hail": ("hailed", "hails"),
    "reaffirm": ("reaffirmed", "reaffirms"),
    "stress": ("stressed", "stresses"),
    "question": ("questioned", "questions"),
    "insist": ("insisted", "insists"),
    "confirm": ("confirmed", "confirms"),
    "deny": ("denied", "denies"),
    "acknowledge": ("acknowledged", "acknowledges"),
    "tweet": ("tweeted", "tweets"),
    "post": ("posted",),
    "declare": ("declared", "declares"),
    "assert": ("asserted", "asserts"),
    "emphasise": ("emphasised", "emphasized", "emphasises", "emphasizes"),
    "observe": ("observed", "observes"),
    "predict": ("predicted", "predicts"),
    "conclude": ("concluded", "concludes"),
    "admit": ("admitted", "admits"),
    "concede": ("conceded", "concedes"),
    "reply": ("replied", "replies"),
    "respond": ("responded", "responds"),
    "counter": ("countered", "counters"),
    "recall": ("recalled", "recalls"),
    "describe": ("described", "describes"),
    "suggest": ("suggested", "suggests"),
    "estimate": ("estimated", "estimates"),
    "condemn": ("condemned", "condemns"),
    "criticise": ("criticised", "criticized", "criticises", "criticizes"),
    "welcome": ("welcomed", "welcomes"),
    "pledge": ("pledged", "pledges"),
    "vow": ("vowed", "vows"),
    "promise": ("promised", "promises"),
    "show": ("showed", "shows"),
    "find": ("found", "finds"),
    "caution": ("cautioned", "cautions"),
    "blame": ("blamed", "blames"),
}

PROGRESSIVE: dict[str, str] = {
    "saying": "say",
    "writing": "write",
    "warning": "warn",
    "telling": "tell",
    "arguing": "argue",
    "claiming": "claim",
    "reporting": "report",
    "urging": "urge",
    "insisting": "insist",
}

# Cues that take the speaker *after* them.
_PHRASES: dict[str, str] = {
    "according to": "according to",
    "pointed out": "point out",
    "points out": "point out",
    "put it": "put it",
    "puts it": "put it",
}

# Present-tense forms that are also plural nouns ("the five signatory states stated"): they
# count only before "that", a colon, a comma or a quotation.
AMBIGUOUS_S = frozenset(
    {
        "states",
        "reports",
        "notes",
        "claims",
        "questions",
        "shows",
        "finds",
        "counters",
        "adds",
        "cites",
        "posts",
        "frames",
        "urges",
        "vows",
        "pledges",
        "promises",
        "estimates",
        "highlights",
        "tweets",
        "writes",
        "tells",
        "says",
    }
    - {"says", "writes", "tells"}
)

LEMMA: dict[str, str] = {form: lemma for lemma, forms in _VERBS.items() for form in forms}
LEMMA.update(_PHRASES)

# Verbs whose object is usually not speech ("showed", "found") count only with a that-clause
# or a quotation after them, so that "the data showed a rise" is not an attribution.
NEEDS_COMPLEMENT = frozenset({"show", "find", "describe", "welcome", "post", "cite", "question"})

_FORMS = frozenset(LEMMA) | frozenset(PROGRESSIVE)
_FORMS_LONGEST_FIRST = tuple((f, f.split()[0].encode()) for f in sorted(_FORMS, key=len, reverse=True))


def _boundary(low: str, i: int) -> bool:
    return i < 0 or i >= len(low) or not (low[i].isalnum() or low[i] in "-_")


def forms_in(text: str) -> tuple[str, ...]:
    """The cue forms whose first word occurs anywhere in ``text`` (a cheap prefilter)."""
    words = ascii_words(text.lower())
    return tuple(form for form, first in _FORMS_LONGEST_FIRST if first in words)


def find_cues(text: str, forms: tuple[str, ...] | None = None) -> list[tuple[int, int]]:
    """Spans of cue words in ``text``, in order, longest form first where forms overlap.

    ``forms`` (from ``forms_in`` over the whole body) limits the search; ``str.find`` then
    locates each form at C speed, where one big alternation regex costs milliseconds per
    article in Python's engine.
    """
    low = text.lower()
    spans: list[tuple[int, int]] = []
    for form in forms if forms is not None else forms_in(text):
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


def lemma_of(cue: str) -> str:
    """The lemma of a surface cue (lower case); the surface form itself if unknown."""
    low = cue.lower()
    return LEMMA.get(low) or PROGRESSIVE.get(low) or low

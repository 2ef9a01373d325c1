"""Attributions in the patterns of real political news (issue 10), in sentences of our own.

Each class the PolNeAR dev errors showed has its positives and its negatives here: the cue
lexicon derived from data, participial and passive cues, references resolved to the last
compatible name, names cut right, outlets, and unnamed sources.
"""

from __future__ import annotations

from auditor.extract.attribution.cues import AMBIGUOUS_S, FORMS, find_cues
from tests.unit.test_attributions import _extract

# --------------------------------------------------------------------------- the cue lexicon


def test_the_lexicon_is_the_reviewed_data_derived_list_with_counts() -> None:
    for form in ("acknowledged", "insisted", "tweeted", "testified", "according to"):
        assert form in FORMS, form
    assert FORMS["said"].cls == "speech" and FORMS["said"].precision > 0.9
    assert FORMS["believes"].cls == "thought"
    assert "seen" not in FORMS and "made" not in FORMS  # rejected on review
    assert "states" in AMBIGUOUS_S and "says" not in AMBIGUOUS_S


def test_cues_beyond_the_old_hand_list_are_found() -> None:
    text = "The mayor acknowledged the delay, and the council testified that it had warned her."
    found = [text[a:b] for a, b in find_cues(text)]
    assert found == ["acknowledged", "testified", "warned"]
    got = _extract("Senator Rhea Dalton insisted that the levy was fair.")
    assert got["Rhea Dalton"].cue == "insisted"


def test_a_control_verb_is_speech_only_when_speech_follows() -> None:
    assert _extract("Governor Ines Farrow declined to intervene in the strike.") == {}
    got = _extract("Governor Ines Farrow declined to comment on the strike.")
    assert got["Ines Farrow"].cue == "declined"


def test_a_name_after_a_preposition_is_not_the_speaker() -> None:
    got = _extract("Farrow's talks with Premier Odile Marchetti sought a “stable” footing.")
    assert "Odile Marchetti" not in got

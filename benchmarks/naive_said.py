"""The naive "said-verb" baseline for attributions, the peer a user would write in an afternoon.

The rule, as the PolNeAR devset README names its baseline (the rule itself is not shipped
there, so this is ours): each said-verb in a sentence (the two dozen commonest reporting
verbs, "said", "told", "wrote", "added", "according to", ...) is an attribution; its source is
the run of capitalised words (or a pronoun) right before the verb, past one apposition
between commas, else the one right after it ("…, said John Smith", "according to the Census
Bureau"). A verb with neither is skipped. Entries are grouped by the source as written
(case-folded), every sentence a mention, every source a person. No lexicon beyond those
verbs, no name resolution, no kinds. On dev it scores detection F1 0.53 and entity F1 0.59,
near the 0.56 / 0.61 the README quotes for its own naive rule.

Its sentences come from the devset's own splitter (``common.split_sentences``), so that the
baseline owes nothing to the auditor's text handling. Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_VERB = re.compile(
    r"\b(said|says|say|told|tells|according to|added|adds|wrote|writes|asked|noted|explained|argued|"
    r"claimed|stated|announced|reported|tweeted|insisted|warned|declared)\b",
    re.I,
)
_NAME = r"(?:[A-Z][\w.’'&-]*)(?:\s+(?:of\s+|de\s+|van\s+)?[A-Z][\w.’'&-]*){0,4}"
_BEFORE = re.compile(rf"(?:^|[\s“\"(])(?P<src>{_NAME}|he|she|they|it|we|I)\s*(?:,[^,]{{1,80}},\s*)?$")
_AFTER = re.compile(rf"^\s+(?:the\s+|a\s+)?(?P<src>{_NAME}|he|she|they|it|we|I)\b")

Splitter = Callable[[str], list[tuple[int, int]]]


def _source(sentence: str, m: re.Match[str]) -> str | None:
    if m.group(1).lower() != "according to":
        before = _BEFORE.search(sentence[: m.start()].rstrip())
        if before:
            return before.group("src")
    after = _AFTER.match(sentence[m.end() :])
    return after.group("src") if after else None


def naive_attributions(text: str, split: Splitter) -> list[dict[str, Any]]:
    """Per-source entries shaped like ``auditor extract --json`` attributions."""
    body0 = text.find("\n") + 1 if "\n" in text else 0
    entries: dict[str, dict[str, Any]] = {}
    for start, end in split(text):
        if end <= body0:
            continue  # the headline
        sentence = text[start:end]
        for m in _VERB.finditer(sentence):
            source = _source(sentence, m)
            if not source:
                continue
            entry = entries.setdefault(
                source.casefold(),
                {"source": source, "kind": "person", "cue": m.group(1).lower(), "mentions": []},
            )
            if sentence not in entry["mentions"]:
                entry["mentions"].append(sentence)
    return list(entries.values())

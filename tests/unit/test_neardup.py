"""Near-duplicate detection over body text: copies with edited edges match, siblings do not."""

from __future__ import annotations

import random

from auditor.batch.neardup import Candidate, near_duplicates
from auditor.models import CrossPostMethod, Metadata

VOCAB = [
    "the",
    "council",
    "harbour",
    "ferry",
    "budget",
    "minister",
    "said",
    "on",
    "tuesday",
    "that",
    "wages",
    "and",
    "the",
    "timetable",
    "would",
    "change",
    "after",
    "engineers",
    "reported",
    "delays",
    "at",
    "the",
    "port",
    "while",
    "residents",
    "asked",
    "about",
    "fuel",
    "prices",
    "winter",
    "storms",
    "fishing",
    "quotas",
    "and",
    "a",
    "bridge",
    "contract",
    "signed",
    "last",
    "year",
]


def prose(seed: int, words: int = 300) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCAB) for _ in range(words))


def row(source: str, text: str, published: str | None = None, outlet: str | None = None) -> Candidate:
    return Candidate(source=source, text=text, metadata=Metadata(published=published, outlet=outlet))


def test_a_copy_with_edited_intro_and_footer_records_the_earlier_original() -> None:
    body = prose(1)
    rows = [
        row(
            "mirror/copy.html", "Republished with permission. " + body + " Subscribe for more.", "2024-05-02"
        ),
        row("herald/original.html", body + " Copyright Harbour Herald.", "2024-05-01", "Harbour Herald"),
        row("herald/other.html", prose(2), "2024-05-01", "Harbour Herald"),
    ]
    changed = near_duplicates(rows)
    assert list(changed) == ["mirror/copy.html"]  # only the later copy, never the original
    (cross,) = changed["mirror/copy.html"]
    assert cross.method is CrossPostMethod.NEAR_DUPLICATE
    assert cross.original_outlet == "Harbour Herald" and cross.original_url == "herald/original.html"
    assert cross.published == "2024-05-01"
    assert cross.similarity is not None and 0.7 <= cross.similarity <= 1.0


def test_undated_copies_are_ordered_by_source_so_the_result_is_stable() -> None:
    body = prose(3)
    changed = near_duplicates([row("b.html", body), row("a.html", body)])
    assert list(changed) == ["b.html"] and changed["b.html"][0].original_url == "a.html"


def test_different_articles_sharing_vocabulary_are_not_copies() -> None:
    rows = [row(f"s{i}.html", prose(i), "2024-01-01") for i in range(30)]
    assert near_duplicates(rows) == {}


def test_short_texts_are_not_judged_and_stale_records_are_dropped() -> None:
    short = "A brief note from the council."
    assert near_duplicates([row("a.html", short), row("b.html", short)]) == {}
    body = prose(4)
    first = near_duplicates([row("a.html", body, "2024-01-01"), row("b.html", body, "2024-01-02")])
    stored = Candidate(source="b.html", text=prose(5), metadata=Metadata(), near=first["b.html"])
    assert near_duplicates([row("a.html", body, "2024-01-01"), stored]) == {"b.html": ()}


def test_an_unchanged_record_is_not_reported_again() -> None:
    body = prose(6)
    first = near_duplicates([row("a.html", body, "2024-01-01"), row("b.html", body, "2024-01-02")])
    again = [row("a.html", body, "2024-01-01"), Candidate(
        source="b.html", text=body, metadata=Metadata(published="2024-01-02"), near=first["b.html"]
    )]  # fmt: skip
    assert near_duplicates(again) == {}


def test_the_original_is_named_by_outlet_and_headline_never_by_its_path() -> None:
    body = prose(7)
    original = Candidate(
        source="/home/ana/corpus/herald/original.html",
        text=body,
        metadata=Metadata(published="2024-05-01", outlet="Harbour Herald", title="Ferry wages rise"),
    )
    (cross,) = near_duplicates([original, row("/home/ana/corpus/copy.html", body, "2024-05-02")])[
        "/home/ana/corpus/copy.html"
    ]
    assert cross.title == "Ferry wages rise" and cross.original_outlet == "Harbour Herald"
    assert "“Ferry wages rise” (Harbour Herald, 2024-05-01)" in cross.evidence
    assert "/home/ana" not in cross.evidence

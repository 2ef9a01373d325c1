"""Near-duplicates kept right at each commit: the same records as a whole-corpus pass, in any
order, with re-audits, and for articles stored without a signature."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from auditor.batch.neardup import NearDuplicates, candidate, near_duplicates, near_of, signature
from auditor.models import Article, Audit, CrossPost, CrossPostMethod, Format, Metadata
from auditor.store import Store
from tests.unit.test_neardup import prose


def article(source: str, text: str, published: str | None = None, outlet: str | None = None) -> Article:
    return Article(
        source=source, format=Format.HTML, metadata=Metadata(published=published, outlet=outlet, title=source),
        text=text, content_hash=str(hash(text)),
    )  # fmt: skip


def corpus() -> list[Article]:
    """Three families of copies (edited at the edges, dated or not) among unrelated stories."""
    out = [article(f"solo-{i}.html", prose(100 + i), "2024-02-01") for i in range(8)]
    for family in range(3):
        body = prose(family)
        for copy in range(3):
            edited = f"Republished note {copy}. {body} Footer {copy}."
            date = None if family == 2 else f"2024-01-{10 - copy:02d}"
            out.append(article(f"fam{family}-copy{copy}.html", edited, date, f"Outlet {copy}"))
    return out


def commit(store: Store, near: NearDuplicates, run: int, one: Article) -> None:
    prepared, update = near.prepare(one, signature(one.text))
    store.save_audit(Audit(article=prepared), run, update)


def stored_records(store: Store) -> dict[str, tuple[CrossPost, ...]]:
    return {a.article.source: near_of(a.article) for a in store.iter_audits(page=3) if near_of(a.article)}


def reference(articles: list[Article]) -> dict[str, tuple[CrossPost, ...]]:
    return near_duplicates(candidate(a) for a in articles)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_records_kept_at_each_commit_match_a_whole_corpus_pass_in_any_order(seed: int) -> None:
    articles = corpus()
    random.Random(seed).shuffle(articles)
    store = Store.open(":memory:")
    near, run = NearDuplicates(store), store.start_run("batch", {}, "test")
    for one in articles:
        commit(store, near, run, one)
    expected = reference(articles)
    assert stored_records(store) == expected
    assert set(expected) == {f"fam{f}-copy{c}.html" for f in range(3) for c in range(3)} - {
        "fam0-copy2.html", "fam1-copy2.html", "fam2-copy0.html"
    }  # the earliest of each family (undated: the first by name) records nothing  # fmt: skip
    assert store.near_duplicate_count() == 6


def test_a_reaudit_that_rewrites_the_original_drops_the_copies_records() -> None:
    articles = corpus()
    store = Store.open(":memory:")
    near, run = NearDuplicates(store), store.start_run("batch", {}, "test")
    for one in articles:
        commit(store, near, run, one)
    rewritten = replace(articles[8 + 2], text=prose(999), content_hash="new")  # fam0's earliest copy
    commit(store, near, run, rewritten)
    now = [rewritten if a.source == rewritten.source else a for a in articles]
    assert stored_records(store) == reference(now)
    assert all("fam0-copy2" not in c.evidence for cps in stored_records(store).values() for c in cps)


def test_articles_stored_without_a_signature_are_signed_at_the_end() -> None:
    articles = corpus()
    store = Store.open(":memory:")
    run = store.start_run("audit", {}, "test")
    for one in articles:  # as `auditor audit` stores them: no signature
        store.save_audit(Audit(article=one), run)
    heard: list[str] = []
    assert NearDuplicates(store).backfill(on_changed=heard.append, page=4) == len(articles)
    assert stored_records(store) == reference(articles)
    assert set(heard) == set(reference(articles))  # every copy whose report is stale
    assert NearDuplicates(store).backfill() == 0  # nothing stale is signed twice


def test_a_copy_keeps_its_declared_chain_before_its_near_duplicate_records() -> None:
    body = prose(7)
    store = Store.open(":memory:")
    near, run = NearDuplicates(store), store.start_run("batch", {}, "test")
    declared = CrossPost(original_outlet="Wire", method=CrossPostMethod.DECLARED, evidence="via Wire")
    commit(store, near, run, article("b.html", body, "2024-01-02"))
    commit(store, near, run, replace(article("c.html", body, "2024-01-03"), crossposts=(declared,)))
    commit(store, near, run, article("a.html", body, "2024-01-01"))  # the oldest, stored last
    stored = store.audit_of("c.html")
    assert stored is not None
    methods = [c.method for c in stored.article.crossposts]
    assert methods == [
        CrossPostMethod.DECLARED,
        CrossPostMethod.NEAR_DUPLICATE,
        CrossPostMethod.NEAR_DUPLICATE,
    ]
    assert [c.original_url for c in stored.article.crossposts[1:]] == ["a.html", "b.html"]

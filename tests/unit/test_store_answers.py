"""The database answers questions by itself: standings, link status, report paths, search."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from auditor.models import Category, CheckResult, DomainInfo, Status
from auditor.store import SCHEMA_VERSION, Store
from auditor.urls import check_key
from tests.fixtures.report.records import make_audit

RT = DomainInfo(
    domain="rt.com",
    category=Category.STATE_MEDIA,
    name="RT",
    state="Russia",
    source="https://en.wikipedia.org/wiki/RT_(TV_network)",
    reliability="Deprecated",
    reliability_as_of="2021-03-17",
)


@pytest.fixture
def store() -> Store:
    return Store.open(":memory:")


def _with_domains(*infos: DomainInfo) -> object:
    audit = make_audit()
    return dataclasses.replace(audit, article=dataclasses.replace(audit.article, domains=infos))


def test_every_domain_row_says_what_it_is_and_who_said_so(store: Store) -> None:
    store.save_audit(_with_domains(RT), store.start_run("audit", {}, "0.1.0"))  # type: ignore[arg-type]
    rows = {r["domain"]: r for r in store.db.query("SELECT * FROM domains")}
    rt = rows["rt.com"]
    assert (rt["name"], rt["category"], rt["state"], rt["reliability"]) == (
        "RT",
        "state-media",
        "Russia",
        "Deprecated",
    )
    assert (
        rt["classified_by"].startswith("https://en.wikipedia.org/")
        and rt["reliability_as_of"] == "2021-03-17"
    )
    assert all(r["classified_by"] for r in rows.values())  # unknown domains say they are unknown
    assert rows["gone.example.net"]["category"] is None
    assert rows["gone.example.net"]["classified_by"].startswith("unclassified")
    (back,) = store.audits()
    assert back.article.domains == (RT,)  # standing travels back with the article


def test_a_table_row_is_not_undone_by_an_article_that_only_names_the_domain(store: Store) -> None:
    run = store.start_run("audit", {}, "0.1.0")
    store.save_audit(_with_domains(RT), run)  # type: ignore[arg-type]
    store.save_audit(make_audit(source="other.html"), run)  # names rt.com, knows nothing of it
    row = next(iter(store.db.query("SELECT * FROM domains WHERE domain = 'rt.com'")))
    assert (row["name"], row["state"], row["reliability"]) == ("RT", "Russia", "Deprecated")


def _statuses(store: Store) -> dict[str, str]:
    return {r["url"]: r["status"] for r in store.db.query("SELECT url, status FROM links")}


def test_links_can_be_faceted_by_a_status_kept_current(store: Store) -> None:
    store.save_audit(make_audit(), store.start_run("audit", {}, "0.1.0"))
    statuses = _statuses(store)
    assert statuses["https://gone.example.net/report.pdf"] == "dead"
    assert statuses["#"] == "placeholder" and statuses["mailto:editor@aggregator.example"] == "mailto"
    facet = dict(store.db.execute("SELECT status, COUNT(*) FROM links GROUP BY status").fetchall())
    assert facet["ok"] == 4 and facet["dead"] == 1
    later = store.start_run("check", {}, "0.1.0")
    gone = check_key("https://gone.example.net/report.pdf")
    slow = check_key("https://slow.example.com/x")
    store.save_checks(
        [
            CheckResult(url=gone, status=Status.OK, checked_at="2099-06-01T00:00:00+00:00"),
            CheckResult(url=slow, status=Status.UNCHECKED, checked_at="2099-06-01T00:00:00+00:00"),
        ],
        later,
    )
    statuses = _statuses(store)
    assert statuses["https://gone.example.net/report.pdf"] == "ok"  # fixed since
    assert statuses["https://slow.example.com/x"] == "timeout"  # an offline run hides no rot


def test_the_report_path_is_kept_beside_the_database(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "reports" / "audit.db")
    run = store.start_run("audit", {}, "0.1.0")
    store.save_audit(make_audit(), run, report=tmp_path / "reports" / "collusion-1a2b.html")
    store.save_audit(make_audit(), run)  # a later save without a report keeps it
    (row,) = store.db.query("SELECT report FROM articles")
    assert row["report"] == "collusion-1a2b.html"


def test_full_text_search_over_text_sources_and_evidence(store: Store) -> None:
    store.save_audit(make_audit(), store.start_run("audit", {}, "0.1.0"))
    assert [r["title"] for r in store.db.table("articles").search("virtual meeting")] == [
        "Collusion over the Strait Seems Improbable but Isn't"
    ]
    assert {r["source"] for r in store.db.table("attributions").search("inevitable")} == {"Glenn Diesen"}
    assert [r["original_outlet"] for r in store.db.table("crossposts").search("original source")] == [
        "Indian Outlook"
    ]
    store.save_audit(make_audit(title="A corrected headline"), 1)  # the index follows re-audits
    assert [r["title"] for r in store.db.table("articles").search("corrected")] == ["A corrected headline"]
    assert not list(store.db.table("articles").search("Improbable"))


# 3: issue 13's site probes, before these columns; 4: issue 15's; 5: issue 16's quote_checks,
# before issue 17's signatures
@pytest.mark.parametrize("version", [2, 3, 4, 5])
def test_an_older_database_gains_the_new_columns_and_search(tmp_path: Path, version: int) -> None:
    from auditor.batch.neardup import NearDuplicates

    path = tmp_path / "audit.db"
    store = Store.open(path)
    store.save_audit(make_audit(), store.start_run("audit", {}, "0.1.0"))
    store.db.execute("DROP TABLE signatures")
    store.db.execute("DROP TABLE lsh_buckets")
    if version < 5:
        store.db.execute("DROP TABLE quote_checks")
    if version < 4:
        for view in [r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")]:
            store.db.execute(f"DROP VIEW {view}")
        for table in ("articles", "attributions", "crossposts"):
            store.db.table(table).disable_fts()
        store.db.execute("DROP INDEX idx_links_status")
        for table, column in [("links", "status"), ("links", "checked_at"), ("articles", "report")]:
            store.db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    store.db.execute(f"PRAGMA user_version = {version}")
    store.close()
    store = Store.open(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    assert store.db.table("quote_checks").exists()  # version 5 (issue 16)
    assert _statuses(store)["https://gone.example.net/report.pdf"] == "dead"
    assert list(store.db.table("articles").search("virtual"))
    assert store.audits()[0].article == make_audit().article
    # 6: the near-duplicate tables exist; the article stored before them is signed by a batch
    assert [source for source, _ in store.unsigned()] == [make_audit().article.source]
    assert NearDuplicates(store).backfill() == 1
    assert store.unsigned() == []

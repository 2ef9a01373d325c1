"""The database: round-trips, idempotent re-audits, atomicity, views, resume and cache."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from auditor.errors import StoreError
from auditor.models import CheckResult, Status
from auditor.store import CheckCache, Store
from tests.fixtures.report.records import CHECKED_AT, make_audit, plain_audit


@pytest.fixture
def store() -> Store:
    return Store.open(":memory:")


def _counts(store: Store) -> dict[str, int]:
    return {t: store.db.table(t).count for t in ("articles", "links", "attributions", "crossposts", "checks")}


def test_round_trip_gives_back_the_same_article_and_checks(store: Store) -> None:
    audit = make_audit()
    run = store.start_run("audit", {"offline": False}, "0.1.0")
    store.save_audit(audit, run)
    (back,) = store.audits()
    assert back.article == audit.article
    assert sorted(back.checks, key=lambda c: c.url) == sorted(audit.checks, key=lambda c: c.url)
    assert back.run_id == run


def test_reauditing_a_source_replaces_its_rows_and_keeps_its_id(store: Store) -> None:
    run1 = store.start_run("audit", {}, "0.1.0")
    first_id = store.save_audit(make_audit(), run1)
    before = _counts(store)
    run2 = store.start_run("audit", {}, "0.1.0")
    changed = make_audit(content_hash="h2", title="Corrected headline")
    assert store.save_audit(changed, run2) == first_id
    after = _counts(store)
    for table in ("articles", "links", "attributions", "crossposts"):
        assert after[table] == before[table], table
    assert after["checks"] == 2 * before["checks"]  # history: one row per URL and run
    (back,) = store.audits()
    assert back.article.metadata.title == "Corrected headline"


def test_same_run_saving_twice_does_not_duplicate_checks(store: Store) -> None:
    run = store.start_run("batch", {}, "0.1.0")
    store.save_audit(make_audit(), run)
    n = store.db.table("checks").count
    store.save_audit(make_audit(), run)
    store.save_checks(make_audit().checks, run)
    assert store.db.table("checks").count == n


def test_failure_inside_save_audit_leaves_the_database_as_before(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = store.start_run("audit", {}, "0.1.0")
    store.save_audit(plain_audit("a.txt", "Alpha"), run)
    store.save_audit(make_audit(), run)
    dump_before = list(store.db.conn.iterdump())

    from auditor.store import rows as store_rows

    def boom(*args: object) -> list[dict[str, object]]:
        raise KeyboardInterrupt  # Ctrl-C between the links and the cross-posts

    monkeypatch.setattr(store_rows, "record_rows", boom)
    with pytest.raises(KeyboardInterrupt):
        store.save_audit(make_audit(content_hash="new", title="half written"), run)
    with pytest.raises(KeyboardInterrupt):
        store.save_audit(make_audit(source="brand-new.html"), run)
    assert list(store.db.conn.iterdump()) == dump_before


_KILLED_MID_ARTICLE = """
import os, signal, sys
from auditor.store import Store
from tests.fixtures.report.records import make_audit, plain_audit
import auditor.store.rows as module

store = Store.open(sys.argv[1])
run = store.start_run("batch", {}, "0.1.0")
store.save_audit(plain_audit("a.txt", "Alpha"), run)
real = module.record_rows
def die(*args):
    os.kill(os.getpid(), signal.SIGKILL)  # links written, cross-posts not yet
module.record_rows = die
store.save_audit(make_audit(), run)
"""


def test_sigkill_mid_article_leaves_no_partial_rows(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _KILLED_MID_ARTICLE, str(path)], cwd=root, check=False)
    assert done.returncode == -signal.SIGKILL
    store = Store.open(path)
    assert [a.article.source for a in store.audits()] == ["a.txt"]
    assert store.db.table("links").count == 1
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_database_opens_in_sqlite_utils_and_every_view_answers(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "audit.db"
    store = Store.open(path)
    run = store.start_run("audit", {}, "0.1.0")
    store.save_audit(make_audit(), run)
    store.close()
    db = sqlite_utils.Database(path)
    assert {
        "articles",
        "links",
        "checks",
        "attributions",
        "crossposts",
        "domains",
        "runs",
        "failures",
    } <= set(db.table_names())
    views = set(db.view_names())
    assert {
        "broken_links",
        "state_media_citations",
        "articles_by_original_outlet",
        "domains_by_dead_share",
    } <= views
    for view in views:
        list(db.query(f"SELECT * FROM {view}"))
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_broken_links_view_lists_every_broken_link_with_its_article(store: Store) -> None:
    store.save_audit(make_audit(), store.start_run("audit", {}, "0.1.0"))
    rows = list(store.db.query("SELECT * FROM broken_links ORDER BY position"))
    assert [(r["anchor_text"], r["status"]) for r in rows] == [
        ("a think-tank report", "dead"),
        ("the paper's analysis", "soft-404"),
        ("the ministry statement", "timeout"),
        ("TASS", "dns-error"),
    ]
    assert {r["article_source"] for r in rows} == {"copies/collusion.html"}
    assert rows[0]["archive_url"].startswith("https://web.archive.org/")


def test_broken_links_follow_the_latest_real_check(store: Store) -> None:
    store.save_audit(make_audit(), store.start_run("audit", {}, "0.1.0"))
    fixed = CheckResult(
        url="https://gone.example.net/report.pdf", status=Status.OK, checked_at="2099-02-01T00:00:00+00:00"
    )
    offline = CheckResult(
        url="https://slow.example.com/x", status=Status.UNCHECKED, checked_at="2099-03-01T00:00:00+00:00"
    )
    store.save_checks([fixed, offline], store.start_run("check", {}, "0.1.0"))
    statuses = {r["url"]: r["status"] for r in store.db.query("SELECT * FROM broken_links")}
    assert "https://gone.example.net/report.pdf" not in statuses
    assert statuses["https://slow.example.com/x"] == "timeout"  # going offline hides no rot


def test_an_article_costs_the_same_rows_however_many_earlier_articles_cite_its_links(store: Store) -> None:
    """A batch saves each article with its links' checks. A popular URL's unchanged check is
    not written again with each article citing it: that rewrote every earlier link to the
    URL too, so each article cost more than the last (6 articles/s at 10,000, against 28 at
    1,000). A new check of the URL still sets every link citing it."""
    run = store.start_run("batch", {}, "0.1.0")
    changed = []
    for i in range(40):
        before = store.db.conn.total_changes
        store.save_audit(plain_audit(f"a{i}.txt", "Harbour Post"), run)  # all cite one URL
        changed.append(store.db.conn.total_changes - before)
    assert changed[-1] == changed[2], changed  # flat, not one more row per earlier article
    url = "https://harbourpost.example/cited"
    gone = CheckResult(url=url, status=Status.DEAD, checked_at="2099-02-01T00:00:00+00:00")
    store.save_checks([gone], store.start_run("check", {}, "0.1.0"))
    statuses = [r["status"] for r in store.db.query("SELECT status FROM links WHERE check_url = ?", [url])]
    assert statuses == ["dead"] * 40


def test_state_media_view_lists_each_citation_once(store: Store) -> None:
    store.save_audit(make_audit(), store.start_run("audit", {}, "0.1.0"))
    store.save_audit(plain_audit("b.txt", "Beta"), 1)
    rows = list(store.db.query("SELECT * FROM state_media_citations ORDER BY cited_as, cited"))
    # the RT and TASS links back the two sources: they are those citations, not two more
    assert [(r["cited_as"], r["cited"], r["domain"]) for r in rows] == [
        ("source", "Glenn Diesen (RT)", "rt.com"),
        ("source", "TASS (TASS)", "tass.example"),
    ]


def test_state_media_view_keeps_a_link_no_source_stands_on(store: Store) -> None:
    audit = make_audit()
    unbacked = dataclasses.replace(audit.article.attributions[0], url=None)
    article = dataclasses.replace(audit.article, attributions=(unbacked, *audit.article.attributions[1:]))
    store.save_audit(dataclasses.replace(audit, article=article), store.start_run("audit", {}, "0.1.0"))
    rows = list(store.db.query("SELECT cited_as, cited FROM state_media_citations ORDER BY cited_as, cited"))
    assert [(r["cited_as"], r["cited"]) for r in rows] == [
        ("link", "a column for RT"),
        ("source", "Glenn Diesen (RT)"),
        ("source", "TASS (TASS)"),
    ]


def test_articles_by_original_outlet_groups_reposts(store: Store) -> None:
    run = store.start_run("batch", {}, "0.1.0")
    store.save_audit(plain_audit("o.txt", "Origin Post"), run)
    store.save_audit(plain_audit("c1.txt", "Copy One", original="Origin Post"), run)
    store.save_audit(plain_audit("c2.txt", "Copy Two", original="Origin Post"), run)
    rows = {r["original_outlet"]: r for r in store.db.query("SELECT * FROM articles_by_original_outlet")}
    assert rows["Origin Post"]["articles"] == 3
    assert rows["Origin Post"]["reposts"] == 2
    assert set(rows["Origin Post"]["reposted_by"].split(",")) == {"Copy One", "Copy Two"}
    first = next(iter(store.db.query("SELECT original_outlet FROM articles_by_original_outlet")))
    assert first["original_outlet"] == "Origin Post"  # most re-posted first


def test_domains_by_dead_share(store: Store) -> None:
    run = store.start_run("batch", {}, "0.1.0")
    store.save_audit(plain_audit("a.txt", "Alpha", dead=True), run)
    store.save_audit(plain_audit("b.txt", "Beta"), run)
    rows = list(store.db.query("SELECT domain, links, broken, dead_share FROM domains_by_dead_share"))
    assert rows[0] == {"domain": "alpha.example", "links": 1, "broken": 1, "dead_share": 1.0}
    assert rows[-1]["dead_share"] == 0.0


def test_self_is_never_a_domains_category(store: Store) -> None:
    store.save_audit(make_audit(), store.start_run("audit", {}, "0.1.0"))
    row = store.db.table("domains").get("aggregator.example")
    assert row["category"] is None
    assert store.db.table("domains").get("rt.com")["category"] == "state-media"


def test_article_done_only_for_the_same_content(store: Store) -> None:
    store.save_audit(make_audit(content_hash="abc"), store.start_run("batch", {}, "0.1.0"))
    assert store.article_done("copies/collusion.html", "abc")
    assert not store.article_done("copies/collusion.html", "changed")
    assert not store.article_done("other.html", "abc")


def test_failures_are_recorded_replaced_and_cleared_by_success_only(store: Store) -> None:
    run = store.start_run("batch", {}, "0.1.0")
    store.record_failure("broken.html", "cannot decode", run)
    store.record_failure("broken.html", "still cannot decode", run)
    store.record_failure("empty.txt", "empty file", run)
    assert store.failures() == [("broken.html", "still cannot decode"), ("empty.txt", "empty file")]
    store.save_audit(make_audit(source="broken.html"), run)
    assert store.failures() == [("empty.txt", "empty file")]


def test_cache_returns_fresh_real_checks_only(store: Store) -> None:
    run = store.start_run("check", {}, "0.1.0")
    cache = CheckCache(store, run, ttl_hours=24)
    fresh = CheckResult(url="https://a.example/", status=Status.OK, http_status=200, checked_at=CHECKED_AT)
    stale = CheckResult(url="https://b.example/", status=Status.OK, checked_at="2000-01-01T00:00:00Z")
    unchecked = CheckResult(url="https://c.example/", status=Status.UNCHECKED, checked_at=CHECKED_AT)
    for result in (fresh, stale, unchecked):
        cache.put(result)
    assert cache.get("https://a.example/") == fresh
    assert cache.get("https://b.example/") is None
    assert cache.get("https://c.example/") is None
    assert cache.get("https://never.example/") is None
    assert store.cached_check("https://b.example/", ttl_hours=24 * 365 * 200) == dataclasses.replace(
        stale, checked_at="2000-01-01T00:00:00Z"
    )


def test_network_trouble_saved_with_an_article_is_never_served_as_a_cached_answer(store: Store) -> None:
    """An audit stores every check of its article, failures included; with the network down
    that was every link as dns-error, and the next run served them back as dead links."""
    run = store.start_run("audit", {}, "0.1.0")
    trouble = [
        CheckResult(url=f"https://{name}.example/", status=status, reason="no network", checked_at=CHECKED_AT)
        for name, status in (
            ("dns", Status.DNS_ERROR),
            ("refused", Status.CONNECTION_ERROR),
            ("slow", Status.TIMEOUT),
            ("dead", Status.DEAD),
        )
    ]
    store.save_audit(dataclasses.replace(make_audit(), checks=tuple(trouble)), run)
    cache = CheckCache(store, run, ttl_hours=24)
    assert [cache.get(r.url) for r in trouble] == [None, None, None, trouble[3]]
    assert store.db.table("checks").count == 4  # kept as history all the same


def test_runs_record_options_and_counts(store: Store) -> None:
    run = store.start_run("batch", {"concurrency": 8, "offline": True}, "0.1.0")
    store.finish_run(run, {"articles": 3, "failures": 1})
    row = store.db.table("runs").get(run)
    assert row["command"] == "batch" and row["finished_at"]
    assert '"concurrency": 8' in row["options"] and '"failures": 1' in row["counts"]


@pytest.mark.parametrize("kind", ["directory", "not-a-database", "unwritable-parent"])
def test_unopenable_database_is_one_store_error_line(tmp_path: Path, kind: str) -> None:
    if kind == "directory":
        path = tmp_path
    elif kind == "not-a-database":
        path = tmp_path / "audit.db"
        path.write_bytes(b"this is not sqlite at all, just some text" * 100)
    else:
        blocker = tmp_path / "file"
        blocker.write_text("x")
        path = blocker / "sub" / "audit.db"
    with pytest.raises(StoreError) as info:
        Store.open(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_write_errors_surface_as_store_error(store: Store) -> None:
    store.db.execute("PRAGMA query_only = ON")  # as a read-only or full disk would
    with pytest.raises(StoreError, match="cannot write"):
        store.save_audit(make_audit(), 1)
    with pytest.raises(StoreError, match="cannot write"):
        store.start_run("audit", {}, "0.1.0")


def test_every_read_error_is_one_store_error_line(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "audit.db")
    store.save_audit(make_audit(), store.start_run("audit", {}, "0.1.0"))
    store.db.conn.close()  # every read now fails inside SQLite, as a damaged page would
    reads = (
        store.audits,
        store.failures,
        lambda: store.cached_check("https://x.example/", 24),
        lambda: store.article_done("a.html", "h"),
        lambda: store.run_status(1),
    )
    for read in reads:
        with pytest.raises(StoreError) as info:
            read()
        assert "\n" not in str(info.value) and str(tmp_path / "audit.db") in str(info.value)


def test_a_version_1_database_is_migrated_and_keeps_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    store = Store.open(path)
    done = store.start_run("batch", {}, "0.1.0")
    store.finish_run(done, {})
    store.start_run("audit", {}, "0.1.0")  # never finished
    store.db.execute("ALTER TABLE runs DROP COLUMN status")
    store.db.execute("DROP TABLE locks")
    store.db.execute("PRAGMA user_version = 1")
    store.close()
    store = Store.open(path)
    assert [r["status"] for r in store.db.query("SELECT status FROM runs ORDER BY id")] == [
        "finished",
        "interrupted",
    ]


def test_an_interrupted_audit_marks_its_run_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditor.pipeline as pipeline
    from auditor.models import CheckOptions

    article = tmp_path / "a.md"
    article.write_text("# Title\n\nSee [this](https://example.com/x).\n", encoding="utf-8")

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "check_article", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pipeline.audit(
            str(article), CheckOptions(offline=True), out_dir=tmp_path / "r", db_path=tmp_path / "a.db"
        )
    store = Store.open(tmp_path / "a.db")
    assert [r["status"] for r in store.db.query("SELECT status FROM runs")] == ["interrupted"]
    assert store.audits() == []

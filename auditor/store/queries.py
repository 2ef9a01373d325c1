"""Queries: what the checker's cache, a batch's resume and the reports read back.

Reads never write, so they also serve a database opened read-only (``auditor report`` on a
copy nobody may change).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from auditor.models import Audit, CheckResult
from auditor.store import rows
from auditor.store.base import StoreBase, mapped


class Queries(StoreBase):
    """Every read of the database the rest of the auditor needs."""

    @mapped
    def run_status(self, run_id: int) -> str | None:
        row = self.db.execute("SELECT status FROM runs WHERE id = ?", [run_id]).fetchone()
        return None if row is None else str(row[0])

    @mapped
    def cached_check(self, key: str, ttl_hours: float) -> CheckResult | None:
        """The newest real check of ``key`` younger than ``ttl_hours``; ``unchecked`` never counts."""
        row = next(
            self.db.query(
                "SELECT * FROM checks WHERE url = ? AND status != 'unchecked'"
                " ORDER BY checked_at DESC, id DESC LIMIT 1",
                [key],
            ),
            None,
        )
        if row is None:
            return None
        checked = rows.parse_time(row["checked_at"])
        if checked is None or datetime.now(UTC) - checked > timedelta(hours=ttl_hours):
            return None
        return rows.check_from_row(row)

    @mapped
    def run_check(self, key: str, run_id: int) -> CheckResult | None:
        """The result ``run_id`` stored for ``key``, whatever its status: a batch's memory of
        what it already asked, so a URL cited again much later is not fetched twice."""
        row = next(self.db.query("SELECT * FROM checks WHERE url = ? AND run_id = ?", [key, run_id]), None)
        return None if row is None else rows.check_from_row(row)

    @mapped
    def article_done(self, source: str, content_hash: str) -> bool:
        """True when this exact content of ``source`` is already stored (batch resume)."""
        found = self.db.execute(
            "SELECT 1 FROM articles WHERE source = ? AND content_hash = ?", [source, content_hash]
        ).fetchone()
        return found is not None

    @mapped
    def audits(self) -> list[Audit]:
        """Every stored article with the latest check of each of its URLs, in source order
        (all in memory: for tests and small databases; a corpus is walked with ``iter_audits``)."""
        return list(self.iter_audits())

    def iter_audits(self, page: int = 200) -> Iterator[Audit]:
        """Every stored article with its latest checks, in source order, ``page`` at a time:
        what the index and ``auditor report`` walk without holding the corpus."""
        after: str | None = ""
        while after is not None:
            audits, after = self._page_of_audits(after, page)
            yield from audits

    @mapped
    def _page_of_audits(self, after: str, page: int) -> tuple[list[Audit], str | None]:
        rows = list(
            self.db.query("SELECT * FROM articles WHERE source > ? ORDER BY source LIMIT ?", [after, page])
        )
        return self._audits_of(rows), (rows[-1]["source"] if len(rows) == page else None)

    @mapped
    def audit_of(self, source: str) -> Audit | None:
        found = list(self.db.query("SELECT * FROM articles WHERE source = ?", [source]))
        return self._audits_of(found)[0] if found else None

    def _audits_of(self, articles: list[dict[str, Any]]) -> list[Audit]:
        ids = [r["id"] for r in articles]
        marks = ", ".join("?" * len(ids))
        by_article: dict[int, dict[str, list[dict[str, Any]]]] = {}
        for table in ("links", "attributions", "crossposts"):
            query = f"SELECT * FROM {table} WHERE article_id IN ({marks}) ORDER BY article_id, position"
            for row in self.db.query(query, ids):
                by_article.setdefault(row["article_id"], {}).setdefault(table, []).append(row)
        keys = sorted(
            {r["check_url"] for p in by_article.values() for r in p.get("links", []) if r["check_url"]}
        )
        latest = self._latest_checks(keys)
        result = []
        for row in articles:
            parts = by_article.get(row["id"], {})
            article = rows.article_from_rows(row, parts)
            wanted = dict.fromkeys(r["check_url"] for r in parts.get("links", []) if r["check_url"])
            checks = tuple(latest[k] for k in wanted if k in latest)
            result.append(Audit(article=article, checks=checks, run_id=row["run_id"]))
        return result

    def _latest_checks(self, keys: Sequence[str]) -> dict[str, CheckResult]:
        """The latest real check of each key (``latest_checks``' rule), by index, 500 at a time."""
        latest: dict[str, CheckResult] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ", ".join("?" * len(part))
            query = (
                "SELECT * FROM (SELECT checks.*, ROW_NUMBER() OVER (PARTITION BY url"
                " ORDER BY (status = 'unchecked'), checked_at DESC, id DESC) AS _rank"
                f" FROM checks WHERE url IN ({marks})) WHERE _rank = 1"
            )
            latest.update((r["url"], rows.check_from_row(r)) for r in self.db.query(query, part))
        return latest

    @mapped
    def article_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    @mapped
    def failures(self) -> list[tuple[str, str]]:
        return [(r["source"], r["error"]) for r in self.db.query("SELECT * FROM failures ORDER BY source")]

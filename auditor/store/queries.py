"""Queries: what the checker's cache, a batch's resume and the reports read back.

Reads never write, so they also serve a database opened read-only (``auditor report`` on a
copy nobody may change).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from auditor.models import UNCACHED_STATUSES, Audit, CheckResult
from auditor.store import rows
from auditor.store.base import StoreBase, mapped

_UNCACHED_SQL = ", ".join(f"'{s.value}'" for s in sorted(UNCACHED_STATUSES))


class Queries(StoreBase):
    """Every read of the database the rest of the auditor needs."""

    @mapped
    def run_status(self, run_id: int) -> str | None:
        row = self.db.execute("SELECT status FROM runs WHERE id = ?", [run_id]).fetchone()
        return None if row is None else str(row[0])

    @mapped
    def cached_check(self, key: str, ttl_hours: float) -> CheckResult | None:
        """The newest real check of ``key`` younger than ``ttl_hours``.

        Passing network trouble (``UNCACHED_STATUSES``: DNS, connection, timeout) is history,
        never an answer: an article audited with the network down keeps those rows, and the
        next run must ask again instead of reporting them as dead links.
        """
        row = next(
            self.db.query(
                f"SELECT * FROM checks WHERE url = ? AND status NOT IN ({_UNCACHED_SQL})"
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
    def article_done(self, source: str, content_hash: str) -> bool:
        """True when this exact content of ``source`` is already stored (batch resume)."""
        found = self.db.execute(
            "SELECT 1 FROM articles WHERE source = ? AND content_hash = ?", [source, content_hash]
        ).fetchone()
        return found is not None

    @mapped
    def audits(self) -> list[Audit]:
        """Every stored article with the latest check of each of its URLs, in source order."""
        by_article: dict[int, dict[str, list[dict[str, Any]]]] = {}
        for table in ("links", "attributions", "crossposts"):
            for row in self.db.query(f"SELECT * FROM {table} ORDER BY article_id, position"):
                by_article.setdefault(row["article_id"], {}).setdefault(table, []).append(row)
        latest = {r["url"]: rows.check_from_row(r) for r in self.db.query("SELECT * FROM latest_checks")}
        result = []
        for row in self.db.query("SELECT * FROM articles ORDER BY source"):
            parts = by_article.get(row["id"], {})
            article = rows.article_from_rows(row, parts)
            keys = dict.fromkeys(r["check_url"] for r in parts.get("links", []) if r["check_url"])
            checks = tuple(latest[k] for k in keys if k in latest)
            result.append(Audit(article=article, checks=checks, run_id=row["run_id"]))
        return result

    @mapped
    def failures(self) -> list[tuple[str, str]]:
        return [(r["source"], r["error"]) for r in self.db.query("SELECT * FROM failures ORDER BY source")]

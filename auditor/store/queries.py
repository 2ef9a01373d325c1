"""Queries: what the checker's cache, a batch's resume and the reports read back.

Reads never write, so they also serve a database opened read-only (``auditor report`` on a
copy nobody may change).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from auditor.models import Audit, CheckResult, QuoteCheck
from auditor.store import rows
from auditor.store.base import StoreBase, mapped

_QUOTES_SQL = """
SELECT quote_checks.*, attributions.position AS attribution_position FROM quote_checks
LEFT JOIN attributions ON attributions.id = quote_checks.attribution_id
ORDER BY quote_checks.article_id, quote_checks.position"""


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
        quotes: dict[int, list[QuoteCheck]] = {}
        for row in self.db.query(_QUOTES_SQL):
            quotes.setdefault(row["article_id"], []).append(rows.quote_from_row(row))
        result = []
        for row in self.db.query("SELECT * FROM articles ORDER BY source"):
            parts = by_article.get(row["id"], {})
            article = rows.article_from_rows(row, parts)
            keys = dict.fromkeys(r["check_url"] for r in parts.get("links", []) if r["check_url"])
            checks = tuple(latest[k] for k in keys if k in latest)
            found = tuple(quotes.get(row["id"], ()))
            result.append(Audit(article=article, checks=checks, quotes=found, run_id=row["run_id"]))
        return result

    @mapped
    def failures(self) -> list[tuple[str, str]]:
        return [(r["source"], r["error"]) for r in self.db.query("SELECT * FROM failures ORDER BY source")]

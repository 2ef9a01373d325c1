"""Queries: what the checker's cache, a batch's resume and the reports read back.

Reads never write, so they also serve a database opened read-only (``auditor report`` on a
copy nobody may change).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from auditor.errors import StoreError
from auditor.models import UNCACHED_STATUSES, Audit, CheckResult, DomainInfo, QuoteCheck, RunInfo
from auditor.store import rows
from auditor.store.base import StoreBase, mapped

# What ``auditor export`` writes: one row per link, cited source or chain step, each with the
# article it belongs to, in the order a spreadsheet reader expects (article, then page order).
EXPORTS = {
    "links": """
SELECT a.title AS article_title, a.source AS article_source, a.outlet AS article_outlet,
  a.report AS article_report, l.position + 1 AS position, l.region, l.kind, l.url, l.href,
  l.anchor_text, l.domain, l.category, d.state, d.reliability, l.status, c.http_status, c.reason,
  c.final_url, c.archive_url, l.checked_at, l.context
FROM links l JOIN articles a ON a.id = l.article_id
LEFT JOIN latest_checks c ON c.url = l.check_url LEFT JOIN domains d ON d.domain = l.domain
ORDER BY a.source, l.position""",
    "sources": """
SELECT a.title AS article_title, a.source AS article_source, a.outlet AS article_outlet,
  t.position + 1 AS position, t.source, t.kind, t.role, t.outlet, t.outlet_domain,
  t.outlet_category, d.state, d.reliability, t.characterisation, t.cue, t.quote, t.evidence,
  t.url, l.status AS link_status
FROM attributions t JOIN articles a ON a.id = t.article_id
LEFT JOIN domains d ON d.domain = t.outlet_domain
LEFT JOIN links l ON l.article_id = t.article_id AND l.url = t.url AND l.position = (
  SELECT MIN(position) FROM links WHERE article_id = t.article_id AND url = t.url)
ORDER BY a.source, t.position""",
    "chains": """
SELECT a.title AS article_title, a.source AS article_source, a.outlet AS copy_outlet,
  a.published AS copy_published, c.position + 1 AS step, c.original_outlet, c.title AS original_title,
  c.original_url, c.published, c.method,
  REPLACE(REPLACE(REPLACE(c.methods, '[', ''), ']', ''), '"', '') AS methods,
  c.similarity, c.evidence
FROM crossposts c JOIN articles a ON a.id = c.article_id
ORDER BY a.source, c.position""",
}

_UNCACHED_SQL = ", ".join(f"'{s.value}'" for s in sorted(UNCACHED_STATUSES))
_QUOTES_SQL = """
SELECT quote_checks.*, attributions.position AS attribution_position FROM quote_checks
LEFT JOIN attributions ON attributions.id = quote_checks.attribution_id
WHERE quote_checks.article_id IN ({marks})
ORDER BY quote_checks.article_id, quote_checks.position"""


class Queries(StoreBase):
    """Every read of the database the rest of the auditor needs."""

    @mapped
    def run_status(self, run_id: int) -> str | None:
        row = self.db.execute("SELECT status FROM runs WHERE id = ?", [run_id]).fetchone()
        return None if row is None else str(row[0])

    @mapped
    def run_info(self, run_id: int) -> RunInfo | None:
        """The run as reports describe it (how links were checked, options, folder)."""
        row = next(self.db.query("SELECT * FROM runs WHERE id = ?", [run_id]), None)
        return None if row is None else rows.run_from_row(row)

    @mapped
    def cached_check(self, key: str, ttl_hours: float, *, history: bool = False) -> CheckResult | None:
        """The newest real check of ``key`` younger than ``ttl_hours``.

        Passing network trouble (``UNCACHED_STATUSES``: DNS, connection, timeout) is history,
        never an answer: an article audited with the network down keeps those rows, and the
        next run must ask again instead of reporting them as dead links. With ``history`` (an
        ``--offline`` run, which asks nothing and labels what it shows as the last checks,
        dated) that history is what is shown, as ``auditor report`` shows it.
        """
        skip = "'unchecked'" if history else _UNCACHED_SQL
        row = next(
            self.db.query(
                f"SELECT * FROM checks WHERE url = ? AND status NOT IN ({skip})"
                " ORDER BY checked_at DESC, id DESC LIMIT 1",
                [key],
            ),
            None,
        )
        if row is None:
            return None
        checked = rows.parse_time(row["checked_at"])
        if checked is None:
            return None
        if not math.isinf(ttl_hours) and datetime.now(UTC) - checked > timedelta(hours=ttl_hours):
            return None  # (offline asks with an infinite TTL: any real check, whatever its age)
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
        domains = self._domains_named(articles, by_article)  # only this page's: flat in the corpus
        runs = self._runs_of({r["run_id"] for r in articles if r["run_id"] is not None})
        quotes: dict[int, list[QuoteCheck]] = {}
        for row in self.db.query(_QUOTES_SQL.format(marks=marks), ids):
            quotes.setdefault(row["article_id"], []).append(rows.quote_from_row(row))
        result = []
        for row in articles:
            parts = by_article.get(row["id"], {})
            article = rows.article_from_rows(row, parts, domains)
            wanted = dict.fromkeys(r["check_url"] for r in parts.get("links", []) if r["check_url"])
            checks = tuple(latest[k] for k in wanted if k in latest)
            run = runs.get(row["run_id"])
            found = tuple(quotes.get(row["id"], ()))
            result.append(Audit(article=article, checks=checks, quotes=found, run_id=row["run_id"], run=run))
        return result

    def _domains_named(
        self, articles: list[dict[str, Any]], parts: dict[int, dict[str, list[dict[str, Any]]]]
    ) -> dict[str, DomainInfo]:
        """The ``domains`` rows a page of articles names (outlets, links, sources, chains)."""
        named = {r["outlet_domain"] for r in articles if r["outlet_domain"]}
        for p in parts.values():
            named |= {r["domain"] for r in p.get("links", []) if r["domain"]}
            for table in ("attributions", "crossposts"):
                named |= {r["outlet_domain"] for r in p.get(table, []) if r["outlet_domain"]}
        found: dict[str, DomainInfo] = {}
        for row in self._rows_in("domains", "domain", sorted(named)):
            if (info := rows.domain_from_row(row)) is not None:
                found[info.domain] = info
        return found

    def _runs_of(self, ids: set[int]) -> dict[int, RunInfo]:
        return {r["id"]: rows.run_from_row(r) for r in self._rows_in("runs", "id", sorted(ids))}

    def _rows_in(self, table: str, column: str, values: Sequence[Any]) -> Iterator[dict[str, Any]]:
        for start in range(0, len(values), 500):
            part = values[start : start + 500]
            marks = ", ".join("?" * len(part))
            yield from self.db.query(f"SELECT * FROM {table} WHERE {column} IN ({marks})", part)

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
    def export_columns(self, table: str) -> list[str]:
        """The header of one ``EXPORTS`` table, known without a row: an empty export still
        tells a spreadsheet what its columns are."""
        cursor = self.db.execute(f"SELECT * FROM ({EXPORTS[table]}) LIMIT 0")
        return [d[0] for d in cursor.description]

    def export_rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of one ``EXPORTS`` table, streamed: an export never holds a corpus in memory."""
        try:
            yield from self.db.query(EXPORTS[table])
        except sqlite3.Error as exc:
            raise StoreError(self.explain(exc)) from exc

    @mapped
    def last_quotes(self, source: str) -> list[QuoteCheck]:
        """The real verdicts stored for an article's quotes (an offline re-audit shows them)."""
        found = self.db.query(
            "SELECT quote_checks.*, NULL AS attribution_position FROM quote_checks JOIN articles"
            " ON articles.id = quote_checks.article_id WHERE articles.source = ?"
            " AND quote_checks.verdict != 'unavailable' ORDER BY quote_checks.position",
            [source],
        )
        return [rows.quote_from_row(r) for r in found]

    @mapped
    def failures(self) -> list[tuple[str, str]]:
        return [(r["source"], r["error"]) for r in self.db.query("SELECT * FROM failures ORDER BY source")]

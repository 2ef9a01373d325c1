"""Writes: runs and their locks, one article per transaction, checks, domains, failures.

Each article is written in one transaction (``save_audit``), so an interruption at any
moment (Ctrl-C, SIGKILL, power loss) leaves either the article's previous rows or its new
ones, never a mix. Re-auditing a source replaces its rows in place (its id is kept, so
links from other tools stay valid); check results are history, one row per distinct URL
and run, so link rot can be followed over time.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from auditor.models import Article, Audit, Category, CheckResult, DomainInfo, NearUpdate, QuoteCheck
from auditor.procs import process_identity, same_process
from auditor.store import rows
from auditor.store.base import Busy
from auditor.store.signatures import Signatures

RUN_STATUSES = ("running", "finished", "interrupted", "failed")

_UPSERT_DOMAIN = """INSERT INTO domains (domain, category, name, state, classified_by, reliability,
  reliability_as_of) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(domain) DO UPDATE SET
  category = excluded.category, name = excluded.name, state = excluded.state,
  classified_by = excluded.classified_by, reliability = excluded.reliability,
  reliability_as_of = excluded.reliability_as_of"""
# A domain the tables do not know: a row for the foreign keys, saying so, never overwriting
# what a table said of it before.
_NAMED_DOMAIN = """INSERT INTO domains (domain, category, classified_by) VALUES (?, ?, ?)
  ON CONFLICT(domain) DO UPDATE SET category = COALESCE(domains.category, excluded.category),
  classified_by = COALESCE(domains.classified_by, excluded.classified_by)"""
# A saved article's web links take the newest real check of their URL (an `unchecked` one
# only when there was never a real one), from the index on checks(url, checked_at).
_LINK_STATUS_OF_ARTICLE = """UPDATE links SET (status, checked_at) = (
  SELECT c.status, c.checked_at FROM checks c WHERE c.url = links.check_url
  ORDER BY (c.status = 'unchecked'), c.checked_at DESC, c.id DESC LIMIT 1)
WHERE article_id = ? AND check_url IS NOT NULL
  AND EXISTS (SELECT 1 FROM checks c WHERE c.url = links.check_url)"""


_CHECK_COLUMNS = "run_id, url, status, http_status, final_url, redirects, reason, archive_url, checked_at, elapsed_ms, requests"


class Writes(Signatures):
    """Every change to the database goes through one of these methods."""

    # ------------------------------------------------------------------ runs

    def start_run(
        self, command: str, options: Mapping[str, object], version: str, *, lock: str | None = None
    ) -> int:
        """Record a run as ``running``; with ``lock``, also take that lock for it, or raise
        ``Busy`` when a live process holds it (both in one transaction)."""
        row = {"command": command, "version": version, "started_at": rows.now(), "status": "running"}
        row["options"] = json.dumps(dict(options), default=str, sort_keys=True)
        with self._writing():
            if lock is not None:
                self._take_over(lock)
            run_id = self._insert("runs", row)
            if lock is not None:
                me = os.getpid()
                self.db.execute(
                    "INSERT OR REPLACE INTO locks (name, run_id, pid, host, process, acquired_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [lock, run_id, me, socket.gethostname(), process_identity(me), rows.now()],
                )
            return run_id

    def _take_over(self, lock: str) -> None:
        """Raise ``Busy`` if ``lock`` has a live holder; a dead holder's run was interrupted.

        The holder is a process identity (pid and start time on this host), not a pid alone:
        a batch killed outright leaves its row behind, and a later process may reuse its pid.
        """
        row = self.db.execute(
            "SELECT run_id, pid, host, process, acquired_at FROM locks WHERE name = ?", [lock]
        ).fetchone()
        if row is None:
            return
        held_run, pid, host, process, since = row
        if host != socket.gethostname() or same_process(pid, process):
            raise Busy(
                f"another {lock} (process {pid} on {host}, since {since}) is using the database {self.path};"
                " wait for it to end, or stop it and rerun"
            )
        self.db.execute(
            "UPDATE runs SET status = 'interrupted' WHERE id = ? AND status = 'running'", [held_run]
        )

    def finish_run(self, run_id: int, counts: Mapping[str, int], status: str = "finished") -> None:
        """End a run, ``finished`` or ``interrupted`` / ``failed`` with what it had done, and
        release the lock it held."""
        if status not in RUN_STATUSES[1:]:
            raise ValueError(f"not a run status: {status}")
        with self._writing():
            self.db.execute(
                "UPDATE runs SET finished_at = ?, counts = ?, status = ? WHERE id = ?",
                [rows.now(), json.dumps(dict(counts), sort_keys=True), status, run_id],
            )
            self.db.execute("DELETE FROM locks WHERE run_id = ?", [run_id])

    # ------------------------------------------------------------------ articles

    def save_audit(
        self,
        audit: Audit,
        run_id: int,
        near: NearUpdate | None = None,
        *,
        report: str | Path | None = None,
    ) -> int:
        """Write one article and its checks atomically; returns the article id.

        A source audited before keeps its id and has its links, attributions and cross-posts
        replaced; a recorded failure for it is cleared, since it has now succeeded. ``near``,
        its signature and the near-duplicate records it changes, is part of the transaction.
        ``report`` is where its HTML report is (kept as it was when not given).
        """
        article = audit.article
        with self._writing():
            self._save_domains_of(article)
            article_id = self._upsert_article(article, run_id, self._report_path(report))
            for table in ("quote_checks", "links", "attributions", "crossposts"):
                self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
            self.db.table("links").insert_all(rows.link_rows(article.links, article_id))
            self.db.table("attributions").insert_all(rows.record_rows(article.attributions, article_id))
            self.db.table("crossposts").insert_all(rows.record_rows(article.crossposts, article_id))
            self._insert_quotes(article_id, audit.quotes, run_id)
            self._insert_checks(audit.checks, run_id)
            self.db.execute(_LINK_STATUS_OF_ARTICLE, [article_id])
            self.db.execute("DELETE FROM failures WHERE source = ?", [article.source])
            if near is not None:
                self._save_near(article_id, article.content_hash, near)
        return article_id

    def _insert_quotes(self, article_id: int, quotes: Sequence[QuoteCheck], run_id: int) -> None:
        ids = {
            position: row_id
            for row_id, position in self.db.execute(
                "SELECT id, position FROM attributions WHERE article_id = ?", [article_id]
            ).fetchall()
        }
        self.db.table("quote_checks").insert_all(rows.quote_rows(quotes, article_id, ids, run_id))

    def _upsert_article(self, article: Article, run_id: int, report: str | None) -> int:
        row = rows.article_row(article, run_id)
        if report is not None:
            row["report"] = report
        found = self.db.execute("SELECT id FROM articles WHERE source = ?", [article.source]).fetchone()
        if found is None:
            return self._insert("articles", row)
        self.db.table("articles").update(found[0], row)
        return int(found[0])

    def _report_path(self, report: str | Path | None) -> str | None:
        """Relative to the database's folder when under it, so the pair can be moved together."""
        if report is None:
            return None
        if self.path == ":memory:":
            return str(report)
        here = Path(self.path).resolve().parent
        where = Path(report).resolve()
        return where.relative_to(here).as_posix() if where.is_relative_to(here) else str(where)

    def _save_domains_of(self, article: Article) -> None:
        """Every domain an article names gets a row, so foreign keys always resolve; the tables'
        view of it (name, category, state, standing and where that came from) where they have one.

        ``self`` is relative to one article, so it never becomes a domain's category.
        """
        infos = {i.domain: i for i in article.domains}
        self.db.conn.executemany(_UPSERT_DOMAIN, [rows.domain_values(i) for i in infos.values()])
        pairs: list[tuple[str, Category | None]] = [
            (lk.domain, lk.category) for lk in article.links if lk.domain
        ]
        pairs += [(a.outlet_domain, a.outlet_category) for a in article.attributions if a.outlet_domain]
        pairs += [(c.outlet_domain, None) for c in article.crossposts if c.outlet_domain]
        if article.metadata.outlet_domain:
            pairs.append((article.metadata.outlet_domain, None))
        self.db.conn.executemany(
            _NAMED_DOMAIN,
            [rows.named_domain_values(d, c) for d, c in pairs if d not in infos],
        )

    def save_domains(self, infos: Iterable[DomainInfo]) -> None:
        """Record the classifier's view of domains (name, controlling state, reference)."""
        with self._writing():
            self.db.conn.executemany(_UPSERT_DOMAIN, [rows.domain_values(i) for i in infos])

    # ------------------------------------------------------------------ checks and failures

    def save_checks(self, results: Sequence[CheckResult], run_id: int) -> None:
        with self._writing():
            self._insert_checks(results, run_id)

    def _insert_checks(self, results: Sequence[CheckResult], run_id: int) -> None:
        values = self._changed_checks([rows.check_values(r, run_id) for r in results])
        if not values:
            return
        self.db.conn.executemany(
            f"INSERT OR REPLACE INTO checks ({_CHECK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        # links.status follows the newest real check of its URL, as latest_checks does
        self.db.conn.executemany(
            "UPDATE links SET status = ?, checked_at = ? WHERE check_url = ?"
            " AND (? != 'unchecked' OR status = 'unchecked')",
            [(v[2], v[8], v[1], v[2]) for v in values],
        )

    def _changed_checks(self, values: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
        """The check rows not already stored as they are for their run.

        A batch saves each article with its links' checks, and a popular URL's check comes
        with every article citing it: rewriting it would also rewrite the status of every
        link citing that URL (thousands in a big batch) at each article, a cost that grew
        with the corpus (6 articles/s at 10,000 where 1,000 did 28). An unchanged row changes
        no link, so it is left alone."""
        stored: set[tuple[object, ...]] = set()
        by_run: dict[object, list[object]] = {}
        for v in values:
            by_run.setdefault(v[0], []).append(v[1])
        for run_id, urls in by_run.items():
            for start in range(0, len(urls), 500):
                part = urls[start : start + 500]
                stored.update(
                    self.db.execute(
                        f"SELECT {_CHECK_COLUMNS} FROM checks WHERE run_id = ? AND url IN ({', '.join('?' * len(part))})",
                        [run_id, *part],
                    ).fetchall()
                )
        return [v for v in values if tuple(v) not in stored]

    def record_failure(self, source: str, error: str, run_id: int) -> None:
        with self._writing():
            self.db.table("failures").upsert(
                {"source": source, "error": error, "run_id": run_id, "failed_at": rows.now()}, pk="source"
            )

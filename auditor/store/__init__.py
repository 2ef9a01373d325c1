"""The SQLite database: the only package that knows SQL.

One file holds any number of articles and every run. The schema is plain SQL with
readable names so the file opens in sqlite-utils and Datasette; the views answer the
questions users ask most. The package is split by concern, and ``Store`` joins them:

- ``schema``: tables, indexes, views and migrations;
- ``writes``: runs and locks, one article per transaction, checks, domains, failures;
- ``queries``: what the checker's cache, a batch's resume and the reports read back
  (streamed a page of articles at a time where a corpus is walked);
- ``signatures``: near-duplicate signatures and band keys, and the candidates they find;
- ``probes``: how each site answers a path that cannot exist (the checker's site probes);
- ``rows``: records to rows and back; ``base``: the connection and one-line errors;
- ``metadata``: the Datasette ``metadata.json`` written beside the database.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import sqlite_utils

from auditor import __version__
from auditor.errors import StoreError
from auditor.models import CheckOptions, CheckResult, SiteProbe
from auditor.store import metadata, schema
from auditor.store.base import Busy, explain
from auditor.store.probes import PROBE_TTL_HOURS, Probes
from auditor.store.queries import Queries
from auditor.store.writes import RUN_STATUSES, Writes

SCHEMA_VERSION = schema.VERSION

__all__ = ["RUN_STATUSES", "SCHEMA_VERSION", "Busy", "CheckCache", "ProbeCache", "Store", "explain"]


class Store(Writes, Queries, Probes):
    """An audit database; build with ``Store.open``. Not shared across threads."""

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> Store:
        """Open (creating if needed) the database; any failure is one ``StoreError`` line.

        ``read_only`` (``auditor report``) never writes: no schema change, no WAL switch, so
        a database on read-only media or owned by someone else renders too.
        """
        if read_only:
            return cls._open_read_only(Path(path))
        memory = str(path) == ":memory:"
        try:
            if not memory:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite_utils.Database(str(path))
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA busy_timeout = 5000")
            if not memory:
                db.enable_wal()
            store = cls(db, path)
            schema.create(db)
            if not memory:
                metadata.write_beside(path, __version__)
        except sqlite3.Error as exc:
            raise StoreError(explain(path, exc, "open")) from exc
        except OSError as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        return store

    @classmethod
    def _open_read_only(cls, path: Path) -> Store:
        """``mode=ro``; when SQLite cannot make the WAL index beside a read-only file (a
        read-only folder), ``immutable=1``: nobody can be writing a file nobody may write."""
        last: sqlite3.Error | None = None
        for flag in ("mode=ro", "immutable=1"):
            try:
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flag}", uri=True)
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone()  # reads a page: the file opens
            except sqlite3.Error as exc:
                last = exc
                continue
            if not schema.readable(version):
                conn.close()
                raise StoreError(f"{path}: not a database this auditor can read (schema {version})")
            return cls(sqlite_utils.Database(conn), path)
        raise StoreError(explain(path, last, "open") if last else f"cannot open database {path}")

    def close(self) -> None:
        self.db.close()


class CheckCache:
    """The checker's cache protocol over a store: ``get`` honours the TTL, ``put`` records history."""

    def __init__(self, store: Store, run_id: int, ttl_hours: float) -> None:
        self.store = store
        self.run_id = run_id
        self.ttl_hours = ttl_hours
        self.history = False

    @classmethod
    def for_run(cls, store: Store, run_id: int, options: CheckOptions) -> CheckCache:
        """Offline, any real check answers, however old (the report shows its date): an
        ``--offline`` re-audit keeps what was known instead of turning it into ``unchecked``."""
        cache = cls(store, run_id, math.inf if options.offline else options.cache_ttl_hours)
        cache.history = options.offline  # what a report of the last run shows, timeouts and all
        return cache

    def get(self, key: str) -> CheckResult | None:
        return self.store.cached_check(key, self.ttl_hours, history=self.history)

    def put(self, result: CheckResult) -> None:
        self.store.save_checks([result], self.run_id)

    def put_all(self, results: Sequence[CheckResult]) -> None:
        """Several results in one transaction (a Dask partition's answers)."""
        if results:
            self.store.save_checks(results, self.run_id)

    def recall(self, key: str) -> CheckResult | None:
        """What this run already found for ``key`` (stored with an article, or cached)."""
        return self.store.run_check(key, self.run_id)


class ProbeCache:
    """The checker's probe cache over a store (``check.probe.ProbeCache``): a week's freshness."""

    def __init__(self, store: Store, ttl_hours: float = PROBE_TTL_HOURS) -> None:
        self.store = store
        self.ttl_hours = ttl_hours

    def get(self, key: str) -> SiteProbe | None:
        return self.store.cached_probe(key, self.ttl_hours)

    def put(self, probe: SiteProbe) -> None:
        self.store.save_probe(probe)

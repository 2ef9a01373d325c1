"""The SQLite database: the only module that knows SQL.

One file holds any number of articles and every run. Each article is written in one
transaction (``save_audit``), so an interruption at any moment (Ctrl-C, SIGKILL, power
loss) leaves either the article's previous rows or its new ones, never a mix. Re-auditing a
source replaces its rows in place (its id is kept, so links from other tools stay valid);
check results are history, one row per distinct URL and run, so link rot can be followed
over time. The schema is plain SQL with readable names so the file opens in sqlite-utils
and Datasette; the views answer the questions users ask most.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlite_utils

from auditor.errors import StoreError
from auditor.models import (
    BROKEN_STATUSES,
    UNCACHED_STATUSES,
    Article,
    Attribution,
    Audit,
    Category,
    CheckResult,
    CrossPost,
    CrossPostMethod,
    DomainInfo,
    Format,
    Hop,
    Link,
    LinkKind,
    Metadata,
    Region,
    SiteProbe,
    SourceKind,
    Status,
)
from auditor.procs import process_identity, same_process
from auditor.urls import check_key

SCHEMA_VERSION = 2  # 2: runs.status, locks
_BROKEN_SQL = ", ".join(f"'{s.value}'" for s in sorted(BROKEN_STATUSES))
_UNCACHED_SQL = ", ".join(f"'{s.value}'" for s in sorted(UNCACHED_STATUSES))

_TABLES = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, command TEXT NOT NULL, version TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}', started_at TEXT NOT NULL, finished_at TEXT,
    counts TEXT, status TEXT NOT NULL DEFAULT 'running'
);
CREATE TABLE IF NOT EXISTS locks (
    name TEXT PRIMARY KEY, run_id INTEGER REFERENCES runs(id), pid INTEGER NOT NULL,
    host TEXT NOT NULL, process TEXT NOT NULL, acquired_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS domains (
    domain TEXT PRIMARY KEY, category TEXT, name TEXT, state TEXT, classified_by TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL UNIQUE, format TEXT NOT NULL, title TEXT,
    authors TEXT NOT NULL DEFAULT '[]', published TEXT, outlet TEXT,
    outlet_domain TEXT REFERENCES domains(domain), canonical_url TEXT, og_url TEXT,
    language TEXT, content_hash TEXT NOT NULL, body_text TEXT NOT NULL DEFAULT '',
    run_id INTEGER REFERENCES runs(id), audited_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS links (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL, url TEXT NOT NULL, href TEXT NOT NULL, anchor_text TEXT NOT NULL,
    region TEXT NOT NULL, kind TEXT NOT NULL, domain TEXT REFERENCES domains(domain),
    category TEXT, context TEXT NOT NULL DEFAULT '', check_url TEXT
);
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), url TEXT NOT NULL,
    status TEXT NOT NULL, http_status INTEGER, final_url TEXT, redirects TEXT NOT NULL DEFAULT '[]',
    reason TEXT NOT NULL DEFAULT '', archive_url TEXT, checked_at TEXT NOT NULL,
    elapsed_ms INTEGER NOT NULL DEFAULT 0, requests INTEGER NOT NULL DEFAULT 0,
    UNIQUE (url, run_id)
);
CREATE TABLE IF NOT EXISTS attributions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL, cue TEXT NOT NULL,
    evidence TEXT NOT NULL, role TEXT, outlet TEXT, outlet_domain TEXT REFERENCES domains(domain),
    outlet_category TEXT, characterisation TEXT, quote TEXT, url TEXT,
    mentions TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS crossposts (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL, original_outlet TEXT, original_url TEXT, published TEXT,
    method TEXT NOT NULL, evidence TEXT NOT NULL DEFAULT '',
    outlet_domain TEXT REFERENCES domains(domain), methods TEXT NOT NULL DEFAULT '[]',
    similarity REAL
);
CREATE TABLE IF NOT EXISTS failures (
    source TEXT PRIMARY KEY, error TEXT NOT NULL, run_id INTEGER REFERENCES runs(id),
    failed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_links_article ON links(article_id, position);
CREATE INDEX IF NOT EXISTS idx_links_check_url ON links(check_url);
CREATE INDEX IF NOT EXISTS idx_links_domain ON links(domain);
CREATE INDEX IF NOT EXISTS idx_links_category ON links(category);
CREATE INDEX IF NOT EXISTS idx_checks_url ON checks(url, checked_at);
CREATE INDEX IF NOT EXISTS idx_checks_status ON checks(status);
CREATE INDEX IF NOT EXISTS idx_attributions_article ON attributions(article_id, position);
CREATE INDEX IF NOT EXISTS idx_attributions_category ON attributions(outlet_category);
CREATE INDEX IF NOT EXISTS idx_crossposts_article ON crossposts(article_id, position);
CREATE INDEX IF NOT EXISTS idx_crossposts_outlet ON crossposts(original_outlet);
CREATE INDEX IF NOT EXISTS idx_articles_hash ON articles(source, content_hash);
"""

# The newest real check of each URL; an `unchecked` row (an offline run) only counts when
# the URL was never really checked, so going offline never hides known rot.
_VIEWS = {
    "latest_checks": """
SELECT * FROM (
  SELECT checks.*, ROW_NUMBER() OVER (
    PARTITION BY url ORDER BY (status = 'unchecked'), checked_at DESC, id DESC) AS _rank
  FROM checks) WHERE _rank = 1""",
    "broken_links": f"""
SELECT articles.id AS article_id, articles.source AS article_source, articles.title AS article_title,
  articles.outlet AS article_outlet, links.position, links.url, links.anchor_text, links.region,
  links.domain, links.category, latest_checks.status, latest_checks.http_status,
  latest_checks.reason, latest_checks.archive_url, latest_checks.checked_at
FROM links JOIN articles ON articles.id = links.article_id
JOIN latest_checks ON latest_checks.url = links.check_url
WHERE latest_checks.status IN ({_BROKEN_SQL})""",
    "state_media_citations": """
SELECT articles.id AS article_id, articles.source AS article_source, articles.title AS article_title,
  'link' AS cited_as, links.anchor_text AS cited, links.domain, links.url, links.context AS evidence
FROM links JOIN articles ON articles.id = links.article_id WHERE links.category = 'state-media'
UNION ALL
SELECT articles.id, articles.source, articles.title, 'attribution',
  attributions.source || COALESCE(' (' || attributions.outlet || ')', ''),
  attributions.outlet_domain, attributions.url, attributions.evidence
FROM attributions JOIN articles ON articles.id = attributions.article_id
WHERE attributions.outlet_category = 'state-media'""",
    "articles_by_original_outlet": """
SELECT COALESCE(crossposts.original_outlet, articles.outlet, '(unknown)') AS original_outlet,
  COUNT(*) AS articles, SUM(crossposts.id IS NOT NULL) AS reposts,
  GROUP_CONCAT(DISTINCT articles.outlet) AS published_by, MIN(COALESCE(crossposts.published,
  articles.published)) AS first_published, GROUP_CONCAT(articles.source, ' | ') AS sources
FROM articles LEFT JOIN crossposts ON crossposts.article_id = articles.id AND crossposts.position = 0
GROUP BY 1 ORDER BY articles DESC, original_outlet""",
    "domains_by_dead_share": f"""
SELECT links.domain, domains.category, COUNT(*) AS links,
  SUM(latest_checks.status IN ({_BROKEN_SQL})) AS broken,
  ROUND(1.0 * SUM(latest_checks.status IN ({_BROKEN_SQL})) / COUNT(*), 3) AS dead_share
FROM links JOIN latest_checks ON latest_checks.url = links.check_url
LEFT JOIN domains ON domains.domain = links.domain
WHERE links.domain IS NOT NULL AND latest_checks.status != 'unchecked'
GROUP BY links.domain ORDER BY dead_share DESC, broken DESC, links.domain""",
}


_R = TypeVar("_R", Attribution, CrossPost)
_P = ParamSpec("_P")
_T = TypeVar("_T")
# Version 1 databases gain the run status (a run never finished was interrupted) and locks.
_MIGRATE_FROM_1 = """
ALTER TABLE runs ADD COLUMN status TEXT NOT NULL DEFAULT 'running';
UPDATE runs SET status = CASE WHEN finished_at IS NULL THEN 'interrupted' ELSE 'finished' END
"""
RUN_STATUSES = ("running", "finished", "interrupted", "failed")


class Busy(StoreError):
    """Another live process holds the database's lock (a batch is running on it)."""


def explain(path: str | Path, exc: sqlite3.Error, doing: str = "read") -> str:
    """The one line a user reads for a SQLite error: what is wrong and what to do."""
    text = str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and ("malformed" in text or "not a database" in text):
        return f"the database {path} is damaged ({text}); move it aside or restore a copy, then rerun"
    return f"cannot {doing} the database {path}: {text}"


def _mapped(method: Callable[Concatenate[Store, _P], _T]) -> Callable[Concatenate[Store, _P], _T]:
    """Every SQLite error of a store method becomes the store's one-line ``StoreError``.

    Reads fail too: a database with 64 KiB overwritten opens fine and raises
    ``DatabaseError`` on the first page it cannot read, deep inside a report or a batch.
    """

    @functools.wraps(method)
    def mapped(self: Store, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(self.explain(exc)) from exc

    return mapped


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _parse_time(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Store:
    """An audit database; build with ``Store.open``. Not shared across threads."""

    def __init__(self, db: sqlite_utils.Database, path: str | Path = ":memory:") -> None:
        self.db = db
        self.path = str(path)

    def explain(self, exc: sqlite3.Error, doing: str = "read") -> str:
        return explain(self.path, exc, doing)

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
            store._create_schema()
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
            if not 1 <= version <= SCHEMA_VERSION:
                conn.close()
                raise StoreError(f"{path}: not a database this auditor can read (schema {version})")
            return cls(sqlite_utils.Database(conn), path)
        raise StoreError(explain(path, last, "open") if last else f"cannot open database {path}")

    def _create_schema(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"database schema {version} is newer than this auditor ({SCHEMA_VERSION})")
        if version == SCHEMA_VERSION:
            return  # no write lock: a reader may open while a batch is writing
        with self.db.atomic():
            if version == 1:
                for statement in _MIGRATE_FROM_1.split(";"):
                    self.db.execute(statement)
            for statement in _TABLES.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            for name, sql in _VIEWS.items():
                self.db.execute(f"CREATE VIEW IF NOT EXISTS {name} AS {sql}")
        self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ runs

    def start_run(
        self, command: str, options: Mapping[str, object], version: str, *, lock: str | None = None
    ) -> int:
        """Record a run as ``running``; with ``lock``, also take that lock for it, or raise
        ``Busy`` when a live process holds it (both in one transaction)."""
        row = {"command": command, "version": version, "started_at": _now(), "status": "running"}
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
                    [lock, run_id, me, socket.gethostname(), process_identity(me), _now()],
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
                [_now(), json.dumps(dict(counts), sort_keys=True), status, run_id],
            )
            self.db.execute("DELETE FROM locks WHERE run_id = ?", [run_id])

    @_mapped
    def run_status(self, run_id: int) -> str | None:
        row = self.db.execute("SELECT status FROM runs WHERE id = ?", [run_id]).fetchone()
        return None if row is None else str(row[0])

    # ------------------------------------------------------------------ writes

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A transaction whose SQLite errors surface as one ``StoreError`` line."""
        try:
            with self.db.atomic():
                yield
        except sqlite3.Error as exc:
            raise StoreError(self.explain(exc, "write to")) from exc

    def _insert(self, table: str, row: Mapping[str, object]) -> int:
        pk = self.db.table(table).insert(dict(row)).last_pk
        if not isinstance(pk, int):
            raise StoreError(f"cannot write to the database: no id for the new {table} row")
        return pk

    def save_audit(self, audit: Audit, run_id: int) -> int:
        """Write one article and its checks atomically; returns the article id.

        A source audited before keeps its id and has its links, attributions and cross-posts
        replaced; a recorded failure for it is cleared, since it has now succeeded.
        """
        article = audit.article
        with self._writing():
            self._save_domains_of(article)
            article_id = self._upsert_article(article, run_id)
            for table in ("links", "attributions", "crossposts"):
                self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
            self.db.table("links").insert_all(_link_rows(article.links, article_id))
            self.db.table("attributions").insert_all(_record_rows(article.attributions, article_id))
            self.db.table("crossposts").insert_all(_record_rows(article.crossposts, article_id))
            self._insert_checks(audit.checks, run_id)
            self.db.execute("DELETE FROM failures WHERE source = ?", [article.source])
        return article_id

    def _upsert_article(self, article: Article, run_id: int) -> int:
        row = _article_row(article, run_id)
        found = self.db.execute("SELECT id FROM articles WHERE source = ?", [article.source]).fetchone()
        if found is None:
            return self._insert("articles", row)
        self.db.table("articles").update(found[0], row)
        return int(found[0])

    def _save_domains_of(self, article: Article) -> None:
        """Every domain an article mentions gets a row, so foreign keys always resolve.

        ``self`` is relative to one article, so it never becomes a domain's category.
        """
        pairs: list[tuple[str, Category | None]] = [
            (lk.domain, lk.category) for lk in article.links if lk.domain
        ]
        pairs += [(a.outlet_domain, a.outlet_category) for a in article.attributions if a.outlet_domain]
        pairs += [(c.outlet_domain, None) for c in article.crossposts if c.outlet_domain]
        if article.metadata.outlet_domain:
            pairs.append((article.metadata.outlet_domain, None))
        self.db.conn.executemany(
            "INSERT INTO domains (domain, category) VALUES (?, ?) ON CONFLICT(domain) DO UPDATE "
            "SET category = COALESCE(excluded.category, domains.category)",
            [(d, None if c in (None, Category.SELF) else str(c)) for d, c in pairs],
        )

    def save_domains(self, infos: Iterable[DomainInfo]) -> None:
        """Record the classifier's view of domains (name, controlling state, reference)."""
        rows = [
            {"domain": i.domain, "category": str(i.category), "name": i.name, "state": i.state}
            | {"classified_by": i.source}
            for i in infos
        ]
        with self._writing():
            self.db.table("domains").upsert_all(rows, pk="domain")

    def save_checks(self, results: Sequence[CheckResult], run_id: int) -> None:
        with self._writing():
            self._insert_checks(results, run_id)

    def _insert_checks(self, results: Sequence[CheckResult], run_id: int) -> None:
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO checks (run_id, url, status, http_status, final_url, redirects,"
            " reason, archive_url, checked_at, elapsed_ms, requests)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_check_values(r, run_id) for r in results],
        )

    def record_failure(self, source: str, error: str, run_id: int) -> None:
        with self._writing():
            self.db.table("failures").upsert(
                {"source": source, "error": error, "run_id": run_id, "failed_at": _now()}, pk="source"
            )

    # ------------------------------------------------------------------ reads

    @_mapped
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
        checked = _parse_time(row["checked_at"])
        if checked is None or datetime.now(UTC) - checked > timedelta(hours=ttl_hours):
            return None
        return _check_from_row(row)

    @_mapped
    def article_done(self, source: str, content_hash: str) -> bool:
        """True when this exact content of ``source`` is already stored (batch resume)."""
        found = self.db.execute(
            "SELECT 1 FROM articles WHERE source = ? AND content_hash = ?", [source, content_hash]
        ).fetchone()
        return found is not None

    @_mapped
    def audits(self) -> list[Audit]:
        """Every stored article with the latest check of each of its URLs, in source order."""
        by_article: dict[int, dict[str, list[dict[str, Any]]]] = {}
        for table in ("links", "attributions", "crossposts"):
            for row in self.db.query(f"SELECT * FROM {table} ORDER BY article_id, position"):
                by_article.setdefault(row["article_id"], {}).setdefault(table, []).append(row)
        latest = {r["url"]: _check_from_row(r) for r in self.db.query("SELECT * FROM latest_checks")}
        result = []
        for row in self.db.query("SELECT * FROM articles ORDER BY source"):
            parts = by_article.get(row["id"], {})
            article = _article_from_rows(row, parts)
            keys = dict.fromkeys(r["check_url"] for r in parts.get("links", []) if r["check_url"])
            checks = tuple(latest[k] for k in keys if k in latest)
            result.append(Audit(article=article, checks=checks, run_id=row["run_id"]))
        return result

    @_mapped
    def failures(self) -> list[tuple[str, str]]:
        return [(r["source"], r["error"]) for r in self.db.query("SELECT * FROM failures ORDER BY source")]


class CheckCache:
    """The checker's cache protocol over a store: ``get`` honours the TTL, ``put`` records history."""

    def __init__(self, store: Store, run_id: int, ttl_hours: float) -> None:
        self.store = store
        self.run_id = run_id
        self.ttl_hours = ttl_hours

    def get(self, key: str) -> CheckResult | None:
        return self.store.cached_check(key, self.ttl_hours)

    def put(self, result: CheckResult) -> None:
        self.store.save_checks([result], self.run_id)


# ---------------------------------------------------------------------- site probes (issue 13)
# How each site section answers a path that cannot exist (``check/probe.py``), kept so that a
# batch, and the runs after it, ask each site once. Only conclusive answers are kept (a 404,
# or a page and its sketch): a probe that failed is asked again next run. A table of its own,
# made when first needed, keyed by the probe's template; one row per key, the latest.
PROBE_TTL_HOURS = 24 * 7  # a site changes how it answers unknown paths rarely; --recheck asks again
_PROBES_TABLE = """
CREATE TABLE IF NOT EXISTS probes (
    key TEXT PRIMARY KEY, url TEXT NOT NULL, status INTEGER NOT NULL, final_url TEXT NOT NULL,
    redirects INTEGER NOT NULL DEFAULT 0, title TEXT NOT NULL DEFAULT '', size INTEGER NOT NULL DEFAULT 0,
    shingles INTEGER NOT NULL DEFAULT 0, sketch TEXT NOT NULL DEFAULT '[]',
    article INTEGER NOT NULL DEFAULT 0, checked_at TEXT NOT NULL
)"""
_PROBE_FIELDS = ("key", "url", "status", "final_url", "redirects", "title", "size", "shingles", "sketch",
                 "article", "checked_at")  # fmt: skip


class ProbeCache:
    """The checker's probe cache over a store (``check.probe.ProbeCache``)."""

    def __init__(self, store: Store, ttl_hours: float = PROBE_TTL_HOURS) -> None:
        self.store = store
        self.ttl_hours = ttl_hours
        with store._writing():
            store.db.execute(_PROBES_TABLE)

    def get(self, key: str) -> SiteProbe | None:
        try:
            row = self.store.db.execute(
                f"SELECT {', '.join(_PROBE_FIELDS)} FROM probes WHERE key = ?", [key]
            ).fetchone()
        except sqlite3.Error as exc:
            raise StoreError(self.store.explain(exc)) from exc
        if row is None:
            return None
        values = dict(zip(_PROBE_FIELDS, row, strict=True))
        checked = _parse_time(values["checked_at"])
        if checked is None or datetime.now(UTC) - checked > timedelta(hours=self.ttl_hours):
            return None
        values["sketch"] = tuple(json.loads(values["sketch"]))
        values["article"] = bool(values["article"])
        return SiteProbe(**values)

    def put(self, probe: SiteProbe) -> None:
        values = [getattr(probe, name) for name in _PROBE_FIELDS]
        values[_PROBE_FIELDS.index("sketch")] = json.dumps(list(probe.sketch))
        values[_PROBE_FIELDS.index("checked_at")] = probe.checked_at or _now()
        with self.store._writing():
            self.store.db.execute(
                f"INSERT OR REPLACE INTO probes ({', '.join(_PROBE_FIELDS)})"
                f" VALUES ({', '.join('?' * len(_PROBE_FIELDS))})",
                values,
            )


# ---------------------------------------------------------------------- rows <-> records


def _article_row(article: Article, run_id: int) -> dict[str, object]:
    meta = article.metadata
    return {
        "source": article.source,
        "format": str(article.format),
        "title": meta.title,
        "authors": json.dumps(list(meta.authors), ensure_ascii=False),
        "published": meta.published,
        "outlet": meta.outlet,
        "outlet_domain": meta.outlet_domain,
        "canonical_url": meta.canonical_url,
        "og_url": meta.og_url,
        "language": meta.language,
        "content_hash": article.content_hash,
        "body_text": article.text,
        "run_id": run_id,
        "audited_at": _now(),
    }


def _link_rows(links: Sequence[Link], article_id: int) -> list[dict[str, object]]:
    return [
        {
            "article_id": article_id,
            "position": lk.position,
            "url": lk.url,
            "href": lk.href,
            "anchor_text": lk.text,
            "region": str(lk.region),
            "kind": str(lk.kind),
            "domain": lk.domain,
            "category": None if lk.category is None else str(lk.category),
            "context": lk.context,
            "check_url": check_key(lk.url) if lk.kind is LinkKind.WEB else None,
        }
        for lk in links
    ]


def _record_rows(items: Sequence[Attribution | CrossPost], article_id: int) -> list[dict[str, object]]:
    """Attribution and cross-post columns are their field names; tuples are stored as JSON."""
    rows = []
    for position, item in enumerate(items):
        row: dict[str, object] = {"article_id": article_id, "position": position}
        for f in fields(item):
            value = getattr(item, f.name)
            row[f.name] = (
                json.dumps([str(v) for v in value], ensure_ascii=False) if isinstance(value, tuple) else value
            )
        rows.append(row)
    return rows


def _check_values(r: CheckResult, run_id: int) -> tuple[object, ...]:
    hops = json.dumps([{"url": h.url, "status": h.status, "location": h.location} for h in r.redirects])
    checked_at = r.checked_at or _now()
    head = (run_id, r.url, str(r.status), r.http_status, r.final_url, hops, r.reason, r.archive_url)
    return (*head, checked_at, r.elapsed_ms, r.requests)


def _check_from_row(row: Mapping[str, Any]) -> CheckResult:
    hops = tuple(
        Hop(url=h["url"], status=h["status"], location=h.get("location"))
        for h in json.loads(row["redirects"])
    )
    return CheckResult(
        url=row["url"],
        status=Status(row["status"]),
        http_status=row["http_status"],
        final_url=row["final_url"],
        redirects=hops,
        reason=row["reason"],
        archive_url=row["archive_url"],
        checked_at=row["checked_at"],
        elapsed_ms=row["elapsed_ms"],
        requests=row["requests"],
    )


def _link_from_row(r: Mapping[str, Any]) -> Link:
    return Link(
        url=r["url"],
        href=r["href"],
        text=r["anchor_text"],
        region=Region(r["region"]),
        kind=LinkKind(r["kind"]),
        domain=r["domain"],
        category=None if r["category"] is None else Category(r["category"]),
        context=r["context"],
        position=r["position"],
    )


_DECODE: dict[str, Callable[[Any], Any]] = {
    "kind": SourceKind,
    "outlet_category": Category,
    "method": CrossPostMethod,
    "methods": lambda text: tuple(CrossPostMethod(m) for m in json.loads(text)),
    "mentions": lambda text: tuple(json.loads(text)),
}


def _record_from_row(cls: type[_R], row: Mapping[str, Any]) -> _R:
    values: dict[str, Any] = {}
    for f in fields(cls):
        value = row[f.name]
        values[f.name] = value if value is None or f.name not in _DECODE else _DECODE[f.name](value)
    return cls(**values)


def _article_from_rows(row: Mapping[str, Any], parts: Mapping[str, list[dict[str, Any]]]) -> Article:
    meta = Metadata(
        title=row["title"],
        authors=tuple(json.loads(row["authors"])),
        published=row["published"],
        outlet=row["outlet"],
        outlet_domain=row["outlet_domain"],
        canonical_url=row["canonical_url"],
        og_url=row["og_url"],
        language=row["language"],
    )
    return Article(
        source=row["source"],
        format=Format(row["format"]),
        metadata=meta,
        links=tuple(_link_from_row(r) for r in parts.get("links", [])),
        crossposts=tuple(_record_from_row(CrossPost, r) for r in parts.get("crossposts", [])),
        attributions=tuple(_record_from_row(Attribution, r) for r in parts.get("attributions", [])),
        content_hash=row["content_hash"],
        text=row["body_text"],
    )

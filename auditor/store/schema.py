"""The database's shape: tables, indexes, views and the migrations between versions.

Everything that changes when the schema changes is here, so a new table is one edit to
``TABLES`` (and a migration for databases written by an older auditor) beside the views
that read it. ``create`` brings any database this auditor can read up to ``VERSION``.
"""

from __future__ import annotations

import sqlite_utils

from auditor.errors import StoreError
from auditor.models import BROKEN_STATUSES

VERSION = 3  # 2: runs.status, locks; 3: quote_checks
_BROKEN_SQL = ", ".join(f"'{s.value}'" for s in sorted(BROKEN_STATUSES))

TABLES = """
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
CREATE TABLE IF NOT EXISTS quote_checks (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    attribution_id INTEGER REFERENCES attributions(id) ON DELETE SET NULL,
    position INTEGER NOT NULL, source TEXT, quote TEXT NOT NULL, url TEXT NOT NULL,
    verdict TEXT NOT NULL, similarity REAL NOT NULL DEFAULT 0, differences TEXT NOT NULL DEFAULT '[]',
    passage TEXT NOT NULL DEFAULT '', page_url TEXT, archived INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '', run_id INTEGER REFERENCES runs(id), checked_at TEXT NOT NULL
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
CREATE INDEX IF NOT EXISTS idx_quote_checks_article ON quote_checks(article_id, position);
CREATE INDEX IF NOT EXISTS idx_quote_checks_verdict ON quote_checks(verdict);
CREATE INDEX IF NOT EXISTS idx_articles_hash ON articles(source, content_hash);
"""

# The newest real check of each URL; an `unchecked` row (an offline run) only counts when
# the URL was never really checked, so going offline never hides known rot.
VIEWS = {
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
    "quotes_not_found": """
SELECT articles.id AS article_id, articles.source AS article_source, articles.title AS article_title,
  quote_checks.source, attributions.role, quote_checks.quote, quote_checks.url, quote_checks.verdict,
  quote_checks.similarity, quote_checks.passage, quote_checks.reason, quote_checks.page_url,
  quote_checks.checked_at
FROM quote_checks JOIN articles ON articles.id = quote_checks.article_id
LEFT JOIN attributions ON attributions.id = quote_checks.attribution_id
WHERE quote_checks.verdict IN ('not-found', 'found-edited')""",
    "domains_by_dead_share": f"""
SELECT links.domain, domains.category, COUNT(*) AS links,
  SUM(latest_checks.status IN ({_BROKEN_SQL})) AS broken,
  ROUND(1.0 * SUM(latest_checks.status IN ({_BROKEN_SQL})) / COUNT(*), 3) AS dead_share
FROM links JOIN latest_checks ON latest_checks.url = links.check_url
LEFT JOIN domains ON domains.domain = links.domain
WHERE links.domain IS NOT NULL AND latest_checks.status != 'unchecked'
GROUP BY links.domain ORDER BY dead_share DESC, broken DESC, links.domain""",
}

# Version 1 databases gain the run status (a run never finished was interrupted) and locks.
_MIGRATE_FROM_1 = """
ALTER TABLE runs ADD COLUMN status TEXT NOT NULL DEFAULT 'running';
UPDATE runs SET status = CASE WHEN finished_at IS NULL THEN 'interrupted' ELSE 'finished' END
"""
MIGRATIONS = {1: _MIGRATE_FROM_1}  # from version N to N + 1


def readable(version: int) -> bool:
    """True for a schema this auditor reads as it is or after ``create``."""
    return 1 <= version <= VERSION


def create(db: sqlite_utils.Database) -> None:
    """Create or upgrade the schema to ``VERSION`` in one transaction.

    A database already at ``VERSION`` is left untouched, without taking the write lock, so a
    reader may open while a batch is writing.
    """
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > VERSION:
        raise StoreError(f"database schema {version} is newer than this auditor ({VERSION})")
    if version == VERSION:
        return
    with db.atomic():
        for step in range(version, VERSION) if version else ():  # 0: a new, empty file
            for statement in MIGRATIONS.get(step, "").split(";"):
                if statement.strip():
                    db.execute(statement)
        for statement in TABLES.split(";"):
            if statement.strip():
                db.execute(statement)
        for name, sql in VIEWS.items():
            db.execute(f"CREATE VIEW IF NOT EXISTS {name} AS {sql}")
    db.execute(f"PRAGMA user_version = {VERSION}")

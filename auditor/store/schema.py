"""The database's shape: tables, indexes, views and the migrations between versions.

Everything that changes when the schema changes is here, so a new table is one edit to
``TABLES`` (and a migration for databases written by an older auditor) beside the views
that read it. ``create`` brings any database this auditor can read up to ``VERSION``.
"""

from __future__ import annotations

import sqlite_utils

from auditor.errors import StoreError
from auditor.models import BROKEN_STATUSES

VERSION = 6  # 2: runs.status, locks; 3: site probes (issue 13); 4: standings, link status, report paths,
# full-text search; 5: quote_checks (issue 16); 6: signatures, lsh_buckets (issue 17: near-duplicates
# found as each article is committed)
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
    domain TEXT PRIMARY KEY, category TEXT, name TEXT, state TEXT, classified_by TEXT,
    reliability TEXT, reliability_as_of TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL UNIQUE, format TEXT NOT NULL, title TEXT,
    authors TEXT NOT NULL DEFAULT '[]', published TEXT, outlet TEXT,
    outlet_domain TEXT REFERENCES domains(domain), canonical_url TEXT, og_url TEXT,
    language TEXT, content_hash TEXT NOT NULL, body_text TEXT NOT NULL DEFAULT '',
    run_id INTEGER REFERENCES runs(id), audited_at TEXT NOT NULL, report TEXT
);
CREATE TABLE IF NOT EXISTS links (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL, url TEXT NOT NULL, href TEXT NOT NULL, anchor_text TEXT NOT NULL,
    region TEXT NOT NULL, kind TEXT NOT NULL, domain TEXT REFERENCES domains(domain),
    category TEXT, context TEXT NOT NULL DEFAULT '', check_url TEXT,
    status TEXT NOT NULL DEFAULT 'unchecked', checked_at TEXT
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
    similarity REAL, title TEXT
);
CREATE TABLE IF NOT EXISTS probes (
    key TEXT PRIMARY KEY, url TEXT NOT NULL, status INTEGER NOT NULL, final_url TEXT NOT NULL,
    redirects INTEGER NOT NULL DEFAULT 0, title TEXT NOT NULL DEFAULT '', size INTEGER NOT NULL DEFAULT 0,
    shingles INTEGER NOT NULL DEFAULT 0, sketch TEXT NOT NULL DEFAULT '[]',
    article INTEGER NOT NULL DEFAULT 0, checked_at TEXT NOT NULL
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
-- Near-duplicates (batch/neardup.py): each article's MinHash, computed from the stored
-- content (content_hash tells a stale one), and its LSH band keys, one indexed row each.
CREATE TABLE IF NOT EXISTS signatures (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    content_hash TEXT NOT NULL, minhash BLOB
);
CREATE TABLE IF NOT EXISTS lsh_buckets (
    bucket INTEGER NOT NULL, article_id INTEGER NOT NULL, PRIMARY KEY (bucket, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_links_article ON links(article_id, position);
CREATE INDEX IF NOT EXISTS idx_links_check_url ON links(check_url);
CREATE INDEX IF NOT EXISTS idx_links_domain ON links(domain);
CREATE INDEX IF NOT EXISTS idx_links_category ON links(category);
CREATE INDEX IF NOT EXISTS idx_links_status ON links(status);
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
  articles.outlet AS article_outlet, articles.report AS article_report, links.position, links.url,
  links.anchor_text, links.region, links.domain, links.category, latest_checks.status,
  latest_checks.http_status, latest_checks.reason, latest_checks.archive_url, latest_checks.checked_at
FROM links JOIN articles ON articles.id = links.article_id
JOIN latest_checks ON latest_checks.url = links.check_url
WHERE latest_checks.status IN ({_BROKEN_SQL})
ORDER BY articles.source, links.position""",
    # One row per citation: an attribution to a state-media outlet, or backed by a link to one
    # (the link then is that citation, not a second one), and any other state-media link.
    "state_media_citations": """
SELECT articles.id AS article_id, articles.source AS article_source, articles.title AS article_title,
  'source' AS cited_as, attributions.source || COALESCE(' (' || attributions.outlet || ')', '') AS cited,
  COALESCE(attributions.outlet_domain, backing.domain) AS domain, domains.state, attributions.url,
  attributions.evidence
FROM attributions JOIN articles ON articles.id = attributions.article_id
LEFT JOIN links AS backing ON backing.article_id = attributions.article_id AND backing.url = attributions.url
  AND backing.position = (SELECT MIN(position) FROM links l WHERE l.article_id = attributions.article_id
    AND l.url = attributions.url)
LEFT JOIN domains ON domains.domain = COALESCE(attributions.outlet_domain, backing.domain)
WHERE attributions.outlet_category = 'state-media' OR backing.category = 'state-media'
UNION ALL
SELECT articles.id, articles.source, articles.title, 'link', links.anchor_text, links.domain,
  domains.state, links.url, links.context
FROM links JOIN articles ON articles.id = links.article_id
LEFT JOIN domains ON domains.domain = links.domain
WHERE links.category = 'state-media' AND NOT EXISTS (
  SELECT 1 FROM attributions a WHERE a.article_id = links.article_id AND a.url = links.url)""",
    # Who is re-posted most: the first step of each article's chain is its original outlet;
    # an article that is no re-post counts as its own outlet's original.
    "articles_by_original_outlet": """
SELECT COALESCE(crossposts.original_outlet, articles.outlet, '(unknown)') AS original_outlet,
  SUM(crossposts.id IS NOT NULL) AS reposts, COUNT(*) AS articles,
  GROUP_CONCAT(DISTINCT CASE WHEN crossposts.id IS NOT NULL THEN articles.outlet END) AS reposted_by,
  MIN(COALESCE(crossposts.published, articles.published)) AS first_published,
  GROUP_CONCAT(articles.source, ' | ') AS sources
FROM articles LEFT JOIN crossposts ON crossposts.article_id = articles.id AND crossposts.position = 0
GROUP BY 1 ORDER BY reposts DESC, articles DESC, original_outlet""",
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

# Columns each version added, so that an older database gains them: (version, table, column
# declaration). Added only where missing, so a migration interrupted half-way simply reruns.
# A version that only adds tables (3: probes; 5: quote_checks; 6: signatures, lsh_buckets) needs no entry:
# ``TABLES`` creates what is missing. Articles stored before 6 have no signature; the next
# batch signs them, streamed (``NearDuplicates.backfill``), and finds their near-duplicates.
COLUMNS = (
    (2, "runs", "status TEXT NOT NULL DEFAULT 'running'"),
    (4, "domains", "reliability TEXT"),
    (4, "domains", "reliability_as_of TEXT"),
    (4, "articles", "report TEXT"),
    (4, "links", "status TEXT NOT NULL DEFAULT 'unchecked'"),
    (4, "links", "checked_at TEXT"),
    (4, "crossposts", "title TEXT"),
)
# What to do once the columns of a version exist.
_AFTER = {
    # A run never finished was interrupted.
    2: "UPDATE runs SET status = CASE WHEN finished_at IS NULL THEN 'interrupted' ELSE 'finished' END",
    # Non-web links are their kind; web links their newest real check (kept current by writes).
    4: """UPDATE links SET status = CASE WHEN check_url IS NULL THEN kind ELSE
      COALESCE((SELECT c.status FROM checks c WHERE c.url = links.check_url
        ORDER BY (c.status = 'unchecked'), c.checked_at DESC, c.id DESC LIMIT 1), 'unchecked') END,
    checked_at = (SELECT c.checked_at FROM checks c WHERE c.url = links.check_url
        ORDER BY (c.status = 'unchecked'), c.checked_at DESC, c.id DESC LIMIT 1)""",
}
# Full-text search (sqlite-utils ``enable_fts``, FTS5, kept current by triggers): article text,
# what sources said, and the evidence of cross-posts.
FTS = {
    "articles": ("title", "outlet", "body_text"),
    "attributions": ("source", "role", "outlet", "quote", "evidence"),
    "crossposts": ("original_outlet", "title", "evidence"),
}


def readable(version: int) -> bool:
    """True for a schema this auditor reads as it is or after ``create``."""
    return 1 <= version <= VERSION


def create(db: sqlite_utils.Database) -> None:
    """Create or upgrade the schema to ``VERSION``.

    A database already at ``VERSION`` is left untouched, without taking the write lock, so a
    reader may open while a batch is writing. Every step is idempotent and the version is
    written last, so an upgrade interrupted at any point is finished by the next open.
    """
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > VERSION:
        raise StoreError(f"database schema {version} is newer than this auditor ({VERSION})")
    if version == VERSION:
        return
    with db.atomic():
        if version:  # 0 is a new, empty file: its tables are made whole below
            _upgrade(db, version)
        for statement in TABLES.split(";"):
            if statement.strip():
                db.execute(statement)
        for name, sql in VIEWS.items():
            db.execute(f"DROP VIEW IF EXISTS {name}")  # a view may change between versions
            db.execute(f"CREATE VIEW {name} AS {sql}")
    for table, columns in FTS.items():  # enable_fts commits as it goes: outside the transaction
        if not db[f"{table}_fts"].exists():
            db.table(table).enable_fts(columns, create_triggers=True)
    db.execute(f"PRAGMA user_version = {VERSION}")


def _upgrade(db: sqlite_utils.Database, version: int) -> None:
    for step in range(version + 1, VERSION + 1):
        for added, table, declaration in COLUMNS:
            name = declaration.split()[0]
            if added == step and name not in {c.name for c in db.table(table).columns}:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {declaration}")
        if step in _AFTER:
            db.execute(_AFTER[step])

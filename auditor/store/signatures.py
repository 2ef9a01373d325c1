"""Near-duplicate records: each article's MinHash and LSH band keys, and the queries that
find an article's candidates by index (see :mod:`auditor.batch.neardup`).

The band keys are one row each in a ``WITHOUT ROWID`` table keyed by (bucket, article), so
finding the articles that share a band with a new one reads a few index pages, whatever the
corpus size; a stale key is deleted by that same key.
"""

from __future__ import annotations

from collections.abc import Sequence

from auditor.models import CrossPost, CrossPostMethod, Fingerprint, NearUpdate
from auditor.store import rows
from auditor.store.base import StoreBase, mapped


class Signatures(StoreBase):
    """Signatures, band keys and near-duplicate records (written inside an article's transaction)."""

    def _save_near(self, article_id: int, content_hash: str, near: NearUpdate) -> None:
        self.db.conn.executemany(
            "DELETE FROM lsh_buckets WHERE bucket = ? AND article_id = ?",
            [(key, article_id) for key in near.stale_buckets],
        )
        self.db.execute(
            "INSERT OR REPLACE INTO signatures (article_id, content_hash, minhash) VALUES (?, ?, ?)",
            [article_id, content_hash, near.minhash],
        )
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO lsh_buckets (bucket, article_id) VALUES (?, ?)",
            [(key, article_id) for key in near.buckets],
        )
        for source, crossposts in near.near:
            self._replace_near(source, crossposts)

    def _replace_near(self, source: str, crossposts: Sequence[CrossPost]) -> None:
        """The article's near-duplicate cross-posts become ``crossposts``, after its own chain."""
        found = self.db.execute("SELECT id FROM articles WHERE source = ?", [source]).fetchone()
        if found is None:
            return
        article_id = int(found[0])
        self.db.execute(
            "DELETE FROM crossposts WHERE article_id = ? AND method = ?",
            [article_id, str(CrossPostMethod.NEAR_DUPLICATE)],
        )
        last = self.db.execute(
            "SELECT COALESCE(MAX(position), -1) FROM crossposts WHERE article_id = ?", [article_id]
        ).fetchone()[0]
        new = rows.record_rows(crossposts, article_id)
        for offset, row in enumerate(new):
            row["position"] = last + 1 + offset
        self.db.table("crossposts").insert_all(new)

    def save_near(self, source: str, near: NearUpdate) -> None:
        """Bring a stored article's signature up to date (one transaction), with the records
        that changes; for articles stored without one (``audit``, an older database)."""
        with self._writing():
            row = self.db.execute(
                "SELECT id, content_hash FROM articles WHERE source = ?", [source]
            ).fetchone()
            if row is not None:
                self._save_near(int(row[0]), row[1], near)

    @mapped
    def stored_minhash(self, source: str) -> tuple[bool, bytes | None]:
        """Whether ``source`` is stored, and the signature stored for it (None: none yet, or
        its text too short to judge)."""
        row = self.db.execute(
            "SELECT signatures.minhash FROM articles LEFT JOIN signatures ON signatures.article_id = articles.id"
            " WHERE articles.source = ?",
            [source],
        ).fetchone()
        return (False, None) if row is None else (True, row[0])

    @mapped
    def fingerprints(self, buckets: Sequence[int], *, besides: str = "") -> list[Fingerprint]:
        """Every stored article sharing one of ``buckets``, but ``besides``, in source order."""
        if not buckets:
            return []
        marks = ", ".join("?" * len(buckets))
        found = self.db.execute(
            "SELECT source, title, published, outlet, outlet_domain, canonical_url, og_url, minhash"
            " FROM articles JOIN signatures ON signatures.article_id = articles.id WHERE articles.id IN"
            f" (SELECT DISTINCT article_id FROM lsh_buckets WHERE bucket IN ({marks}))"
            " AND source != ? AND minhash IS NOT NULL ORDER BY source",
            [*buckets, besides],
        ).fetchall()
        return [rows.fingerprint_from_row(r) for r in found]

    @mapped
    def stored_near(self, source: str) -> tuple[CrossPost, ...]:
        found = self.db.query(
            "SELECT crossposts.* FROM crossposts JOIN articles ON articles.id = crossposts.article_id"
            " WHERE articles.source = ? AND method = ? ORDER BY position",
            [source, str(CrossPostMethod.NEAR_DUPLICATE)],
        )
        return tuple(rows.record_from_row(CrossPost, r) for r in found)

    @mapped
    def unsigned(self, limit: int = 200) -> list[tuple[str, str]]:
        """(source, body text) of stored articles whose signature is missing or stale."""
        found = self.db.execute(
            "SELECT source, body_text FROM articles LEFT JOIN signatures ON signatures.article_id = articles.id"
            " WHERE signatures.article_id IS NULL OR signatures.content_hash != articles.content_hash"
            " ORDER BY articles.id LIMIT ?",
            [limit],
        ).fetchall()
        return [(str(r[0]), str(r[1])) for r in found]

    @mapped
    def article_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    @mapped
    def near_duplicate_count(self) -> int:
        """Articles recorded as a near-duplicate copy of another."""
        return int(
            self.db.execute(
                "SELECT COUNT(DISTINCT article_id) FROM crossposts WHERE method = ?",
                [str(CrossPostMethod.NEAR_DUPLICATE)],
            ).fetchone()[0]
        )

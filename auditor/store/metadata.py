"""``metadata.json`` beside the database, so ``datasette audit.db -m metadata.json`` reads well.

Titles and descriptions of every table, view and column a researcher opens first, units,
suggested facets, full-text search, and the three questions researchers ask first as canned
queries. The file is ours while its ``source`` says ``auditor``: we rewrite it then, so it
follows the schema; a user who edits it and changes ``source`` keeps their version.
"""

from __future__ import annotations

import json
import os
import secrets
from contextlib import suppress
from pathlib import Path
from typing import Any

from auditor.store import schema

SOURCE = "auditor"

_TABLES: dict[str, dict[str, Any]] = {
    "articles": {
        "description": "One row per audited article (re-auditing a source replaces its row, keeping its id).",
        "label_column": "title",
        "facets": ["outlet", "format", "language"],
        "sort_desc": "audited_at",
        "columns": {
            "source": "The file (absolute path) or URL the article was read from.",
            "outlet": "The outlet that published this copy.",
            "published": "Publication date of this copy (YYYY-MM-DD).",
            "body_text": "The article's own text (body region only), searchable.",
            "report": "Its HTML report, relative to this database's folder.",
            "content_hash": "Hash of the decoded text: a batch skips an unchanged file.",
        },
    },
    "links": {
        "description": "Every link of every article, in page order, with the page region it sits in.",
        "label_column": "url",
        "facets": ["status", "region", "kind", "category", "domain"],
        "columns": {
            "url": "The link resolved and normalised.",
            "href": "The link as the page wrote it.",
            "region": "Where on the page: body (the author's), byline, nav, footer, share, related...",
            "kind": "web, placeholder (#, javascript:), fragment, mailto, tel, relative, malformed.",
            "category": "The linked domain's category (self: the outlet's own site).",
            "status": "The newest real check of the URL (unchecked: never checked); non-web links: their kind.",
            "checked_at": "When that check was made (UTC).",
            "check_url": "The URL as checked (fragment and tracking parameters dropped): joins checks.url.",
        },
    },
    "checks": {
        "description": "One row per distinct URL and run: link rot over time.",
        "facets": ["status", "http_status"],
        "sort_desc": "checked_at",
        "units": {"elapsed_ms": "ms"},
        "columns": {
            "status": "ok, redirected, dead, soft-404, parked, blocked, errors, timeout, unchecked...",
            "reason": "Why, in words (the evidence for a soft-404 or a block).",
            "archive_url": "A Wayback Machine copy near the article's date, for a dead link.",
            "elapsed_ms": "Time the check took.",
            "requests": "HTTP requests it made, retries included.",
        },
    },
    "attributions": {
        "description": "Every source the article cites as saying, writing or reporting something.",
        "label_column": "source",
        "facets": ["kind", "outlet_category", "cue", "outlet"],
        "columns": {
            "source": "Who or what is cited, as the article names it.",
            "kind": "person, organisation, outlet, document, or anonymous: unnamed or generic"
            ' ("senior officials", "experts"), kept in the words used.',
            "role": "The title or description the article gives it.",
            "outlet": "Where it was said, as the article states it.",
            "outlet_category": "That outlet's category (state-media...).",
            "characterisation": 'How the article describes the outlet ("Kremlin-funded").',
            "evidence": "The sentence that cites it.",
            "url": "The link that backs it, if any.",
        },
    },
    "crossposts": {
        "description": "Each step of the chain from the original publication to the copy (position 0 is the original).",
        "facets": ["method", "original_outlet"],
        "columns": {
            "method": "How the step was found: declared, dateline, copyright, canonical, near-duplicate.",
            "evidence": "The lines that say so, one per line, each led by its method.",
            "similarity": "For a near-duplicate: share of the body text's word 5-shingles in common.",
        },
    },
    "quote_checks": {
        "description": "Each linked quote looked up at the page it links to (issue 16): does the source say it?",
        "facets": ["verdict", "archived"],
        "columns": {
            "attribution_id": "The source it is credited to (attributions.id), if any.",
            "verdict": "found, found-edited, not-found or unavailable.",
            "similarity": "Share of the quote's words found in order in the best passage (0 to 1).",
            "differences": "What the quote changed against the page, as a JSON list.",
            "passage": "The page's words that matched best.",
            "page_url": "Where the words were looked for: the link's final URL or its archived copy.",
            "reason": "Where on the page it was found, or why it could not be checked.",
        },
    },
    "domains": {
        "description": "What the domain tables say of each domain named by an article.",
        "label_column": "name",
        "facets": ["category", "state", "reliability"],
        "columns": {
            "state": "For state media: the state that funds or controls the outlet.",
            "reliability": "Wikipedia's perennial-sources status, as the list words it.",
            "reliability_as_of": "The date of that list.",
            "classified_by": "Where the classification comes from: a reference URL, a rule, a user table.",
        },
    },
    "runs": {
        "description": "Every audit, batch and check run with its options and outcome.",
        "facets": ["command", "status", "version"],
        "sort_desc": "started_at",
    },
    "failures": {"description": "Files a batch could not read or audit, with why."},
    "broken_links": {
        "description": "Every broken link (dead, soft-404, parked, errors, timeouts) with its article.",
        "facets": ["status", "domain", "region", "article_outlet"],
    },
    "state_media_citations": {
        "description": "Each citation of state media once: a source said in or backed by state media, or another link to it.",
        "facets": ["state", "domain", "cited_as"],
    },
    "articles_by_original_outlet": {"description": "Originals by how often they are re-posted, most first."},
    "domains_by_dead_share": {"description": "Domains by the share of their checked links that are broken."},
    "latest_checks": {
        "description": "The newest real check of each URL (unchecked only when never checked)."
    },
}

QUERIES: dict[str, dict[str, str]] = {
    "articles_citing_state_media": {
        "title": "Articles citing a state's state media",
        "description": "Every article citing the state media of :state (for example Russia), with what it cites.",
        "sql": """SELECT article_id, article_title, article_source,
  GROUP_CONCAT(DISTINCT cited) AS cited, COUNT(*) AS citations
FROM state_media_citations WHERE state = :state
GROUP BY article_id ORDER BY citations DESC, article_title""",
    },
    "broken_links_with_their_article": {
        "title": "All broken links with their article",
        "description": "Each broken link, its status and reason, and the article and report it is in.",
        "sql": """SELECT article_title, article_outlet, article_report, url, anchor_text, region, status,
  http_status, reason, archive_url, checked_at
FROM broken_links ORDER BY article_title, position""",
    },
    "most_reposted_outlets": {
        "title": "The outlets most often re-posted",
        "description": "Original outlets by how many audited articles re-post them.",
        "sql": """SELECT original_outlet, reposts, reposted_by, first_published
FROM articles_by_original_outlet WHERE reposts > 0 ORDER BY reposts DESC, original_outlet""",
    },
    "articles_resting_on_unnamed_sources": {
        "title": "Articles resting on unnamed sources",
        "description": "Articles by the share of their sources they do not name"
        ' ("senior officials", "experts"), the most first.',
        "sql": """SELECT articles.id AS article_id, articles.title, articles.outlet, articles.report,
  COUNT(*) AS sources, SUM(attributions.kind = 'anonymous') AS unnamed,
  ROUND(1.0 * SUM(attributions.kind = 'anonymous') / COUNT(*), 3) AS unnamed_share,
  GROUP_CONCAT(CASE WHEN attributions.kind = 'anonymous' THEN attributions.source END, '; ') AS unnamed_sources
FROM articles JOIN attributions ON attributions.article_id = articles.id
GROUP BY articles.id HAVING unnamed > 0 ORDER BY unnamed_share DESC, unnamed DESC, articles.title""",
    },
}


def metadata(name: str, version: str) -> dict[str, Any]:
    """Datasette metadata for the database ``name`` (its file name without ``.db``)."""
    tables = {table: dict(spec) for table, spec in _TABLES.items()}
    for table in schema.FTS:
        tables[table]["fts_table"] = f"{table}_fts"
        tables[table]["fts_pk"] = "id"
    return {
        "title": "Link-provenance audit",
        "description": (
            "Where articles come from and what they stand on: their links and whether they still work,"
            " the sources they cite, and the chains of re-posts back to the original."
        ),
        "source": SOURCE,
        "about": f"auditor {version}: the tables and views are described per table",
        "license": "Domain standings derived from Wikipedia's perennial sources list: CC BY-SA 3.0",
        "license_url": "https://creativecommons.org/licenses/by-sa/3.0/",
        "databases": {name: {"description": "Articles, links, checks, sources and cross-posts.",
                             "tables": tables, "queries": QUERIES}},
    }  # fmt: skip


def write_beside(db_path: str | Path, version: str) -> Path | None:
    """Write ``metadata.json`` in the database's folder unless a user's own is there.

    A convenience: a folder where it cannot be written never fails the audit.
    """
    db_path = Path(db_path)
    target = db_path.parent / "metadata.json"
    with suppress(OSError, ValueError):
        if target.exists() and json.loads(target.read_text(encoding="utf-8")).get("source") != SOURCE:
            return None  # the user's own
        text = json.dumps(metadata(db_path.stem, version), indent=2, ensure_ascii=False) + "\n"
        if target.exists() and target.read_text(encoding="utf-8") == text:
            return target
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return target
    return None

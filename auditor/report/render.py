"""HTML reports: one self-contained file per article, and the corpus index.

Everything the hostile page supplied is escaped by Jinja2's autoescape; links are live only
when ``slug.safe_href`` allows them. Our one inline script is pinned by its SHA-256 in the
Content-Security-Policy, so even a payload that slipped past escaping could not run: the
browser executes no inline script or event handler but ours. Files are written to a
temporary name and renamed, so a reader never sees half a report.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from auditor import __version__
from auditor.models import Audit
from auditor.report import chain, corpus, runinfo, sentence, standing, views
from auditor.report.quotes import quote_rows, quotes_label
from auditor.report.slug import slug_for

__all__ = ["render_article", "render_index", "slug_for", "write_index", "write_report"]


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("auditor", "report/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    script = env.get_template("report.js.j2").render()
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    env.globals["script"] = Markup(script)  # our own static code
    env.globals["csp"] = (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    env.globals["group_labels"] = views.GROUP_LABELS
    env.globals["groups"] = views.GROUPS
    env.globals["group_help"] = views.GROUP_HELP
    env.globals["state_media_help"] = views.STATE_MEDIA_HELP
    env.filters["pct"] = _pct
    return env


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def _generated() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def render_article(audit: Audit) -> str:
    """The whole report of one article as a string of HTML."""
    rows = views.link_rows(audit)
    statuses = sorted({r.status for r in rows})
    shown = sorted(rows, key=lambda r: (r.region != "body", r.position))  # the author's links first
    verdict = views.verdict(audit, rows)
    found = standing.standings(audit.article)
    meta = audit.article.metadata
    return (
        _env()
        .get_template("article.html.j2")
        .render(
            article=audit.article,
            meta=meta,
            source=runinfo.display_source(audit.article.source, audit.run),
            verdict=verdict,
            sentence=sentence.verdict_sentence(audit, verdict),
            mode_label=runinfo.mode_label(verdict, audit.run),
            outlet_standing=found.get(meta.outlet_domain or ""),
            standings=standing.notable(
                found, [meta.outlet_domain or ""], standing.cited_domains(audit.article)
            ),
            chain=chain.chain_nodes(audit),
            timeline=chain.timeline(audit),
            sources=views.source_rows(audit),
            quotes=quote_rows(audit),
            quotes_label=quotes_label(
                verdict.quotes, offline=verdict.quotes_offline, as_of=verdict.quotes_as_of
            ),
            unnamed=views.source_rows(audit, unnamed=True),
            links=shown,
            statuses=statuses,
            regions=sorted({r.region for r in rows}),
            bars=views.domain_bars(rows),
            footer=runinfo.footer(audit.run, __version__),
            generated=_generated(),
        )
    )


def render_index(audits: Sequence[Audit], failures: Sequence[tuple[str, str]]) -> str:
    """The corpus overview: every article's verdict, domain tallies, network, failures."""
    pairs = corpus.article_rows(audits)
    all_rows = [r for _, rows in pairs for r in rows]
    articles = [a for a, _ in pairs]
    return (
        _env()
        .get_template("index.html.j2")
        .render(
            articles=articles,
            check_label=corpus.check_label(articles),
            top_domains=corpus.top_domains(all_rows),
            categories=corpus.top_categories(all_rows),
            dead_domains=corpus.dead_domains(all_rows),
            network=corpus.network(audits),
            failures=corpus.failure_sources(failures, audits),
            total_links=len(all_rows),
            generated=_generated(),
            version=__version__,
        )
    )


def _write_atomically(path: Path, text: str) -> Path:
    """Write to a fresh temporary name beside ``path``, then rename over it.

    Opened with mode 0666 so the umask decides, as for any file a program writes (0644
    usually): ``mkstemp``'s 0600 left reports unreadable to the web server or colleague
    they were written for. ``O_EXCL`` and a random name keep the temporary file our own.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_report(audit: Audit, out_dir: Path) -> Path:
    """Write ``out_dir/<slug>.html`` and return its path."""
    return _write_atomically(Path(out_dir) / f"{slug_for(audit.article.source)}.html", render_article(audit))


def write_index(audits: Sequence[Audit], failures: Sequence[tuple[str, str]], out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` and return its path."""
    return _write_atomically(Path(out_dir) / "index.html", render_index(audits, failures))

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
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from auditor import __version__
from auditor.models import Audit
from auditor.report import chain, corpus, runinfo, sentence, standing, views
from auditor.report.quotes import quote_rows, quotes_label
from auditor.report.slug import slug_for

if TYPE_CHECKING:
    from auditor.store import Store

__all__ = ["render_article", "render_index", "slug_for", "write_corpus_index", "write_index", "write_report"]
PAGE = 1000  # articles per page of the index: index.html, then index-2.html, ...


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
    """The corpus overview on one page: every article's verdict, domain tallies, network, failures."""
    tally = corpus.Tally()
    rows = [tally.add(a) for a in audits]
    return render_index_page(tally, rows, failures, page=1, pages=1)


def render_index_page(
    tally: corpus.Tally, rows: Sequence[corpus.ArticleRow], failures: Sequence[tuple[str, str]], *,
    page: int, pages: int, total: int | None = None, per_page: int = PAGE,
) -> str:  # fmt: skip
    """One page of the index: the corpus figures on the first, ``rows`` on each.

    ``total``: the corpus's article count, for the title and pager of a page written before
    the tally has seen every article (pages after the first are written as they fill)."""
    return (
        _env()
        .get_template("index.html.j2")
        .render(
            articles=rows,
            total=tally.totals.articles if total is None else total,
            totals=tally.totals,
            check_label=tally.totals.check_label(),
            top_domains=tally.top_domains(),
            categories=tally.top_categories(),
            dead_domains=tally.dead_domains(),
            network=corpus.layout(tally.edges),
            failures=corpus.failures_named(failures, tally.run),
            page=page,
            articles_per_page=per_page,
            pages=[(n, page_name(n)) for n in range(1, pages + 1)] if pages > 1 else [],
            generated=_generated(),
            version=__version__,
        )
    )


def page_name(n: int) -> str:
    return "index.html" if n == 1 else f"index-{n}.html"


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


def write_corpus_index(
    store: Store,
    out_dir: Path,
    *,
    each: Iterable[Audit] | None = None,
    on_row: Callable[[Audit, corpus.ArticleRow], None] | None = None,
    page: int = PAGE,
) -> Path:
    """Write the index of every stored article: ``index.html`` and a page per ``page`` more.

    Articles stream from the store a page at a time and leave only their tallies behind, so
    memory stays flat in corpus size. Pages after the first are written as they fill (the
    totals they show are the first page's business); the first, with the corpus figures,
    last. ``each`` replaces the store's stream (a caller that also writes every report);
    ``on_row`` hears of each article with its row (a batch counts what --fail-on looks for).
    """
    out = Path(out_dir)
    count = store.article_count()
    pages = max(1, -(-count // page))
    tally, first, current, number = corpus.Tally(), [], [], 1
    for audit in store.iter_audits() if each is None else each:
        row = tally.add(audit)
        current.append(row)
        if on_row is not None:
            on_row(audit, row)
        if len(current) == page:
            if number == 1:
                first = current
            else:
                _write_atomically(
                    out / page_name(number),
                    render_index_page(
                        tally, current, [], page=number, pages=pages, total=count, per_page=page
                    ),
                )
            current, number = [], number + 1
    if number == 1:
        first = current
    elif current:
        _write_atomically(
            out / page_name(number),
            render_index_page(tally, current, [], page=number, pages=pages, total=count, per_page=page),
        )
    for stale in range(max(number, pages) + 1, _last_page(out) + 1):
        (out / page_name(stale)).unlink(missing_ok=True)  # a smaller corpus than last time
    return _write_atomically(
        out / "index.html",
        render_index_page(tally, first, store.failures(), page=1, pages=pages, per_page=page),
    )


def _last_page(out: Path) -> int:
    numbers = [int(p.stem.split("-")[1]) for p in out.glob("index-*.html") if p.stem.split("-")[1].isdigit()]
    return max(numbers, default=1)

"""One article's unit of work, the same on every engine: a path in, a record or a reason out.

Kept free of pools, stores and reports so a parsing process or a Dask worker imports only
what extraction needs.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from auditor.budget import check_links, within
from auditor.errors import AuditorError
from auditor.load import load_path
from auditor.models import Article, Budget, RawArticle

if TYPE_CHECKING:
    from auditor.classify.domains import DomainTable


def extract_file(
    path: str, max_bytes: int, domains_file: str | None, budget: Budget | None = None
) -> Article | str:
    """One article's unit of work: a record, or the one-line reason it failed (never raises).

    Within ``budget`` (CPU time and memory): an article over it is a failure named as such,
    and a worker stuck past it in C code is ended (see :mod:`auditor.budget`).
    """
    from auditor.pipeline import extract_raw

    try:
        table = _table(domains_file)
        raw = load_path(path, max_bytes=max_bytes)
        with within(budget, path, worker=True):
            return check_links(extract_raw(raw, table=table), budget)
    except AuditorError as exc:
        return one_line(path, str(exc))
    except Exception as exc:  # a parser bug on one hostile file must not sink the batch
        return one_line(path, f"cannot extract ({type(exc).__name__}: {exc})")


Signed = tuple[Article, bytes | None]  # an article and its body text's MinHash (None: too short)


def extract_signed(
    item: str | RawArticle, max_bytes: int, domains_file: str | None, budget: Budget | None = None
) -> Signed | str:
    """The unit of work on a Dask worker: a path it can read (or an article the client read
    and shipped), extracted and signed for near-duplicates there, or the reason it failed.

    The worker's process also runs its event loop and a check session, so the article's
    budget is the watchdog on this thread's CPU time alone (``shared`` in :mod:`auditor.budget`).
    """
    from auditor.batch.neardup import signature
    from auditor.pipeline import extract_raw

    source = item if isinstance(item, str) else item.source
    try:
        table = _table(domains_file)
        raw = load_path(item, max_bytes=max_bytes) if isinstance(item, str) else item
        with within(budget, source, shared=True):
            article = check_links(extract_raw(raw, table=table), budget)
            return article, signature(article.text)
    except AuditorError as exc:
        return one_line(source, str(exc))
    except Exception as exc:  # a parser bug on one hostile file must not sink the batch
        return one_line(source, f"cannot extract ({type(exc).__name__}: {exc})")


@cache
def _table(domains_file: str | None) -> DomainTable:
    from auditor.classify.domains import DomainTable, default_table

    return DomainTable.load(domains_file) if domains_file else default_table()


def one_line(path: str, reason: str) -> str:
    """``path: reason`` on one line of at most 300 characters, whatever the reason held."""
    reason = re.sub(r"\s+", " ", reason).strip()
    if not reason.startswith(path):
        reason = f"{path}: {reason}"
    return reason if len(reason) <= 300 else reason[:299] + "…"

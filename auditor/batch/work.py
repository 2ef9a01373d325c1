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
from auditor.models import Article, Budget

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

"""``auditor batch``: a folder of articles, resumable, each distinct URL checked once.

- :mod:`~auditor.batch.options`: what a batch is asked, what it did, what it reports;
- :mod:`~auditor.batch.discovery`: which files of a folder are articles (``check`` uses it too);
- :mod:`~auditor.batch.work`: one article's unit of work, the same on every engine;
- :mod:`~auditor.batch.runner`: the to-do list, resume, the engine choice (in one place), the final pass;
- :mod:`~auditor.batch.local`: the default engine (a process pool, one check session);
- :mod:`~auditor.batch.pool`: the local engine's parsing processes;
- :mod:`~auditor.batch.cluster`: the Dask engine's client side (``--engine dask``, an optional extra);
- :mod:`~auditor.batch.daskworker`: what its workers run (extraction chunks, per-host check partitions);
- :mod:`~auditor.batch.sink`: the one writer of the database, the reports and ``--jsonl``;
- :mod:`~auditor.batch.neardup`: copies nobody declared (MinHash LSH).

Names are imported on first use: a worker that needs only ``work`` loads no store or pool,
and ``check``, which walks folders with ``discovery``, loads none of the batch's imports.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.batch.options import BatchOptions, BatchStats, Event, Progress
    from auditor.batch.pool import ParsePool
    from auditor.batch.runner import run_batch
    from auditor.batch.work import extract_file

__all__ = ["BatchOptions", "BatchStats", "Event", "ParsePool", "Progress", "extract_file", "run_batch"]

_HOME = {
    "BatchOptions": "options", "BatchStats": "options", "Event": "options", "Progress": "options",
    "ParsePool": "pool", "run_batch": "runner", "extract_file": "work",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(f"auditor.batch.{_HOME[name]}"), name)
    raise AttributeError(f"module 'auditor.batch' has no attribute {name!r}")

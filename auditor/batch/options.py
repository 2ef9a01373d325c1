"""What a batch is asked to do, what it did, and what it tells its progress display.

Its own module so every engine, the CLI and the terminal share these records without
importing a process pool or Dask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from auditor.load import DEFAULT_MAX_BYTES
from auditor.models import Budget, CheckOptions

ENGINES = ("local", "dask")
# Results a check session (or the Dask client) keeps in memory, about 2 MB: the batch asks for
# each URL once, and older results are recalled from this run's rows, so memory stays flat.
RECENT = 4_096


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchOptions:
    folder: Path
    out_dir: Path = Path("reports")
    db_path: Path = Path("reports/audit.db")
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    force: bool = False
    jsonl: Path | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    budget: Budget = field(default_factory=Budget)  # what one article may cost a parsing worker
    chunk: int = 32  # articles parsed ahead while the previous chunk's URLs are checked
    workers: int = 2  # parsing processes (local), or worker processes of a LocalCluster (dask)
    check: CheckOptions = field(default_factory=CheckOptions)
    engine: str = "local"  # "local": this machine's process pool; "dask": a Dask cluster
    scheduler: str | None = None  # dask: a running scheduler's address; None starts a LocalCluster
    ship_files: bool = False  # dask: the client reads each file and sends it (no shared path)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"not an engine: {self.engine!r} (one of {', '.join(ENGINES)})")


@dataclass(slots=True)
class BatchStats:
    found: int = 0  # supported files discovered
    todo: int = 0  # of those, not yet stored with this content
    skipped: int = 0
    audited: int = 0
    failed: int = 0
    links: int = 0
    urls_checked: int = 0  # distinct URLs resolved this run (from the network or the cache)
    near_duplicates: int = 0
    # What --fail-on looks for, over every article of the folder (skipped ones too: an
    # unchanged article still has its broken links), counted as the summary and report count.
    broken: int = 0
    placeholders: int = 0
    state_media: int = 0


class Event(StrEnum):
    START = "start"  # the to-do list is known (stats.todo)
    ARTICLE = "article"  # one article committed; detail: its source
    FAILED = "failed"  # one article failed; detail: "source: reason"
    URL = "url"  # one distinct URL resolved
    PHASE = "phase"  # detail: what the batch does now
    DONE = "done"  # always last; detail "" when finished, else "interrupted" or "failed"


class Progress(Protocol):
    def __call__(self, stats: BatchStats, event: Event, detail: str = "") -> None: ...

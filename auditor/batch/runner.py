"""``auditor batch``: thousands of articles overnight, resumable, each distinct URL checked once.

The unit of work is one article (:func:`~auditor.batch.work.extract_file`, a plain function
over a path) and one URL check (the checker). An engine decides where that work runs (this
machine's process pool, see :mod:`auditor.batch.local`); whichever it is, records come back
to this process, the one writer of the database and the reports (:mod:`auditor.batch.sink`).

Each distinct URL is requested once per batch: the check session shares in-flight and
recent results, and the store's cache answers for URLs checked by an earlier, interrupted
run. Per-host limits hold across the whole batch at every instant.

Resume: an article's report and ``--jsonl`` line are written first, then its rows are
committed in one transaction. A rerun skips every article whose content hash is stored, so
an interruption at any moment (Ctrl-C, SIGKILL, power loss) loses at most the chunk in
flight, never duplicates a row, and may at worst repeat one ``--jsonl`` line (at least
once, never lost). Ctrl-C cancels the chunk in flight (none of its articles is committed),
stops the workers and re-raises ``KeyboardInterrupt`` for the CLI.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING

from auditor import __version__
from auditor.batch.discovery import chosen, discover
from auditor.batch.options import BatchOptions, BatchStats, Event, Progress
from auditor.batch.sink import Sink
from auditor.errors import AuditorError
from auditor.load import content_hash, load_path
from auditor.outputs import check_file_target, prepare_dir
from auditor.store import Store

if TYPE_CHECKING:
    from auditor.batch.cluster import DaskEngine
    from auditor.models import Audit
    from auditor.report.corpus import ArticleRow


class Todo:
    """The files to audit, spooled to a temporary file as they are found (NUL-separated
    paths): however large the archive, the batch holds a count, not a list."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115  # closed by the batch, which owns it
        self.count = 0

    def add(self, path: Path) -> None:
        self.file.write(os.fsencode(path) + b"\0")
        self.count += 1

    def __iter__(self) -> Iterator[Path]:
        self.file.flush()
        self.file.seek(0)
        tail = b""
        while block := self.file.read(1 << 16):
            *names, tail = (tail + block).split(b"\0")
            yield from (Path(os.fsdecode(n)) for n in names)

    def close(self) -> None:
        self.file.close()


def _pending(files: Iterable[Path], store: Store, opts: BatchOptions, stats: BatchStats, run_id: int) -> Todo:
    """Files whose current content is not yet stored (all of them with --force)."""
    todo = Todo()
    inside = opts.folder.resolve()
    for path in files:
        stats.found += 1
        if path.is_symlink() and not path.resolve().is_relative_to(inside):
            # An article folder is untrusted too: a link to /etc/passwd is not an article.
            store.record_failure(
                str(path), f"{path}: a symbolic link leading outside {opts.folder}; not followed", run_id
            )
            stats.failed += 1
            continue
        if not opts.force:
            try:
                raw = load_path(path, max_bytes=opts.max_bytes)
            except AuditorError:
                todo.add(path)  # the worker records the failure
                continue
            if store.article_done(str(path), content_hash(raw.text)):
                stats.skipped += 1
                continue
        todo.add(path)
    return todo


def _finish(store: Store, opts: BatchOptions, stats: BatchStats, progress: Progress, sink: Sink) -> None:
    """Sign what was stored unsigned, then write the index; both stream from the database.

    Near-duplicates were found as articles were committed; only articles stored by
    ``auditor audit`` or an older version need a signature now (their copies' reports are
    rewritten). The index is written a page of articles at a time.
    """
    from auditor.batch.neardup import NearDuplicates
    from auditor.report.render import write_corpus_index

    progress(stats, Event.PHASE, "finding near-duplicate copies")
    NearDuplicates(store).backfill(on_changed=sink.rewrite_report)
    stats.near_duplicates = store.near_duplicate_count()
    progress(stats, Event.PHASE, "writing the index")
    write_corpus_index(
        store, opts.out_dir, on_row=lambda audit, row: _count_problems(audit, row, opts, stats)
    )


def _count_problems(audit: Audit, row: ArticleRow, opts: BatchOptions, stats: BatchStats) -> None:
    """What --fail-on looks for, over this folder's articles (unchanged ones too), as the
    summary counts it; an article stored from elsewhere in the database is not counted."""
    source = Path(audit.article.source)
    if chosen(opts.folder, source, opts.include, opts.exclude, skip=opts.out_dir):
        stats.broken += row.verdict.counts["broken"]
        stats.placeholders += row.verdict.counts["placeholder"]
        stats.state_media += len(row.verdict.state_media)


def _audit_files(todo: Iterable[Path], opts: BatchOptions, sink: Sink) -> None:
    """The engine choice, in one place: this machine's process pool, or a Dask cluster
    (an optional extra: imported only when asked for)."""
    try:
        if opts.engine == "dask":
            _dask_engine()(opts, sink).run(todo)
        else:
            from auditor.batch.local import LocalEngine

            LocalEngine(opts, sink).run(todo)
    finally:
        sink.close()


def _dask_engine() -> type[DaskEngine]:
    try:
        from auditor.batch.cluster import DaskEngine
    except ImportError as exc:
        raise AuditorError(
            f"--engine dask needs Dask distributed ({exc.name or exc}): pip install 'auditor[dask]'"
        ) from exc
    return DaskEngine


def run_batch(opts: BatchOptions, progress: Progress) -> BatchStats:
    """Audit every supported file under the folder; returns what was done.

    Raises ``KeyboardInterrupt`` (after a clean stop) when interrupted, ``AuditorError`` on
    bad input; a file that cannot be read or parsed is a recorded failure, not an error.
    """
    opts = replace(opts, folder=Path(os.path.abspath(opts.folder)))
    if opts.engine == "dask" and opts.check.record:
        raise AuditorError("--record needs one process: it cannot be used with --engine dask")
    prepare_dir(opts.out_dir)
    if opts.jsonl is not None:
        check_file_target(opts.jsonl, "--jsonl")
    found = discover(opts.folder, opts.include, opts.exclude, skip=opts.out_dir)
    first = next(found, None)
    if first is None:
        raise AuditorError(f"{opts.folder}: no .html, .htm, .md or .txt files found")
    store = Store.open(opts.db_path)
    stats = BatchStats()
    ending = ""
    run_id: int | None = None
    try:
        # One batch per database at a time: a second one would redo every article and hit
        # every host twice. The lock is the run's, released when the run ends.
        run_id = store.start_run("batch", _options_json(opts), __version__, lock="batch")
        todo = _pending(itertools.chain([first], found), store, opts, stats, run_id)
        stats.todo = todo.count
        progress(stats, Event.START)
        sink = Sink(opts, store, run_id, stats, progress)
        try:
            if todo.count:
                _audit_files(todo, opts, sink)
        finally:
            todo.close()
        _finish(store, opts, stats, progress, sink)
        store.finish_run(run_id, asdict(stats))
    except BaseException as exc:
        ending = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        if run_id is not None:
            _end_run(store, run_id, stats, ending)
        raise
    finally:
        progress(stats, Event.DONE, ending)
        store.close()
    return stats


def _end_run(store: Store, run_id: int, stats: BatchStats, ending: str) -> None:
    """Mark the run interrupted or failed; a database that fails now keeps it ``running``
    (the next batch marks it interrupted when it takes the lock over)."""
    with suppress(AuditorError):
        store.finish_run(run_id, asdict(stats), ending)


def _options_json(opts: BatchOptions) -> dict[str, object]:
    data = asdict(opts)
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]

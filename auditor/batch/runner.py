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

import json
import os
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import asdict, replace
from pathlib import Path

from auditor import __version__
from auditor.batch.options import BatchOptions, BatchStats, Event, Progress
from auditor.batch.sink import Sink
from auditor.discover import discover
from auditor.errors import AuditorError
from auditor.load import content_hash, load_path
from auditor.models import Audit, CrossPostMethod
from auditor.outputs import check_file_target, prepare_dir
from auditor.store import Store


def _pending(
    files: Sequence[Path], store: Store, opts: BatchOptions, stats: BatchStats, run_id: int
) -> list[Path]:
    """Files whose current content is not yet stored (all of them with --force)."""
    todo = []
    inside = opts.folder.resolve()
    for path in files:
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
                todo.append(path)  # the worker records the failure
                continue
            if store.article_done(str(path), content_hash(raw.text)):
                stats.skipped += 1
                continue
        todo.append(path)
    return todo


def _count_problems(audits: list[Audit], sources: set[str], stats: BatchStats) -> None:
    """What --fail-on looks for, over this folder's articles, as the summary counts it."""
    from auditor.report import views

    for audit in audits:
        if audit.article.source in sources:
            verdict = views.verdict(audit, views.link_rows(audit))
            stats.broken += verdict.counts["broken"]
            stats.placeholders += verdict.counts["placeholder"]
            stats.state_media += len(verdict.state_media)


def _finish(store: Store, run_id: int, opts: BatchOptions, stats: BatchStats, progress: Progress,
            sources: set[str]) -> None:  # fmt: skip
    """Near-duplicates across the whole database, then the reports they change and the index.

    One full load serves both (the index needs every article anyway); near-duplicate
    detection itself only sees light :class:`~auditor.batch.neardup.Candidate` rows. datasketch
    (and numpy with it, ~55 MB) is imported here only: parsing workers and `check` never need it.
    """
    from auditor.batch.neardup import candidate, near_duplicates
    from auditor.report.render import write_index, write_report

    progress(stats, Event.PHASE, "finding near-duplicate copies")
    audits = store.audits()
    changed = near_duplicates(candidate(a.article) for a in audits)
    for i, audit in enumerate(audits):
        near = changed.get(audit.article.source)
        if near is None:
            continue
        kept = tuple(c for c in audit.article.crossposts if c.method is not CrossPostMethod.NEAR_DUPLICATE)
        audits[i] = audit = replace(audit, article=replace(audit.article, crossposts=kept + near))
        write_report(audit, opts.out_dir)
        store.save_audit(replace(audit, checks=()), run_id)
    stats.near_duplicates = sum(1 for a in audits if _has_near_duplicate(a))
    _count_problems(audits, sources, stats)
    progress(stats, Event.PHASE, "writing the index")
    write_index(audits, store.failures(), opts.out_dir)


def _has_near_duplicate(audit: Audit) -> bool:
    return any(c.method is CrossPostMethod.NEAR_DUPLICATE for c in audit.article.crossposts)


def _audit_files(todo: list[Path], opts: BatchOptions, sink: Sink) -> None:
    """The engine choice, in one place."""
    from auditor.batch.local import LocalEngine

    try:
        LocalEngine(opts, sink).run(todo)
    finally:
        sink.close()


def run_batch(opts: BatchOptions, progress: Progress) -> BatchStats:
    """Audit every supported file under the folder; returns what was done.

    Raises ``KeyboardInterrupt`` (after a clean stop) when interrupted, ``AuditorError`` on
    bad input; a file that cannot be read or parsed is a recorded failure, not an error.
    """
    opts = replace(opts, folder=Path(os.path.abspath(opts.folder)))
    prepare_dir(opts.out_dir)
    if opts.jsonl is not None:
        check_file_target(opts.jsonl, "--jsonl")
    files = list(discover(opts.folder, opts.include, opts.exclude, skip=opts.out_dir))
    if not files:
        raise AuditorError(f"{opts.folder}: no .html, .htm, .md or .txt files found")
    store = Store.open(opts.db_path)
    stats = BatchStats(found=len(files))
    ending = ""
    run_id: int | None = None
    try:
        # One batch per database at a time: a second one would redo every article and hit
        # every host twice. The lock is the run's, released when the run ends.
        run_id = store.start_run("batch", _options_json(opts), __version__, lock="batch")
        todo = _pending(files, store, opts, stats, run_id)
        stats.todo = len(todo)
        progress(stats, Event.START)
        if todo:
            _audit_files(todo, opts, Sink(opts, store, run_id, stats, progress))
        _finish(store, run_id, opts, stats, progress, {str(p) for p in files})
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

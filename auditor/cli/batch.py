"""``auditor batch``: a folder of articles overnight."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from auditor.cli.app import command
from auditor.cli.options import (
    AllowLinkLocal,
    AllowPrivate,
    ArticleLinks,
    ArticleMb,
    ArticleSeconds,
    Concurrency,
    Db,
    Domains,
    FailOn,
    MaxBytes,
    MaxWait,
    NoArchive,
    NoProbe,
    NoQuotes,
    Offline,
    Out,
    PerHost,
    Quiet,
    QuoteMaxBytes,
    Recheck,
    Record,
    Replay,
    Timeout,
    Verbose,
    check_options,
    fail_on_values,
    interruptible,
    verbosity,
)
from auditor.errors import AuditorError
from auditor.load import DEFAULT_MAX_BYTES
from auditor.models import Budget


@command()
def batch(
    folder: Annotated[
        Path, typer.Argument(help="A folder of articles, searched recursively.", readable=False)
    ],
    out: Out = Path("reports"),
    db: Db = Path("reports/audit.db"),
    include: Annotated[
        list[str] | None, typer.Option("--include", metavar="GLOB", help="Only files matching this glob.")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", metavar="GLOB", help="Skip files matching this glob.")
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume/--force", help="Skip articles already stored unchanged (default) or redo all."
        ),
    ] = True,
    jsonl: Annotated[
        Path | None,
        typer.Option(
            "--jsonl", metavar="FILE", help="Also append one JSON object per article.", readable=False
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, help="Parsing processes (with --engine dask: LocalCluster workers)."
        ),
    ] = 2,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="local: this machine's processes; dask: a Dask cluster (pip install 'auditor[dask]').",
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="With --engine dask: a running scheduler (tcp://host:8786); default: a LocalCluster.",
        ),
    ] = None,
    ship_files: Annotated[
        bool,
        typer.Option(
            "--ship-files", help="With --engine dask: send files to the workers (no shared folder)."
        ),
    ] = False,
    fail_on: FailOn = None,
    offline: Offline = False,
    replay: Replay = None,
    record: Record = None,
    timeout: Timeout = 10.0,
    concurrency: Concurrency = 64,
    per_host: PerHost = 4,
    max_wait: MaxWait = 600.0,
    allow_private: AllowPrivate = False,
    allow_link_local: AllowLinkLocal = False,
    no_archive: NoArchive = False,
    no_probe: NoProbe = False,
    no_quotes: NoQuotes = False,
    quote_max_bytes: QuoteMaxBytes = 2 * 1024 * 1024,
    domains: Domains = None,
    recheck: Recheck = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    article_seconds: ArticleSeconds = 20.0,
    article_mb: ArticleMb = 512,
    article_links: ArticleLinks = 50_000,
    no_progress: Annotated[
        bool, typer.Option("--no-progress", help="No progress bar or progress lines (for logs and CI).")
    ] = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Audit every article in a folder: resumable, each distinct URL checked once, an index at the end.

    Files left out (other formats, hidden files, the reports folder, --include/--exclude) are
    listed with why. Exits 1 when an article failed or --fail-on finds what it names (over
    every article of the folder, unchanged ones included), 75 when the network looks
    unreachable (the batch stops; rerun to resume).
    """
    from auditor.batch import BatchOptions, run_batch
    from auditor.batch.discovery import skipped
    from auditor.batch.options import ENGINES
    from auditor.cli.terminal import URL_WORDS, BatchProgress
    from auditor.errors import EXIT_NETWORK, NetworkUnreachable

    if engine not in ENGINES:
        raise AuditorError(f"--engine {engine!r} is not one of {', '.join(ENGINES)}")
    if engine != "dask" and (scheduler or ship_files):
        raise AuditorError("--scheduler and --ship-files need --engine dask")
    level = verbosity(quiet, verbose)

    wanted = fail_on_values(fail_on)
    options = check_options(
        timeout=timeout, concurrency=concurrency, per_host=per_host, max_wait=max_wait,
        allow_private=allow_private, allow_link_local=allow_link_local, no_archive=no_archive,
        domains=domains, recheck=recheck, offline=offline, replay=replay, record=record, no_probe=no_probe,
        no_quotes=no_quotes, quote_max_bytes=quote_max_bytes,
    )  # fmt: skip
    opts = BatchOptions(
        folder=folder, out_dir=out, db_path=db, include=tuple(include or ()), exclude=tuple(exclude or ()),
        force=not resume, jsonl=jsonl, workers=workers, check=options, max_bytes=max_bytes,
        budget=Budget(seconds=article_seconds, memory_mb=article_mb, links=article_links),
        engine=engine, scheduler=scheduler, ship_files=ship_files,
    )  # fmt: skip

    def left_out() -> list[tuple[str, str]]:  # listed once the batch has started, not if refused
        return [(str(p.relative_to(folder) if p.is_relative_to(folder) else p), why)
                for p, why in skipped(folder, opts.include, opts.exclude, skip=out)]  # fmt: skip

    progress = BatchProgress(progress=not no_progress, level=level, left_out=left_out, mode=options.mode)
    try:
        with interruptible():  # the progress display says how far it got and how to resume
            stats = run_batch(opts, progress)
    except NetworkUnreachable as exc:
        print(
            f"auditor: the network looks unreachable: {exc}; the batch stopped, and the articles not"
            " yet audited are left for a rerun (nothing cached). Check the connection and rerun the same"
            " command, or use --offline to audit without it",
            file=sys.stderr,
        )
        raise typer.Exit(EXIT_NETWORK) from None
    if level >= 0:
        print(
            f"\n{stats.audited} audited, {stats.skipped} unchanged and skipped, {stats.failed} failed;"
            f" {stats.urls_checked} distinct URLs {URL_WORDS[options.mode]};"
            f" {stats.near_duplicates} near-duplicate copies."
            f"\nindex: {out / 'index.html'}  database: {db}"
        )
    found = [
        f"{n} {phrase}"
        for kind, n, phrase in (
            ("broken", stats.broken, "broken link(s)"),
            ("placeholder", stats.placeholders, "placeholder link(s)"),
            ("state-media", stats.state_media, "state-media source(s)"),
        )
        if kind in wanted and n
    ]
    if found:
        print(f"auditor: --fail-on: {', '.join(found)}", file=sys.stderr)
    if stats.failed or found:
        raise typer.Exit(1)

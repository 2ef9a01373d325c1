"""The command line: each command parses options, calls one plain function, sets the exit code.

Our failures are ``AuditorError``s, printed once here as one line on stderr with exit 2;
nothing below this module knows about the terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from auditor import __version__
from auditor.errors import AuditorError
from auditor.load import DEFAULT_MAX_BYTES
from auditor.models import Budget, CheckOptions
from auditor.outputs import check_file_target

app = typer.Typer(
    name="auditor",
    help="Audit where an article comes from and what it stands on: links, sources, cross-posts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


# Paths are declared readable=False: our loaders say in one line why a file cannot be read,
# where click's own check printed a usage box.
MaxBytes = Annotated[
    int, typer.Option("--max-bytes", min=1, help="Refuse articles larger than this many bytes.")
]
ArticleSeconds = Annotated[
    float,
    typer.Option(
        "--article-seconds", min=0, help="CPU seconds one article may take to extract (0: no limit)."
    ),
]
ArticleLinks = Annotated[
    int, typer.Option("--article-links", min=0, help="Links one article may have (0: no limit).")
]
ArticleMb = Annotated[
    int,
    typer.Option("--article-mb", min=0, help="Memory (MB) one article's extraction may add (0: no limit)."),
]


def _base_url(value: str | None) -> str | None:
    """--base-url must be an absolute http(s) URL: relative links resolve against it."""
    if value is None:
        return None
    from auditor.urls import BadURL, normalise

    try:
        return normalise(value)
    except BadURL as exc:
        raise typer.BadParameter(f"{value!r} is not an absolute http(s) URL ({exc})") from exc


def _version(value: bool) -> None:
    if value:
        typer.echo(f"auditor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Audit where an article comes from and what it stands on: links, sources, cross-posts."""


@app.command()
def extract(
    path: Annotated[
        Path, typer.Argument(help="An article file: HTML, Markdown or plain text.", readable=False)
    ],
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", callback=_base_url, help="The page's URL, to resolve relative links."),
    ] = None,
    domains: Annotated[
        Path | None,
        typer.Option("--domains", help="A CSV extending or overriding the domain table.", readable=False),
    ] = None,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    article_seconds: ArticleSeconds = 20.0,
    article_mb: ArticleMb = 512,
    article_links: ArticleLinks = 50_000,
    pretty: Annotated[bool, typer.Option("--pretty/--compact", help="Indent the JSON.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (the default output).")] = True,
) -> None:
    """Parse and extract one article (no network) and print its JSON object."""
    from auditor.classify.domains import DomainTable
    from auditor.jsonout import article_json
    from auditor.pipeline import extract_path

    if domains is not None:
        _regular_file(domains, "domain table")
    table = DomainTable.load(domains) if domains else None
    budget = Budget(seconds=article_seconds, memory_mb=article_mb, links=article_links)
    article = extract_path(path, base_url=base_url, table=table, max_bytes=max_bytes, budget=budget)
    typer.echo(json.dumps(article_json(article), ensure_ascii=False, indent=2 if pretty else None))


# ----------------------------------------------------------------------------- checker options
# Declared once and shared by `check`, `audit` and `batch`.
Timeout = Annotated[float, typer.Option("--timeout", min=0.1, max=600, help="Seconds per request.")]
Concurrency = Annotated[int, typer.Option("--concurrency", min=1, help="Requests in flight at once.")]
PerHost = Annotated[int, typer.Option("--per-host", min=1, help="Requests in flight per host name.")]
MaxWait = Annotated[
    float,
    typer.Option("--max-wait", min=1, help="Seconds a link may queue for its host; then it is unchecked."),
]
AllowPrivate = Annotated[
    bool, typer.Option("--allow-private", help="Also fetch loopback and private-network addresses.")
]
AllowLinkLocal = Annotated[
    bool,
    typer.Option(
        "--allow-link-local",
        help="Also fetch link-local addresses (169.254.0.0/16, fe80::/10: metadata services).",
    ),
]
NoArchive = Annotated[bool, typer.Option("--no-archive", help="Do not look up Wayback copies of dead links.")]
Domains = Annotated[
    Path | None, typer.Option("--domains", help="A CSV extending the domain table.", readable=False)
]
Recheck = Annotated[bool, typer.Option("--recheck", help="Ignore cached check results.")]
Offline = Annotated[bool, typer.Option("--offline", help="No network at all: links stay unchecked.")]
Replay = Annotated[
    Path | None, typer.Option("--replay", help="Answer every request from this cassette.", readable=False)
]
Record = Annotated[
    Path | None, typer.Option("--record", help="Write every exchange to this cassette.", readable=False)
]
Out = Annotated[Path, typer.Option("--out", help="Folder for the HTML reports.", readable=False)]
Db = Annotated[Path, typer.Option("--db", help="The SQLite database.", readable=False)]
FailOn = Annotated[
    list[str] | None,
    typer.Option("--fail-on", help="Exit 1 when found: broken, placeholder, state-media (repeatable)."),
]
_FAIL_ON = {"broken", "placeholder", "state-media"}


def _regular_file(path: Path, what: str) -> None:
    """Refuse a missing file, a folder or a FIFO (which would block the read) before any work."""
    if not path.exists():
        raise AuditorError(f"{path}: no such {what}")
    if not path.is_file():
        raise AuditorError(f"{path}: not a regular file, so not a {what}")


def _check_options(
    *,
    timeout: float,
    concurrency: int,
    per_host: int,
    max_wait: float,
    allow_private: bool,
    allow_link_local: bool,
    no_archive: bool,
    domains: Path | None,
    recheck: bool,
    offline: bool = False,
    replay: Path | None = None,
    record: Path | None = None,
) -> CheckOptions:
    if replay is not None and not replay.is_file():
        raise AuditorError(
            f"{replay}: {'is a folder, not a cassette' if replay.is_dir() else 'no such cassette'}"
        )
    if record is not None:  # checked now, not after an hour of checking
        check_file_target(record, "--record")
    if domains is not None:
        _regular_file(domains, "domain table")
    return CheckOptions(
        timeout=timeout,
        concurrency=concurrency,
        per_host=per_host,
        max_wait=max_wait,
        allow_private=allow_private,
        allow_link_local=allow_link_local,
        archive=not no_archive,
        recheck=recheck,
        offline=offline,
        replay=str(replay) if replay else None,
        record=str(record) if record else None,
        domains_file=str(domains) if domains else None,
    )


@contextmanager
def _interruptible(rest: str = "; nothing half-written was kept (rerun to finish)") -> Iterator[None]:
    """Ctrl-C or SIGTERM: one line and exit 130/143 (typer would otherwise exit silently)."""
    from auditor import stopping

    try:
        yield
    except KeyboardInterrupt:
        stopping.say(rest)
        raise typer.Exit(stopping.exit_code()) from None


def _fail_on(values: list[str] | None) -> list[str]:
    wanted = [v.strip() for value in values or [] for v in value.split(",") if v.strip()]
    bad = [v for v in wanted if v not in _FAIL_ON]
    if bad:
        raise typer.BadParameter(
            f"unknown --fail-on value {bad[0]!r}; use broken, placeholder or state-media"
        )
    return wanted


@app.command()
def audit(
    source: Annotated[str, typer.Argument(help="An article file (HTML, Markdown, text) or an http(s) URL.")],
    out: Out = Path("reports"),
    db: Db = Path("reports/audit.db"),
    offline: Offline = False,
    replay: Replay = None,
    record: Record = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the audit as JSON instead of a summary.")
    ] = False,
    fail_on: FailOn = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", callback=_base_url, help="The page's URL.")
    ] = None,
    timeout: Timeout = 10.0,
    concurrency: Concurrency = 64,
    per_host: PerHost = 4,
    max_wait: MaxWait = 600.0,
    allow_private: AllowPrivate = False,
    allow_link_local: AllowLinkLocal = False,
    no_archive: NoArchive = False,
    domains: Domains = None,
    recheck: Recheck = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    article_seconds: ArticleSeconds = 20.0,
    article_mb: ArticleMb = 512,
    article_links: ArticleLinks = 50_000,
) -> None:
    """Audit one article: extract, check its links, store it and write its HTML report."""
    from auditor.console import fail_reasons, print_summary
    from auditor.jsonout import article_json
    from auditor.pipeline import audit as run_audit

    wanted = _fail_on(fail_on)
    options = _check_options(
        timeout=timeout, concurrency=concurrency, per_host=per_host, max_wait=max_wait,
        allow_private=allow_private, allow_link_local=allow_link_local, no_archive=no_archive,
        domains=domains, recheck=recheck, offline=offline, replay=replay, record=record,
    )  # fmt: skip
    with _interruptible():
        outcome = run_audit(
            source, options, out_dir=out, db_path=db, base_url=base_url, max_bytes=max_bytes,
            budget=Budget(seconds=article_seconds, memory_mb=article_mb, links=article_links),
        )  # fmt: skip
    if as_json:
        typer.echo(
            json.dumps(
                article_json(outcome.audit.article, outcome.audit.checks), ensure_ascii=False, indent=2
            )
        )
    else:
        print_summary(outcome.audit, str(outcome.report))
    found = fail_reasons(outcome.audit, wanted)
    if found:
        print(f"auditor: --fail-on: {', '.join(found)}", file=sys.stderr)
        raise typer.Exit(1)


@app.command()
def check(
    sources: Annotated[list[str], typer.Argument(help="Article files, folders, or URLs to check directly.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per distinct URL.")] = False,
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
    domains: Domains = None,
    recheck: Recheck = False,
) -> None:
    """Check links alone: every link of the given articles and every URL given directly."""
    from auditor.linkcheck import check_sources, print_check

    wanted = _fail_on(fail_on)
    if set(wanted) - {"broken"}:
        raise typer.BadParameter("`check` knows links, not sources: use --fail-on broken (or `audit`)")
    options = _check_options(
        timeout=timeout, concurrency=concurrency, per_host=per_host, max_wait=max_wait,
        allow_private=allow_private, allow_link_local=allow_link_local, no_archive=no_archive,
        domains=domains, recheck=recheck, offline=offline, replay=replay, record=record,
    )  # fmt: skip
    with _interruptible():
        results = check_sources(sources, options)
    print_check(results, as_json=as_json)
    if "broken" in wanted and any(r.broken for r in results):
        raise typer.Exit(1)


@app.command()
def batch(
    folder: Annotated[
        Path, typer.Argument(help="A folder of articles, searched recursively.", readable=False)
    ],
    out: Out = Path("reports"),
    db: Db = Path("reports/audit.db"),
    include: Annotated[
        list[str] | None, typer.Option("--include", help="Only files matching this glob.")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Skip files matching this glob.")
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume/--force", help="Skip articles already stored unchanged (default) or redo all."
        ),
    ] = True,
    jsonl: Annotated[
        Path | None, typer.Option("--jsonl", help="Also append one JSON object per article.", readable=False)
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Parsing processes.")] = 2,
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
    domains: Domains = None,
    recheck: Recheck = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    article_seconds: ArticleSeconds = 20.0,
    article_mb: ArticleMb = 512,
    article_links: ArticleLinks = 50_000,
) -> None:
    """Audit every article in a folder: resumable, each distinct URL checked once, an index at the end."""
    from auditor.batch import BatchOptions, run_batch
    from auditor.console import BatchProgress

    options = _check_options(
        timeout=timeout, concurrency=concurrency, per_host=per_host, max_wait=max_wait,
        allow_private=allow_private, allow_link_local=allow_link_local, no_archive=no_archive,
        domains=domains, recheck=recheck, offline=offline, replay=replay, record=record,
    )  # fmt: skip
    opts = BatchOptions(
        folder=folder, out_dir=out, db_path=db, include=tuple(include or ()), exclude=tuple(exclude or ()),
        force=not resume, jsonl=jsonl, workers=workers, check=options, max_bytes=max_bytes,
        budget=Budget(seconds=article_seconds, memory_mb=article_mb, links=article_links),
    )  # fmt: skip
    with _interruptible():  # the progress display says how far it got and how to resume
        stats = run_batch(opts, BatchProgress())
    print(
        f"\n{stats.audited} audited, {stats.skipped} unchanged and skipped, {stats.failed} failed;"
        f" {stats.urls_checked} distinct URLs answered; {stats.near_duplicates} near-duplicate copies."
        f"\nindex: {out / 'index.html'}  database: {db}"
    )
    if stats.failed:
        raise typer.Exit(1)


@app.command()
def report(db: Db = Path("reports/audit.db"), out: Out = Path("reports")) -> None:
    """Re-render every article report and the index from the database, without the network."""
    from auditor.outputs import prepare_dir
    from auditor.report.render import write_index, write_report
    from auditor.store import Store

    if not db.is_file():
        raise AuditorError(f"{db}: no such database (run `auditor audit` or `auditor batch` first)")
    prepare_dir(out)
    store = Store.open(db, read_only=True)  # rendering never writes: a read-only copy renders too
    try:
        audits = store.audits()
        for one in audits:
            write_report(one, out)
        index = write_index(audits, store.failures(), out)
    finally:
        store.close()
    typer.echo(f"{len(audits)} reports and {index} written")


def main() -> None:
    """Entry point. Typer reports usage errors itself (exit 2); ours become one line, exit 2."""

    def clean(text: str) -> str:  # messages quote hostile file names and servers
        from auditor.console import clean as strip  # rich, only when there is a message

        return strip(text)

    try:
        app()
    except AuditorError as exc:
        print(f"auditor: error: {clean(str(exc))}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        from auditor import stopping

        stopping.say()
        sys.exit(stopping.exit_code())
    except OSError as exc:  # a disk that fills up or a folder that vanishes mid-run
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"auditor: error: {clean(where + str(exc.strerror or exc))}", file=sys.stderr)
        sys.exit(2)

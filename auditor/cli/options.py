"""Options shared by several commands, declared once, and the checks made before any work.

Paths are declared ``readable=False``: our loaders say in one line why a file cannot be
read, where click's own check printed a usage box.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from auditor.errors import AuditorError
from auditor.models import CheckOptions
from auditor.outputs import check_file_target

MaxBytes = Annotated[
    int,
    typer.Option("--max-bytes", min=1, metavar="BYTES", help="Refuse articles larger than this many bytes."),
]
ArticleSeconds = Annotated[
    float,
    typer.Option(
        "--article-seconds",
        min=0,
        metavar="SECONDS",
        help="CPU seconds one article may take to extract (0: no limit).",
    ),
]
ArticleLinks = Annotated[
    int, typer.Option("--article-links", min=0, help="Links one article may have (0: no limit).")
]
ArticleMb = Annotated[
    int,
    typer.Option(
        "--article-mb",
        min=0,
        metavar="MB",
        help="Memory (MB) one article's extraction may add (0: no limit).",
    ),
]


def base_url_option(value: str | None) -> str | None:
    """--base-url must be an absolute http(s) URL: relative links resolve against it."""
    if value is None:
        return None
    from auditor.urls import BadURL, normalise

    try:
        return normalise(value)
    except BadURL as exc:
        raise typer.BadParameter(f"{value!r} is not an absolute http(s) URL ({exc})") from exc


# Declared once and shared by `check`, `audit` and `batch`.
Timeout = Annotated[
    float, typer.Option("--timeout", min=0.1, max=600, metavar="SECONDS", help="Seconds per request.")
]
Concurrency = Annotated[int, typer.Option("--concurrency", min=1, help="Requests in flight at once.")]
PerHost = Annotated[int, typer.Option("--per-host", min=1, help="Requests in flight per host name.")]
MaxWait = Annotated[
    float,
    typer.Option(
        "--max-wait",
        min=1,
        metavar="SECONDS",
        help="Seconds a link may queue for its host; then it is unchecked.",
    ),
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
NoProbe = Annotated[
    bool,
    typer.Option(
        "--no-probe",
        help="Do not ask each site how it answers a path that cannot exist (soft 404s by content alone).",
    ),
]
NoQuotes = Annotated[
    bool, typer.Option("--no-quotes", help="Do not look linked quotes up at the pages they link to.")
]
QuoteMaxBytes = Annotated[
    int,
    typer.Option(
        "--quote-max-bytes", min=1024, metavar="BYTES",
        help="Read at most this much of a page a quote is looked up in.",
    ),
]  # fmt: skip
Domains = Annotated[
    Path | None,
    typer.Option("--domains", metavar="CSV", help="A CSV extending the domain table.", readable=False),
]
Recheck = Annotated[bool, typer.Option("--recheck", help="Ignore cached check results.")]
Offline = Annotated[bool, typer.Option("--offline", help="No network at all: links stay unchecked.")]
Replay = Annotated[
    Path | None,
    typer.Option(
        "--replay", metavar="CASSETTE", help="Answer every request from this cassette.", readable=False
    ),
]
Record = Annotated[
    Path | None,
    typer.Option(
        "--record", metavar="CASSETTE", help="Write every exchange to this cassette.", readable=False
    ),
]
Out = Annotated[
    Path, typer.Option("--out", metavar="FOLDER", help="Folder for the HTML reports.", readable=False)
]
Db = Annotated[Path, typer.Option("--db", metavar="FILE", help="The SQLite database.", readable=False)]
FailOn = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-on", metavar="WHAT", help="Exit 1 when found: broken, placeholder, state-media (repeatable)."
    ),
]
FAIL_ON = {"broken", "placeholder", "state-media"}
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print nothing but errors: the exit status says the rest.")
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Print more: every item, not a summary.")]


def verbosity(quiet: bool, verbose: bool) -> int:
    """-1 quiet, 0 normal, 1 verbose; both at once is a usage error."""
    if quiet and verbose:
        raise typer.BadParameter("--quiet and --verbose contradict each other; give one")
    return -1 if quiet else 1 if verbose else 0


def regular_file(path: Path, what: str) -> None:
    """Refuse a missing file, a folder or a FIFO (which would block the read) before any work."""
    if not path.exists():
        raise AuditorError(f"{path}: no such {what}")
    if not path.is_file():
        raise AuditorError(f"{path}: not a regular file, so not a {what}")


def check_options(
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
    no_probe: bool = False,
    no_quotes: bool = False,
    quote_max_bytes: int = 2 * 1024 * 1024,
) -> CheckOptions:
    if replay is not None and not replay.is_file():
        raise AuditorError(
            f"{replay}: {'is a folder, not a cassette' if replay.is_dir() else 'no such cassette'}"
        )
    if record is not None:  # checked now, not after an hour of checking
        check_file_target(record, "--record")
    if domains is not None:
        regular_file(domains, "domain table")
    return CheckOptions(
        timeout=timeout,
        concurrency=concurrency,
        per_host=per_host,
        max_wait=max_wait,
        allow_private=allow_private,
        allow_link_local=allow_link_local,
        archive=not no_archive,
        probe=not no_probe,
        recheck=recheck,
        offline=offline,
        replay=str(replay) if replay else None,
        record=str(record) if record else None,
        domains_file=str(domains) if domains else None,
        quotes=not no_quotes,
        quote_max_body=quote_max_bytes,
    )


@contextmanager
def interruptible(rest: str = "; nothing half-written was kept (rerun to finish)") -> Iterator[None]:
    """Ctrl-C or SIGTERM: one line and exit 130/143 (typer would otherwise exit silently)."""
    from auditor import stopping

    try:
        yield
    except KeyboardInterrupt:
        stopping.say(rest)
        raise typer.Exit(stopping.exit_code()) from None


def fail_on_values(values: list[str] | None) -> list[str]:
    wanted = [v.strip() for value in values or [] for v in value.split(",") if v.strip()]
    bad = [v for v in wanted if v not in FAIL_ON]
    if bad:
        raise typer.BadParameter(
            f"unknown --fail-on value {bad[0]!r}; use broken, placeholder or state-media"
        )
    return wanted

"""``auditor audit``: one article (file or URL) checked, stored and reported."""

from __future__ import annotations

import json
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
    base_url_option,
    check_options,
    fail_on_values,
    interruptible,
    verbosity,
)
from auditor.load import DEFAULT_MAX_BYTES
from auditor.models import Budget


@command()
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
        str | None,
        typer.Option("--base-url", metavar="URL", callback=base_url_option, help="The page's URL."),
    ] = None,
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
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Audit one article: extract, check its links, store it and write its HTML report.

    An index.html already in --out is brought up to date with the article.
    """
    from auditor.cli.jsonout import article_json
    from auditor.cli.terminal import fail_reasons, print_summary
    from auditor.pipeline import audit as run_audit

    wanted = fail_on_values(fail_on)
    level = verbosity(quiet, verbose)
    options = check_options(
        timeout=timeout, concurrency=concurrency, per_host=per_host, max_wait=max_wait,
        allow_private=allow_private, allow_link_local=allow_link_local, no_archive=no_archive,
        domains=domains, recheck=recheck, offline=offline, replay=replay, record=record,
        no_probe=no_probe, no_quotes=no_quotes, quote_max_bytes=quote_max_bytes,
    )  # fmt: skip
    with interruptible():
        outcome = run_audit(
            source, options, out_dir=out, db_path=db, base_url=base_url, max_bytes=max_bytes,
            budget=Budget(seconds=article_seconds, memory_mb=article_mb, links=article_links),
        )  # fmt: skip
    if as_json:
        data = article_json(outcome.audit.article, outcome.audit.checks, outcome.audit.quotes)
        typer.echo(json.dumps({**data, "verdict": outcome.verdict}, ensure_ascii=False, indent=2))
    elif level >= 0:
        print_summary(outcome.audit, str(outcome.report), verbose=level > 0)
        if outcome.index_note:
            print(outcome.index_note)
    if outcome.audit.network_down:  # what --fail-on would count is unknown: say so instead
        from auditor.errors import EXIT_NETWORK, network_message

        unchecked = sum(1 for c in outcome.audit.checks if c.status.value == "unchecked")
        print(f"auditor: {network_message(outcome.audit.network_down, unchecked)}", file=sys.stderr)
        raise typer.Exit(EXIT_NETWORK)
    found = fail_reasons(outcome.audit, wanted)
    if found:
        print(f"auditor: --fail-on: {', '.join(found)}", file=sys.stderr)
        raise typer.Exit(1)

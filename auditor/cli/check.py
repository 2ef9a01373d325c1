"""``auditor check``: the link checker alone."""

from __future__ import annotations

from typing import Annotated

import typer

from auditor.cli.app import command
from auditor.cli.options import (
    AllowLinkLocal,
    AllowPrivate,
    Concurrency,
    Domains,
    FailOn,
    MaxWait,
    NoArchive,
    Offline,
    PerHost,
    Quiet,
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


@command()
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
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Check links alone: every link of the given articles and every URL given directly.

    Prints the counts by status and the broken and blocked URLs; -v lists every URL.
    """
    from auditor.cli.linkcheck import check_sources, print_check

    wanted = fail_on_values(fail_on)
    level = verbosity(quiet, verbose)
    if set(wanted) - {"broken"}:
        raise typer.BadParameter("`check` knows links, not sources: use --fail-on broken (or `audit`)")
    options = check_options(
        timeout=timeout, concurrency=concurrency, per_host=per_host, max_wait=max_wait,
        allow_private=allow_private, allow_link_local=allow_link_local, no_archive=no_archive,
        domains=domains, recheck=recheck, offline=offline, replay=replay, record=record,
    )  # fmt: skip
    with interruptible():
        results = check_sources(sources, options)
    if as_json or level >= 0:
        print_check(results, as_json=as_json, every=level > 0)
    if "broken" in wanted and any(r.broken for r in results):
        raise typer.Exit(1)

"""``auditor check``: the link checker alone, with a link checker's conventions (lychee's):
exit 1 when links are broken, URLs from files, folders, arguments or standard input,
``--include`` / ``--exclude`` URL patterns, full URLs in the problem list."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from auditor.cli.app import command
from auditor.cli.options import (
    AllowLinkLocal,
    AllowPrivate,
    Concurrency,
    Domains,
    MaxWait,
    NoArchive,
    NoProbe,
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
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Article files, folders, URLs to check directly, or - for standard input "
            "(an article, or one URL a line)."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per distinct URL.")] = False,
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            metavar="WHAT",
            help="Exit 1 when found: broken (the default), placeholder (repeatable).",
        ),
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include",
            metavar="REGEX",
            help="Check only URLs matching this regular expression (repeatable).",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude", metavar="REGEX", help="Skip URLs matching this regular expression (repeatable)."
        ),
    ] = None,
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
    domains: Domains = None,
    recheck: Recheck = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Check links alone: every link of the given articles and every URL given directly.

    Prints the counts by status and the broken and blocked URLs; -v lists every URL.
    Exits 1 when a link is broken (or what --fail-on names is found).
    Exits 2 on usage and input errors, 75 when the network looks unreachable.
    """
    from auditor.cli.linkcheck import UrlFilter, check_sources, print_check
    from auditor.errors import EXIT_NETWORK, network_message

    wanted = fail_on_values(fail_on) or ["broken"]
    level = verbosity(quiet, verbose)
    if set(wanted) - {"broken", "placeholder"}:
        raise typer.BadParameter(
            "`check` knows links, not sources: use --fail-on broken or placeholder (or `audit`)"
        )
    urls = UrlFilter.compile(include, exclude)
    options = check_options(
        timeout=timeout, concurrency=concurrency, per_host=per_host, max_wait=max_wait,
        allow_private=allow_private, allow_link_local=allow_link_local, no_archive=no_archive,
        domains=domains, recheck=recheck, offline=offline, replay=replay, record=record, no_probe=no_probe,
    )  # fmt: skip
    with interruptible():
        report = check_sources(sources, options, urls)
    if as_json or level >= 0:
        print_check(report, as_json=as_json, every=level > 0)
    if report.network_down:
        unchecked = sum(1 for c in report.results if c.result.status.value == "unchecked")
        print(f"auditor: {network_message(report.network_down, unchecked)}", file=sys.stderr)
        raise typer.Exit(EXIT_NETWORK)
    broken = sum(1 for c in report.results if c.broken)
    found = [f"{broken} broken URL(s)"] if "broken" in wanted and broken else []
    if "placeholder" in wanted and report.skipped["placeholder"]:
        found.append(f"{report.skipped['placeholder']} placeholder link(s)")
    if found:
        print(f"auditor: {', '.join(found)}", file=sys.stderr)
        raise typer.Exit(1)

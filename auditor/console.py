"""Terminal output: the verdict strip, a table of problems, batch progress.

Rich on a terminal; plain text when piped or when ``NO_COLOR`` is set (rich honours it).
Only the CLI calls this module.
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from rich.console import Console
from rich.table import Table

from auditor.models import BROKEN_STATUSES, Audit, Category, CheckResult, LinkKind, Status
from auditor.urls import check_key

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def link_status(audit: Audit, url: str) -> CheckResult | None:
    return audit.check_for(check_key(url))


def fail_reasons(audit: Audit, fail_on: list[str]) -> list[str]:
    """What ``--fail-on`` found, one phrase per kind; empty when nothing it names is there."""
    article = audit.article
    found = []
    if "broken" in fail_on:
        n = sum(1 for c in audit.checks if c.status in BROKEN_STATUSES)
        if n:
            found.append(f"{n} broken link(s)")
    if "placeholder" in fail_on:
        n = sum(1 for lk in article.links if lk.kind is LinkKind.PLACEHOLDER)
        if n:
            found.append(f"{n} placeholder link(s)")
    if "state-media" in fail_on:
        n = sum(1 for lk in article.links if lk.category is Category.STATE_MEDIA)
        n += sum(1 for a in article.attributions if a.outlet_category is Category.STATE_MEDIA)
        if n:
            found.append(f"{n} state-media citation(s)")
    return found


def print_summary(audit: Audit, report: str | None) -> None:
    article, meta = audit.article, audit.article.metadata
    statuses = Counter(c.status for c in audit.checks)
    kinds = Counter(lk.kind for lk in article.links)
    out.print(f"[bold]{meta.title or article.source}[/bold]")
    byline = ", ".join(meta.authors) or "unknown author"
    out.print(f"{byline} · {meta.outlet or 'unknown outlet'} · {meta.published or 'undated'}")
    chain = " → ".join([*(c.original_outlet or "?" for c in article.crossposts), meta.outlet or "this copy"])
    out.print(f"provenance: {chain if article.crossposts else 'no cross-post found'}")
    alive = statuses[Status.OK] + statuses[Status.REDIRECTED]
    broken = sum(n for s, n in statuses.items() if s in BROKEN_STATUSES)
    state = sum(1 for a in article.attributions if a.outlet_category is Category.STATE_MEDIA)
    state += sum(1 for lk in article.links if lk.category is Category.STATE_MEDIA)
    out.print(
        f"links {len(article.links)} · URLs checked {len(audit.checks) - statuses[Status.UNCHECKED]}"
        f" · alive {alive} · moved {statuses[Status.REDIRECTED]} · broken {broken}"
        f" · blocked {statuses[Status.BLOCKED]} · placeholders {kinds[LinkKind.PLACEHOLDER]}"
        f" · sources {len(article.attributions)} · state-media citations {state}"
    )
    problems = [c for c in audit.checks if c.status in BROKEN_STATUSES or c.status is Status.BLOCKED]
    if problems:
        table = Table("status", "URL", "reason", title="problems", title_justify="left")
        for c in problems[:40]:
            table.add_row(c.status.value, c.url, c.reason[:80])
        out.print(table)
    if report:
        out.print(f"report: {report}")


class BatchProgress:
    """A live line on a terminal; a plain log line every few seconds otherwise."""

    def __init__(self, every: float = 5.0) -> None:
        self.tty = sys.stderr.isatty()
        self.every, self.last, self.start = every, 0.0, time.monotonic()

    def __call__(self, stats: object, message: str) -> None:
        now = time.monotonic()
        if message.startswith("failed:"):
            err.print(f"[red]{message}[/red]" if self.tty else message)
        if not self.tty and now - self.last < self.every and not message.endswith("already done"):
            return
        self.last = now
        done = getattr(stats, "audited", 0) + getattr(stats, "failed", 0)
        rate = done / max(1e-9, now - self.start)
        line = (
            f"{done}/{getattr(stats, 'found', 0) - getattr(stats, 'skipped', 0)} articles"
            f" · {getattr(stats, 'failed', 0)} failed · {getattr(stats, 'links', 0)} links"
            f" · {getattr(stats, 'urls_checked', 0)} URLs checked · {rate:.1f} articles/s"
        )
        if self.tty:
            err.print(line, end="\r")
        else:
            print(line, file=sys.stderr, flush=True)

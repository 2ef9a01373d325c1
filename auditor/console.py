"""Terminal output: the verdict strip, a table of problems, batch progress.

Rich on a terminal; plain text when piped or when ``NO_COLOR`` is set (rich honours it).
Only the CLI calls this module.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from auditor.models import BROKEN_STATUSES, Audit, Category, CheckResult, LinkKind, Status
from auditor.urls import check_key

if TYPE_CHECKING:
    from auditor.batch import BatchStats, Event

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


class _Rate(ProgressColumn):
    """Articles per second over the whole run so far (rich's own speed is a short window)."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0.5 else 0.0
        return Text(f"{rate:.1f}/s", style="progress.data.speed")


def _eta(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


class BatchProgress:
    """Batch progress: a rich display on a terminal, a plain log line every ``every`` s otherwise.

    Failures are printed as they happen, one line each, in both modes. The display is
    stopped on the batch's last event (``done``), which comes also when it is interrupted,
    so the terminal is left clean for the CLI's last words.
    """

    def __init__(self, *, every: float = 10.0, console: Console | None = None) -> None:
        self.console = console or err
        self.tty = self.console.is_terminal
        self.every = every
        self.start = self.last = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, stats: BatchStats, event: Event, detail: str = "") -> None:
        if event == "failed":
            if self.tty:
                self.console.print(f"[red]failed:[/red] {escape(detail)}")
            else:
                print(f"failed: {detail}", file=sys.stderr, flush=True)
        elif event in ("start", "phase"):
            self._say(self._start_line(stats) if event == "start" else detail)
        if event == "start" and self.tty and stats.todo:
            self._open(stats)
        if event == "done":
            self._close(stats)
            if detail == "interrupted":
                self._say(
                    f"interrupted after {stats.audited + stats.failed} of {stats.todo} articles;"
                    " what was finished is saved: rerun the same command to resume"
                )
        elif self.bar is not None and self.task is not None:
            done = stats.audited + stats.failed
            self.bar.update(
                self.task, completed=done, links=stats.links, urls=stats.urls_checked, failed=stats.failed
            )
        elif not self.tty and event in ("article", "failed", "url"):
            now = time.monotonic()
            if now - self.last >= self.every:
                self.last = now
                print(self.line(stats, now - self.start), file=sys.stderr, flush=True)

    def _say(self, text: str) -> None:
        if self.tty:
            self.console.print(escape(text))
        else:
            print(text, file=sys.stderr, flush=True)

    @staticmethod
    def _start_line(stats: BatchStats) -> str:
        return f"{stats.found} files: {stats.todo} to audit, {stats.skipped} unchanged and skipped"

    @staticmethod
    def line(stats: BatchStats, elapsed: float) -> str:
        """The plain progress line: done/total, failures, links, URLs, rate and ETA."""
        done = stats.audited + stats.failed
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = _eta((stats.todo - done) / rate) if rate > 0 else "?"
        share = f" ({done / stats.todo:.0%})" if stats.todo else ""
        return (
            f"{done}/{stats.todo} articles{share} · {stats.failed} failed · {stats.links} links"
            f" · {stats.urls_checked} URLs checked · {rate:.1f} articles/s · ETA {eta}"
        )

    def _open(self, stats: BatchStats) -> None:
        self.bar = Progress(
            TextColumn("[bold]auditing"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TextColumn(
                "· {task.fields[links]} links · {task.fields[urls]} URLs · {task.fields[failed]} failed ·"
            ),
            _Rate(),
            TextColumn("· ETA"),
            TimeRemainingColumn(),
            console=self.console,
        )
        self.task = self.bar.add_task("audit", total=stats.todo, links=0, urls=0, failed=0)
        self.bar.start()

    def _close(self, stats: BatchStats) -> None:
        if self.bar is not None and self.task is not None:
            done = stats.audited + stats.failed
            self.bar.update(
                self.task, completed=done, links=stats.links, urls=stats.urls_checked, failed=stats.failed
            )
            self.bar.stop()
            self.bar = self.task = None
        elif not self.tty:
            print(self.line(stats, time.monotonic() - self.start), file=sys.stderr, flush=True)

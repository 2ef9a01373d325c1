"""Terminal output: the verdict strip, a table of problems, batch progress.

Rich on a terminal; plain text when piped or when ``NO_COLOR`` is set (rich honours it).
Only the CLI calls this module.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.console import Console
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

from auditor.models import Audit, CheckMode
from auditor.report import views

if TYPE_CHECKING:
    from auditor.batch import BatchStats, Event

err = Console(stderr=True, highlight=False, emoji=False)
out = Console(highlight=False, emoji=False)

MAX_PROBLEMS = 40
# What the URLs a run resolved were, by how it checks: an offline batch checked none of them.
URL_WORDS = {
    CheckMode.LIVE: "checked",
    CheckMode.REPLAY: "from the cassette",
    CheckMode.OFFLINE: "not checked (offline)",
}
MAX_REASON = 80
# C0 and C1 control characters, DEL, and the bidi overrides and isolates that can reorder
# what a terminal shows ("Trojan source"). Rich's Text keeps ESC, so OSC 8 links, title
# changes and screen clears in a hostile title would otherwise reach the terminal raw.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_URL = re.compile(r"https?://[^\s)]+")
_BLANK = re.compile("[\t\n\r\v\f\u2028\u2029]")


def clean(text: object) -> str:
    """``text`` safe to show on a terminal: line breaks become spaces, other controls go.

    Apply it to everything that came from an article, a server or a file name.
    """
    return _CONTROL.sub("", _BLANK.sub(" ", str(text)))


def plain(text: object, style: str = "") -> Text:
    """``text`` as a rich ``Text``: cleaned, and never read as markup or emoji codes."""
    return Text(clean(text), style=style)


def shorten(text: str, limit: int) -> str:
    """Cut at ``limit`` characters, with an ellipsis so the reader knows there is more."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shorten_reason(text: str, limit: int = MAX_REASON) -> str:
    """A problem's reason cut at ``limit``, but never inside a URL it names (a redirect's
    target, the home page a deep link landed on): half a URL cannot be opened or grepped."""
    if len(text) <= limit:
        return text
    for m in _URL.finditer(text):
        if m.start() < limit <= m.end():
            return text if m.end() >= len(text) - 1 else text[: m.end()] + " …"
    return shorten(text, limit)


def fail_reasons(audit: Audit, fail_on: list[str]) -> list[str]:
    """What ``--fail-on`` found, one phrase per kind; empty when nothing it names is there.

    Counted as the terminal summary and the report count them (``views.verdict``).
    """
    v = views.verdict(audit, views.link_rows(audit))
    found = []
    for kind, n, phrase in (
        ("broken", v.counts["broken"], "broken link(s)"),
        ("placeholder", v.counts["placeholder"], "placeholder link(s)"),
        ("state-media", len(v.state_media) + len(v.state_media_links), "state-media citation(s)"),
    ):
        if kind in fail_on and n:
            found.append(f"{n} {phrase}")
    return found


def summary_lines(audit: Audit) -> list[Text]:
    """Title, byline, the verdict sentence, provenance and the counts, each a line of plain ``Text``.

    The counts are ``views.verdict``'s, in link occurrences, so they are the numbers the
    HTML report and the index show, under the same names; an offline run says so first.
    """
    from auditor.report.runinfo import mode_label
    from auditor.report.sentence import verdict_sentence

    article, meta = audit.article, audit.article.metadata
    v = views.verdict(audit, views.link_rows(audit))
    byline = ", ".join(meta.authors) or "unknown author"
    chain = " → ".join([*(c.original_outlet or "?" for c in article.crossposts), meta.outlet or "this copy"])
    c = v.counts
    if v.not_checked:
        checked = (
            f"links not checked: offline ({_plural(v.web, 'web link')})"
            if v.web
            else "links not checked: offline"
        )
    else:
        checked = (
            f"{v.checked} of {v.web} web links checked · alive {c['alive']} · moved {c['moved']}"
            f" · broken {c['broken']} · blocked {c['blocked']}"
            + (f" · unchecked {c['unchecked']}" if c["unchecked"] else "")
        )
    counts = (
        f"{checked} · placeholders {c['placeholder']} · sources {v.sources}"
        + (f" ({v.unnamed} unnamed)" if v.unnamed else "")
        + f" · state-media sources {len(v.state_media)}"
        + (f" (+{_plural(len(v.state_media_links), 'link')})" if v.state_media_links else "")
    )
    lines = [
        plain(meta.title or article.source, "bold"),
        plain(f"{byline} · {meta.outlet or 'unknown outlet'} · {meta.published or 'undated'}"),
        plain(f"verdict: {verdict_sentence(audit, v)}"),
    ]
    label = mode_label(v, audit.run)
    if label:
        lines.append(plain(label, "yellow"))
    lines.append(plain(f"provenance: {chain if article.crossposts else 'no cross-post found'}"))
    lines.append(plain(counts))
    if v.linked_quotes:
        q = v.quotes
        tally = " · ".join(
            f"{k} {q[k]}" for k in ("found", "found-edited", "not-found", "unavailable") if q.get(k)
        )
        lines.append(
            plain(
                f"linked quotes {v.linked_quotes}: {tally}"
                if not v.quotes_offline
                else f"linked quotes {v.linked_quotes}: not looked up (offline)"
            )
        )
    return lines


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One row of a problem table: a URL, or a whole host that failed the same way."""

    status: str
    url: str
    reason: str
    cited: int | None = None  # articles citing it (``check``); None in an audit's summary
    urls: int = 1  # URLs this row stands for (more than one: every URL of a host)


# Failures that are the host's, not the page's: when every URL of a host has one, one row says it.
HOST_FAILURES = frozenset(
    {
        "dns-error",
        "connection-error",
        "tls-error",
        "timeout",
        "parked",
        "blocked",
        "server-error",
        "unchecked",
    }
)
WIDE = 120  # columns from which a table shows every URL in full; narrower or piped: one line each


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.netloc else url


def by_host(problems: list[Problem], checked: list[str]) -> list[Problem]:
    """A failure repeated on every URL of a host (two or more) as one row for the host."""
    per_host = Counter(_origin(u) for u in checked)
    groups: dict[str, list[Problem]] = {}
    for p in problems:
        groups.setdefault(_origin(p.url), []).append(p)
    rows: list[Problem] = []
    for origin, group in groups.items():
        first = group[0]
        if (len(group) >= 2 and len(group) == per_host[origin] and first.status in HOST_FAILURES
                and all(p.status == first.status for p in group)):  # fmt: skip
            cited = None if first.cited is None else sum(p.cited or 0 for p in group)
            rows.append(replace(first, url=origin + "/", cited=cited, urls=len(group)))
        else:
            rows.extend(group)
    return rows


def print_problems(problems: list[Problem], checked: list[str], console: Console, *, limit: int = 0,
                   more: str = "", title: str = "problems") -> None:  # fmt: skip
    """The problem rows: a table on a wide terminal, else one plain line each. Either way every
    URL is shown whole (a cut URL cannot be opened, copied or grepped); reasons may be cut."""
    rows = by_host(problems, checked)
    if not rows:
        return
    shown = rows[:limit] if limit else rows
    left = len(rows) - len(shown)
    caption = f"(+{left} more{more})" if left > 0 else None
    if console.is_terminal and console.width >= WIDE:
        cited = any(r.cited is not None for r in shown)
        table = Table("status", "URL", "reason", *(["cited by"] if cited else []), title=title,
                      title_justify="left", caption=caption)  # fmt: skip
        table.columns[1].overflow = table.columns[2].overflow = "fold"  # a URL in a reason stays whole
        for r in shown:
            cells = [plain(r.status), plain(_where(r)), plain(shorten_reason(clean(r.reason)))]
            table.add_row(*cells, *([str(r.cited or 0)] if cited else []))
        console.print(table)
        return
    console.print(plain(f"{title} ({len(rows)}):"), soft_wrap=True)
    for r in shown:
        by = f" (cited by {r.cited})" if r.cited is not None else ""
        console.print(
            plain(f"{r.status:<18} {_where(r)}  {shorten_reason(clean(r.reason))}{by}"), soft_wrap=True
        )
    if caption:
        console.print(plain(caption), soft_wrap=True)


def _where(r: Problem) -> str:
    return f"{r.url} (all {r.urls} URLs of this host)" if r.urls > 1 else r.url


def audit_problems(audit: Audit) -> tuple[list[Problem], list[str]]:
    """An audit's broken and blocked URLs, once each, and every URL it checked."""
    seen: dict[str, Problem] = {}
    checked: dict[str, None] = {}
    for r in views.link_rows(audit):
        if r.group in ("broken", "blocked", "alive", "moved"):
            checked.setdefault(r.target.text)
        if r.group in ("broken", "blocked") and r.target.text not in seen:
            reason = r.reason or (f"HTTP {r.http_status}" if r.http_status else "")
            seen[r.target.text] = Problem(status=r.status, url=r.target.text, reason=reason)
    return list(seen.values()), list(checked)


def print_summary(
    audit: Audit, report: str | None, console: Console | None = None, *, verbose: bool = False
) -> None:
    console = console or out
    for line in summary_lines(audit):
        console.print(line)
    if verbose:
        for line in detail_lines(audit):
            console.print(line)
    problems, checked = audit_problems(audit)
    print_problems(problems, checked, console, limit=MAX_PROBLEMS, more=": see the report")
    if report:
        console.print(plain(f"report: {report}"))


def print_skipped(
    found: list[tuple[str, str]], *, limit: int | None = 20, console: Console | None = None
) -> None:
    """The files a batch leaves out, each with why; past ``limit``, how many more."""
    console = console or err
    if not found:
        return
    console.print(plain(f"not audited ({len(found)}):"))
    for path, why in found[:limit]:
        console.print(plain(f"  {path}: {why}"))
    if limit is not None and len(found) > limit:
        console.print(plain(f"  (+{len(found) - limit} more; --verbose lists them all)"))


def detail_lines(audit: Audit) -> list[Text]:
    """``-v``: the standing of every cited domain and the dates known, as the report shows them."""
    from auditor.report.chain import timeline
    from auditor.report.standing import cited_domains, notable, standings

    meta = audit.article.metadata
    found = notable(standings(audit.article), [meta.outlet_domain or ""], cited_domains(audit.article))
    lines = [plain(f"standing: {s.summary}") for s in found]
    lines += [
        plain(f"date: {m.when} · {m.what}" + (f" · {m.detail}" if m.detail else "")) for m in timeline(audit)
    ]
    return lines


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

    def __init__(
        self,
        *,
        every: float = 10.0,
        console: Console | None = None,
        progress: bool = True,
        level: int = 0,
        left_out: Callable[[], list[tuple[str, str]]] | None = None,
        mode: CheckMode = CheckMode.LIVE,
    ) -> None:
        self.console = console or err
        self.tty = self.console.is_terminal and progress
        self.every = every if progress else float("inf")  # --no-progress: no bar, no periodic lines
        self.level = level  # -1 --quiet: failures only; 1 --verbose: every article as it is stored
        self.left_out = left_out  # the files the batch leaves out, listed once it has started
        self.urls = URL_WORDS[mode]  # an offline batch checks nothing and never says it did
        self.start = self.last = time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.started = False

    def __call__(self, stats: BatchStats, event: Event, detail: str = "") -> None:
        if event == "failed":
            if self.tty:
                self.console.print(Text.assemble(("failed:", "red"), " ", plain(detail)))
            else:
                print(f"failed: {clean(detail)}", file=sys.stderr, flush=True)
        elif event in ("start", "phase"):
            self.started = True
            if event == "start" and self.left_out is not None and self.level >= 0:
                print_skipped(self.left_out(), limit=None if self.level > 0 else 20, console=self.console)
            if self.level >= 0:
                self._say(self._start_line(stats) if event == "start" else detail)
        elif event == "article" and self.level > 0:
            self._say(f"audited: {detail}")
        if event == "start" and self.tty and stats.todo and self.level >= 0:
            self._open(stats)
        if event == "done":
            self._close(stats)
            if detail == "interrupted":
                from auditor import stopping

                stopping.say(
                    f" after {stats.audited + stats.failed} of {stats.todo} articles;"
                    " what was finished is saved: rerun the same command to resume"
                )
        elif self.bar is not None and self.task is not None:
            done = stats.audited + stats.failed
            self.bar.update(
                self.task, completed=done, links=stats.links, urls=stats.urls_checked, failed=stats.failed
            )
        elif not self.tty and self.level >= 0 and event in ("article", "failed", "url"):
            now = time.monotonic()
            if now - self.last >= self.every:
                self.last = now
                print(self.line(stats, now - self.start), file=sys.stderr, flush=True)

    def _say(self, text: str) -> None:
        if self.tty:
            self.console.print(plain(text))
        else:
            print(clean(text), file=sys.stderr, flush=True)

    @staticmethod
    def _start_line(stats: BatchStats) -> str:
        return f"{stats.found} files: {stats.todo} to audit, {stats.skipped} unchanged and skipped"

    def line(self, stats: BatchStats, elapsed: float) -> str:
        """The plain progress line: done/total, failures, links, URLs, rate and ETA."""
        done = stats.audited + stats.failed
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = _eta((stats.todo - done) / rate) if rate > 0 else "?"
        share = f" ({done / stats.todo:.0%})" if stats.todo else ""
        return (
            f"{done}/{stats.todo} articles{share} · {stats.failed} failed · {stats.links} links"
            f" · {stats.urls_checked} URLs {self.urls} · {rate:.1f} articles/s · ETA {eta}"
        )

    def _open(self, stats: BatchStats) -> None:
        self.bar = Progress(
            TextColumn("[bold]auditing"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TextColumn(
                "· {task.fields[links]} links · {task.fields[urls]} URLs "
                + self.urls
                + " · {task.fields[failed]} failed ·"
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
        elif not self.tty and self.started and self.level >= 0:  # a refused batch has only its error
            print(self.line(stats, time.monotonic() - self.start), file=sys.stderr, flush=True)

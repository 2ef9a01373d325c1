"""``auditor check``: the checker on its own, as users of link checkers expect.

Every web link of the given articles (files, folders, or standard input as ``-``: an article
or a plain list of URLs) and every URL given directly, each distinct URL checked once, with
the articles that cite it. ``--include`` / ``--exclude`` are regular expressions searched in
the full URL, as lychee's are: a URL matching an include is checked whatever the excludes
say; with includes given, nothing else is. What was not checked is counted, not hidden.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from auditor.batch.discovery import discover
from auditor.check.checker import check_run, key_of
from auditor.cli.jsonout import check_json
from auditor.errors import AuditorError, InputError
from auditor.extract.links import extract_links
from auditor.load import DEFAULT_MAX_BYTES, load_bytes, load_path
from auditor.models import BROKEN_STATUSES, CheckOptions, CheckResult, Link, LinkKind, RawArticle, Status
from auditor.parse import parse_document

STDIN = "-"


@dataclass(frozen=True, slots=True, kw_only=True)
class Cited:
    result: CheckResult
    articles: tuple[str, ...]

    @property
    def broken(self) -> bool:
        return self.result.status in BROKEN_STATUSES


@dataclass(frozen=True, slots=True, kw_only=True)
class UrlFilter:
    """``--include`` / ``--exclude`` patterns, compiled once."""

    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def compile(cls, include: list[str] | None, exclude: list[str] | None) -> UrlFilter:
        def patterns(values: list[str] | None, flag: str) -> tuple[re.Pattern[str], ...]:
            out = []
            for value in values or []:
                try:
                    out.append(re.compile(value))
                except re.error as exc:
                    raise InputError(f"{flag} {value!r} is not a regular expression ({exc})") from exc
            return tuple(out)

        return cls(include=patterns(include, "--include"), exclude=patterns(exclude, "--exclude"))

    def wants(self, url: str) -> bool:
        if any(p.search(url) for p in self.include):
            return True
        if any(p.search(url) for p in self.exclude):
            return False
        return not self.include


@dataclass(slots=True)
class Collected:
    """URL (as written) -> the articles citing it; and what was left unchecked, by kind."""

    cited: dict[str, list[str]] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)  # link occurrences by kind
    excluded: set[str] = field(default_factory=set)  # distinct URLs left out by pattern


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckReport:
    results: list[Cited]
    skipped: Counter[str]
    network_down: str | None = None


def links_of(raw: RawArticle) -> tuple[Link, ...]:
    """Only the links of an article: nothing `check` would throw away (metadata,
    attributions and cross-posts are most of the extraction time, and of its imports)."""
    return extract_links(parse_document(raw))


def read_stdin(max_bytes: int = DEFAULT_MAX_BYTES) -> RawArticle:
    """Standard input as an article (HTML, Markdown, text, or one URL a line), capped."""
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"standard input: over the {max_bytes:,}-byte cap")
    return load_bytes(data, "<stdin>")


def _add(found: Collected, links: tuple[Link, ...], article: str, urls: UrlFilter) -> None:
    for link in links:
        if link.kind is not LinkKind.WEB:
            found.skipped[link.kind.value] += 1
        elif link.url in found.cited or urls.wants(link.url):
            found.cited.setdefault(link.url, []).append(article)
        else:
            found.excluded.add(link.url)


def _collect(sources: list[str], urls: UrlFilter) -> Collected:
    found = Collected()
    for source in sources:
        if source.lower().startswith(("http://", "https://")):
            if urls.wants(source):
                found.cited.setdefault(source, [])
            else:
                found.excluded.add(source)
            continue
        if source == STDIN:
            _add(found, links_of(read_stdin()), "<stdin>", urls)
            continue
        path = Path(source)
        files = list(discover(path)) if path.is_dir() else [path]
        for file in files:
            try:
                links = links_of(load_path(file))
            except AuditorError as exc:
                if not path.is_dir():
                    raise  # a file named on the command line must be readable
                from auditor.cli.terminal import clean

                print(f"auditor: skipped {clean(str(exc))}", file=sys.stderr)  # one bad file in a folder
                continue
            _add(found, links, str(file), urls)
    if found.excluded:
        found.skipped["excluded"] = len(found.excluded)
    return found


def check_sources(sources: list[str], options: CheckOptions, urls: UrlFilter | None = None) -> CheckReport:
    found = _collect(sources, urls or UrlFilter())
    by_key: dict[str, list[str]] = {}
    for url, articles in found.cited.items():  # the checker's own keys, so results find their articles
        by_key.setdefault(key_of(url)[0], []).extend(articles)
    checked = check_run(list(found.cited), options) if found.cited else None
    results = checked.results if checked else []
    return CheckReport(
        results=[Cited(result=r, articles=tuple(dict.fromkeys(by_key.get(r.url, [])))) for r in results],
        skipped=found.skipped,
        network_down=checked.network_down if checked else None,
    )


def summary_line(report: CheckReport) -> str:
    """``N distinct URLs: ok 20, dead 2 · not checked: 3 placeholder links, 1 URL excluded``."""
    counts = Counter(c.result.status for c in report.results)
    line = f"{len(report.results)} distinct URLs" + (
        ": " + ", ".join(f"{s.value} {n}" for s, n in sorted(counts.items())) if counts else ""
    )
    skipped = []
    for kind, n in sorted(report.skipped.items(), key=lambda kv: (kv[0] == "excluded", kv[0])):
        if kind == "excluded":
            skipped.append(f"{n} URL{'s' if n != 1 else ''} excluded")
        else:
            skipped.append(f"{n} {kind} link{'s' if n != 1 else ''}")
    return line + (" · not checked: " + ", ".join(skipped) if skipped else "")


def print_check(report: CheckReport, *, as_json: bool, every: bool = False) -> None:
    """JSON lines, or the summary line and the broken and blocked URLs; with ``every`` (-v)
    every URL, in the order the checker returned them."""
    if as_json:
        for c in report.results:
            row = {"url": c.result.url, **check_json(c.result), "articles": list(c.articles)}
            print(json.dumps(row, ensure_ascii=False))
        return
    from auditor.cli.terminal import Problem, out, plain, print_problems

    out.print(plain(summary_line(report)), soft_wrap=True)
    problems = [
        Problem(
            status=c.result.status.value,
            url=c.result.url,
            reason=c.result.reason or (f"HTTP {c.result.http_status}" if c.result.http_status else ""),
            cited=len(c.articles),
        )
        for c in report.results
        if every or c.broken or c.result.status is Status.BLOCKED
    ]
    title = "every URL" if every else "problems"
    print_problems(problems, [c.result.url for c in report.results], out, title=title)

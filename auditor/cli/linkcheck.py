"""``auditor check``: the checker on its own, as users of link checkers expect.

Every web link of the given articles (files or folders) and every URL given directly, each
distinct URL checked once, with the articles that cite it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from auditor.check.checker import check_all, key_of
from auditor.cli.jsonout import check_json
from auditor.discover import discover
from auditor.errors import AuditorError
from auditor.extract.links import extract_links
from auditor.load import load_path
from auditor.models import BROKEN_STATUSES, CheckOptions, CheckResult, Link, LinkKind, Status
from auditor.parse import parse_document


@dataclass(frozen=True, slots=True, kw_only=True)
class Cited:
    result: CheckResult
    articles: tuple[str, ...]

    @property
    def broken(self) -> bool:
        return self.result.status in BROKEN_STATUSES


def links_of(path: Path) -> tuple[Link, ...]:
    """Only the links of an article file: nothing `check` would throw away (metadata,
    attributions and cross-posts are most of the extraction time, and of its imports)."""
    return extract_links(parse_document(load_path(path)))


def _collect(sources: list[str]) -> dict[str, list[str]]:
    """URL (as written) -> the articles citing it; a URL given directly cites itself."""
    cited: dict[str, list[str]] = {}
    for source in sources:
        if source.lower().startswith(("http://", "https://")):
            cited.setdefault(source, [])
            continue
        path = Path(source)
        files = list(discover(path)) if path.is_dir() else [path]
        for file in files:
            try:
                links = links_of(file)
            except AuditorError as exc:
                if not path.is_dir():
                    raise  # a file named on the command line must be readable
                from auditor.cli.terminal import clean

                print(f"auditor: skipped {clean(str(exc))}", file=sys.stderr)  # one bad file in a folder
                continue
            for link in links:
                if link.kind is LinkKind.WEB:
                    cited.setdefault(link.url, []).append(str(file))
    return cited


def check_sources(sources: list[str], options: CheckOptions) -> list[Cited]:
    cited = _collect(sources)
    by_key: dict[str, list[str]] = {}
    for url, articles in cited.items():  # the checker's own keys, so results find their articles
        by_key.setdefault(key_of(url)[0], []).extend(articles)
    results = check_all(list(cited), options) if cited else []
    return [Cited(result=r, articles=tuple(dict.fromkeys(by_key.get(r.url, [])))) for r in results]


def print_check(results: list[Cited], *, as_json: bool, every: bool = False) -> None:
    """JSON lines, or the counts and a table: of the broken and blocked URLs, or with ``every``
    of all of them, in the order the checker returned them."""
    if as_json:
        for c in results:
            row = {"url": c.result.url, **check_json(c.result), "articles": list(c.articles)}
            print(json.dumps(row, ensure_ascii=False))
        return
    from rich.table import Table

    from auditor.cli.terminal import out, plain, shorten

    counts: dict[Status, int] = {}
    for c in results:
        counts[c.result.status] = counts.get(c.result.status, 0) + 1
    out.print(
        f"{len(results)} distinct URLs: " + ", ".join(f"{s.value} {n}" for s, n in sorted(counts.items()))
    )
    problems = [c for c in results if every or c.broken or c.result.status is Status.BLOCKED]
    if problems:
        title = "every URL" if every else "problems"
        table = Table("status", "URL", "reason", "cited by", title=title, title_justify="left")
        for c in problems:
            table.add_row(
                plain(c.result.status.value),
                plain(c.result.url),
                plain(shorten(c.result.reason, 70)),
                str(len(c.articles)),
            )
        out.print(table)

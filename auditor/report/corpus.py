"""What the corpus index shows: per-article verdicts, domain tallies and the re-post network.

The network is laid out here (columns by how far an outlet sits from an original source),
so the template only draws boxes and curves at the coordinates it is given.

:class:`Tally` gathers it all while articles stream past, page by page: what it keeps
grows with the distinct domains and outlet pairs, never with the articles, so the index of
a million articles is written in the memory of one page of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from auditor.models import Audit, Category, CheckMode, RunInfo
from auditor.report.runinfo import display_source
from auditor.report.slug import slug_for
from auditor.report.views import Bar, LinkRow, Verdict, link_rows, verdict

NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD = 190, 34, 110, 16, 12
MAX_EDGES = 150  # the heaviest outlet pairs drawn: a network of thousands cannot be read


@dataclass(frozen=True, slots=True)
class ArticleRow:
    href: str
    source: str  # relative to its batch's folder, or the file name: the index can be shared
    title: str
    outlet: str
    published: str
    original: str
    verdict: Verdict
    flags: str


@dataclass(frozen=True, slots=True)
class Node:
    name: str
    x: int
    y: int
    originals: int
    copies: int


@dataclass(frozen=True, slots=True)
class Edge:
    path: str
    count: int
    label_x: int
    label_y: int
    title: str


@dataclass(frozen=True, slots=True)
class Network:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    width: int
    height: int


def failure_rows(failures: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(source, error) with the error's leading ``"<source>: "`` dropped: the row names it."""
    return [
        (source, error.removeprefix(f"{source}: ") if error != f"{source}: " else error)
        for source, error in failures
    ]


def article_row(audit: Audit, rows: Sequence[LinkRow]) -> ArticleRow:
    v = verdict(audit, rows)
    meta, chain = audit.article.metadata, audit.article.crossposts
    flags = [f for f, on in (("broken", v.counts["broken"]), ("crossposted", v.crossposted)) if on]
    flags += ["state-media"] if v.any_state_media else []
    flags += ["offline"] if v.mode is CheckMode.OFFLINE else []
    flags += ["placeholders"] if v.counts["placeholder"] else []
    flags += ["unnamed"] if v.unnamed else []
    return ArticleRow(
        href=slug_for(audit.article.source) + ".html",
        source=display_source(audit.article.source, audit.run),
        title=meta.title or audit.article.source,
        outlet=meta.outlet or meta.outlet_domain or "",
        published=meta.published or "",
        original=(chain[0].original_outlet or chain[0].outlet_domain or "?") if chain else "",
        verdict=v,
        flags=" ".join(flags),
    )


@dataclass
class Totals:
    """The index's headline numbers, summed as articles stream past."""

    articles: int = 0
    links: int = 0
    checked: int = 0
    broken: int = 0
    crossposted: int = 0
    offline: int = 0  # articles audited offline
    replay: int = 0  # articles checked from a recording
    unchecked: int = 0  # articles with web links and none checked

    def add(self, row: ArticleRow) -> None:
        v = row.verdict
        self.articles += 1
        self.links += v.links
        self.checked += v.checked
        self.broken += v.counts["broken"]
        self.crossposted += v.crossposted
        self.offline += v.mode is CheckMode.OFFLINE
        self.replay += v.mode is CheckMode.REPLAY
        self.unchecked += bool(v.not_checked and v.web)

    def check_label(self) -> str:
        """What the index must say before its counts when links were not checked live."""
        if self.articles and self.unchecked == self.articles:
            return "Links not checked: offline."
        said = []
        if self.offline:
            said.append(
                f"{_articles(self.offline)} audited offline: links show their last real check where there is one"
                + (f" ({self.unchecked} with none)" if self.unchecked else "")
            )
        if self.replay:
            said.append(f"{_articles(self.replay)} checked from a recording (replay), not the live web")
        return "; ".join(said) + "." if said else ""


@dataclass
class Tally:
    """Everything the index shows but the article rows, from one article at a time."""

    totals: Totals = field(default_factory=Totals)
    cited: Counter[str] = field(default_factory=Counter)  # links per domain, own site excluded
    category: dict[str, str] = field(default_factory=dict)
    categories: Counter[str] = field(default_factory=Counter)
    checked: Counter[str] = field(default_factory=Counter)
    broken: Counter[str] = field(default_factory=Counter)
    edges: Counter[tuple[str, str]] = field(default_factory=Counter)
    run: RunInfo | None = None  # the first batch run with a folder: names the failures

    def add(self, audit: Audit) -> ArticleRow:
        rows = link_rows(audit)
        row = article_row(audit, rows)
        self.totals.add(row)
        if self.run is None and audit.run is not None and audit.run.folder:
            self.run = audit.run
        self.add_links(rows)
        self.edges.update(chain_edges(audit))
        return row

    def add_links(self, rows: Iterable[LinkRow]) -> None:
        for r in rows:
            if not r.domain:
                continue
            self.category[r.domain] = r.category
            self.categories[r.category or "unclassified"] += 1
            if r.category != Category.SELF:
                self.cited[r.domain] += 1
            if r.group in ("alive", "moved", "broken", "blocked"):
                self.checked[r.domain] += 1
                self.broken[r.domain] += r.group == "broken"

    def top_domains(self, limit: int = 15) -> list[Bar]:
        return [
            Bar(label=d, note=self.category[d], total=n, segments=(("count", n),))
            for d, n in self.cited.most_common(limit)
        ]

    def top_categories(self) -> list[Bar]:
        return [
            Bar(label=c, note="", total=n, segments=(("count", n),)) for c, n in self.categories.most_common()
        ]

    def dead_domains(self, limit: int = 15) -> list[tuple[str, int, int]]:
        """(domain, broken links, checked links) for the domains with the most broken links."""
        broken, checked = self.broken, self.checked
        ranked = sorted((d for d in broken if broken[d]), key=lambda d: (-broken[d], -checked[d], d))
        return [(d, broken[d], checked[d]) for d in ranked[:limit]]


def _articles(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"


def failures_named(failures: Sequence[tuple[str, str]], run: RunInfo | None) -> list[tuple[str, str]]:
    """Failures named as the articles are, relative to the run's folder (never a full path)."""
    named = []
    for source, error in failure_rows(failures):
        shown = display_source(source, run)
        named.append((shown, error.replace(source, shown)))
    return named


def chain_edges(audit: Audit) -> list[tuple[str, str]]:
    """Outlet -> outlet steps along one article's chain, ending at the article's own outlet."""
    meta = audit.article.metadata
    names = [cp.original_outlet or cp.outlet_domain or "?" for cp in audit.article.crossposts]
    if not names:
        return []
    names.append(meta.outlet or meta.outlet_domain or audit.article.source)
    return [(a, b) for a, b in pairwise(names) if a != b]


def layout(all_edges: Counter[tuple[str, str]]) -> Network:
    """The network of the ``MAX_EDGES`` heaviest edges, laid out left (originals) to right."""
    edges = Counter(dict(all_edges.most_common(MAX_EDGES))) if len(all_edges) > MAX_EDGES else all_edges
    depth = _depths(edges)
    columns = _columns(depth, edges)
    place = {
        name: (PAD + col * (NODE_W + COL_GAP), PAD + row * (NODE_H + ROW_GAP))
        for col, names in columns.items()
        for row, name in enumerate(names)
    }
    nodes = tuple(
        Node(
            name=n,
            x=x,
            y=y,
            originals=sum(c for (a, _), c in edges.items() if a == n),
            copies=sum(c for (_, b), c in edges.items() if b == n),
        )
        for n, (x, y) in place.items()
    )
    width = PAD * 2 + max((x for x, _ in place.values()), default=0) + NODE_W
    height = PAD * 2 + max((y for _, y in place.values()), default=0) + NODE_H
    height += 50 if any(depth[b] <= depth[a] for a, b in edges) else 0  # room for loops below
    return Network(
        nodes=nodes,
        edges=tuple(_edge(place[a], place[b], a, b, c) for (a, b), c in edges.items()),
        width=width if place else 0,
        height=height if place else 0,
    )


def _columns(depth: dict[str, int], edges: Counter[tuple[str, str]]) -> dict[int, list[str]]:
    """Names per column; the first by name, each next one by its sources' mean row.

    Ordering a node by the barycentre of what points at it uncrosses the common case (two
    originals, each re-posted by its own outlet) at no cost worth a real layout engine.
    """
    columns: dict[int, list[str]] = {}
    row: dict[str, float] = {}
    for col in sorted(set(depth.values())):
        names = sorted((n for n in depth if depth[n] == col), key=str.lower)
        if col:
            names.sort(key=lambda n: _barycentre(n, edges, row))
        columns[col] = names
        row.update((n, i) for i, n in enumerate(names))
    return columns


def _barycentre(name: str, edges: Counter[tuple[str, str]], row: dict[str, float]) -> float:
    rows = [row[a] for a, b in edges if b == name and a in row]
    return sum(rows) / len(rows) if rows else float("inf")


def _depths(edges: Counter[tuple[str, str]]) -> dict[str, int]:
    """Longest distance from an original; cycles (A re-posts B re-posts A) are cut off."""
    names = {n for pair in edges for n in pair}
    depth = dict.fromkeys(names, 0)
    for _ in range(len(names)):
        changed = False
        for a, b in edges:
            if depth[b] < depth[a] + 1 <= len(names):
                depth[b] = depth[a] + 1
                changed = True
        if not changed:
            break
    return depth


def _edge(start: tuple[int, int], end: tuple[int, int], a: str, b: str, count: int) -> Edge:
    x1, y1 = start[0] + NODE_W, start[1] + NODE_H // 2
    x2, y2 = end[0], end[1] + NODE_H // 2
    if x2 <= x1:  # same column or backwards (a cycle): loop around below
        x1, x2 = start[0] + NODE_W // 2, end[0] + NODE_W // 2
        y1, y2 = start[1] + NODE_H, end[1] + NODE_H
        bend = max(y1, y2) + 40
        path = f"M{x1},{y1} C{x1},{bend} {x2},{bend} {x2},{y2}"
        return Edge(path=path, count=count, label_x=(x1 + x2) // 2, label_y=bend - 8, title=f"{a} → {b}")
    mid = (x1 + x2) // 2
    path = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2 - 6},{y2}"
    return Edge(path=path, count=count, label_x=mid, label_y=(y1 + y2) // 2 - 4, title=f"{a} → {b}")

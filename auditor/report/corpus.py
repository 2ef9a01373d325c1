"""What the corpus index shows: per-article verdicts, domain tallies and the re-post network.

The network is laid out here (columns by how far an outlet sits from an original source),
so the template only draws boxes and curves at the coordinates it is given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from auditor.models import Audit, Category, CheckMode
from auditor.report.runinfo import display_source
from auditor.report.slug import slug_for
from auditor.report.views import Bar, LinkRow, Verdict, link_rows, verdict

NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD = 190, 34, 110, 16, 12


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


def article_rows(audits: Sequence[Audit]) -> list[tuple[ArticleRow, list[LinkRow]]]:
    result = []
    for audit in audits:
        rows = link_rows(audit)
        v = verdict(audit, rows)
        meta, chain = audit.article.metadata, audit.article.crossposts
        flags = [f for f, on in (("broken", v.counts["broken"]), ("crossposted", v.crossposted)) if on]
        flags += ["state-media"] if v.any_state_media else []
        flags += ["offline"] if v.mode is CheckMode.OFFLINE else []
        flags += ["placeholders"] if v.counts["placeholder"] else []
        flags += ["unnamed"] if v.unnamed else []
        row = ArticleRow(
            href=slug_for(audit.article.source) + ".html",
            source=display_source(audit.article.source, audit.run),
            title=meta.title or audit.article.source,
            outlet=meta.outlet or meta.outlet_domain or "",
            published=meta.published or "",
            original=(chain[0].original_outlet or chain[0].outlet_domain or "?") if chain else "",
            verdict=v,
            flags=" ".join(flags),
        )
        result.append((row, rows))
    return result


def top_domains(all_rows: Sequence[LinkRow], limit: int = 15) -> list[Bar]:
    """Most-cited domains; the bars count links, in a neutral colour: no status is implied."""
    counts = Counter(r.domain for r in all_rows if r.domain and r.category != Category.SELF)
    category = {r.domain: r.category for r in all_rows if r.domain}
    return [
        Bar(label=d, note=category[d], total=n, segments=(("count", n),))
        for d, n in counts.most_common(limit)
    ]


def top_categories(all_rows: Sequence[LinkRow]) -> list[Bar]:
    counts = Counter(r.category or "unclassified" for r in all_rows if r.domain)
    return [Bar(label=c, note="", total=n, segments=(("count", n),)) for c, n in counts.most_common()]


def check_label(rows: Sequence[ArticleRow]) -> str:
    """What the index must say before its counts when links were not checked live."""
    offline = sum(1 for r in rows if r.verdict.mode is CheckMode.OFFLINE)
    replay = sum(1 for r in rows if r.verdict.mode is CheckMode.REPLAY)
    unchecked = sum(1 for r in rows if r.verdict.not_checked and r.verdict.web)
    if rows and unchecked == len(rows):
        return "Links not checked: offline."
    said = []
    if offline:
        said.append(
            f"{_articles(offline)} audited offline: links show their last real check where there is one"
            + (f" ({unchecked} with none)" if unchecked else "")
        )
    if replay:
        said.append(f"{_articles(replay)} checked from a recording (replay), not the live web")
    return "; ".join(said) + "." if said else ""


def _articles(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"


def failure_sources(failures: Sequence[tuple[str, str]], audits: Sequence[Audit]) -> list[tuple[str, str]]:
    """Failures named as the articles are, relative to a batch's folder (never a full path)."""
    folders = [a.run for a in audits if a.run is not None and a.run.folder]
    run = folders[0] if folders else None
    named = []
    for source, error in failure_rows(failures):
        shown = display_source(source, run)
        named.append((shown, error.replace(source, shown)))
    return named


def dead_domains(all_rows: Sequence[LinkRow], limit: int = 15) -> list[tuple[str, int, int]]:
    """(domain, broken links, checked links) for the domains with the most broken links."""
    checked: Counter[str] = Counter()
    broken: Counter[str] = Counter()
    for r in all_rows:
        if r.domain and r.group in ("alive", "moved", "broken", "blocked"):
            checked[r.domain] += 1
            broken[r.domain] += r.group == "broken"
    ranked = sorted((d for d in broken if broken[d]), key=lambda d: (-broken[d], -checked[d], d))
    return [(d, broken[d], checked[d]) for d in ranked[:limit]]


def network(audits: Sequence[Audit]) -> Network:
    """Outlet -> outlet edges along every article's chain, laid out left (originals) to right."""
    edges: Counter[tuple[str, str]] = Counter()
    for audit in audits:
        meta = audit.article.metadata
        names = [cp.original_outlet or cp.outlet_domain or "?" for cp in audit.article.crossposts]
        if not names:
            continue
        names.append(meta.outlet or meta.outlet_domain or audit.article.source)
        for a, b in pairwise(names):
            if a != b:
                edges[(a, b)] += 1
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

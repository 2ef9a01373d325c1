"""Precision and recall of attributions and cross-post steps over hand-labelled articles.

``tests/fixtures/attributions/labels.json`` maps each fixture file (beside it) to the sources
a careful reader finds in it (name, kind, first cue, role and outlet substrings, whether a
direct quote belongs to it) and to its cross-post chain. Labels for real articles kept
outside the project use the same shape; pass their file with ``--labels`` (an entry's key is
a path relative to the label file, or absolute).

    python benchmarks/eval_attributions.py [--labels FILE] [--min 0.85] [--repeat 20]

Prints per-article misses, then micro-averaged precision / recall / F1 of sources (by
name), cues (name + cue), cross-post steps (outlet + date), the accuracy of kind, role,
outlet, quote and cross-post methods on matched items, and the time per article of the
attribution and cross-post stages against parse + links + metadata. Exits 1 when source
precision or recall falls below ``--min``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.extract.attributions import OutletResolver, extract_attributions
from auditor.extract.crossposts import extract_crossposts
from auditor.extract.links import extract_links
from auditor.extract.metadata import extract_metadata
from auditor.load import load_path
from auditor.models import Attribution, CrossPost, Document, Link, Metadata
from auditor.parse import parse_document

LABELS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "attributions" / "labels.json"


def _key(name: str | None) -> str:
    low = re.sub(r"[^\w\s-]", "", (name or "").lower()).strip()
    return re.sub(r"^the\s+", "", low)


@dataclass
class Tally:
    """True positives, false positives and false negatives of one measure."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[Any], found: set[Any]) -> tuple[set[Any], set[Any]]:
        self.tp += len(gold & found)
        self.fp += len(found - gold)
        self.fn += len(gold - found)
        return found - gold, gold - found

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / max(1, self.tp + self.fp)
        r = self.tp / max(1, self.tp + self.fn)
        return p, r, 2 * p * r / max(1e-9, p + r)


@dataclass
class Scores:
    sources: Tally = field(default_factory=Tally)
    cues: Tally = field(default_factory=Tally)
    steps: Tally = field(default_factory=Tally)
    checks: dict[str, list[bool]] = field(default_factory=dict)
    stage_ms: list[float] = field(default_factory=list)
    base_ms: list[float] = field(default_factory=list)

    def check(self, name: str, ok: bool) -> None:
        self.checks.setdefault(name, []).append(ok)


def _resolver() -> OutletResolver | None:
    try:
        from auditor.classify.domains import default_table
    except ImportError:
        return None
    outlet: Callable[..., Any] = default_table().outlet
    return outlet


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    start = time.perf_counter()
    result = None
    for _ in range(repeat):
        result = fn()
    return result, (time.perf_counter() - start) * 1000 / repeat


def _score_sources(gold: list[dict[str, Any]], found: tuple[Attribution, ...], scores: Scores) -> list[str]:
    by_key = {_key(a.source): a for a in found}
    extra, missed = scores.sources.add({_key(g["source"]) for g in gold}, set(by_key))
    cue_extra, _ = scores.cues.add(
        {(_key(g["source"]), g["cue"]) for g in gold}, {(k, a.cue) for k, a in by_key.items()}
    )
    lines = [
        f"    extra source  {by_key[k].source!r} ({by_key[k].cue}): {by_key[k].evidence[:90]}"
        for k in sorted(extra)
    ]
    lines += [f"    missed source {k!r}" for k in sorted(missed)]
    lines += [f"    cue {k!r}: found {c!r}" for k, c in sorted(cue_extra) if k not in extra]
    for g in gold:
        a = by_key.get(_key(g["source"]))
        if a is None:
            continue
        scores.check("kind", a.kind.value == g["kind"])
        scores.check("quote", (a.quote is not None) == g.get("quote", False))
        if g.get("role"):
            scores.check("role", g["role"].lower() in (a.role or "").lower())
        scores.check("outlet", _key(g.get("outlet")) == _key(a.outlet))
        for name, ok in (
            ("kind", a.kind.value == g["kind"]),
            ("outlet", _key(g.get("outlet")) == _key(a.outlet)),
        ):
            if not ok:
                lines.append(f"    {name} of {g['source']!r}: found {getattr(a, name)!r}")
    return lines


def _score_steps(gold: list[dict[str, Any]], found: tuple[CrossPost, ...], scores: Scores) -> list[str]:
    extra, missed = scores.steps.add(
        {(_key(g["original_outlet"]), g.get("published")) for g in gold},
        {(_key(c.original_outlet), c.published) for c in found},
    )
    for g, c in zip(gold, found, strict=False):
        scores.check("chain order", _key(g["original_outlet"]) == _key(c.original_outlet))
        scores.check("step methods", set(g["methods"]) == {m.value for m in c.methods})
    return [f"    extra step  {e}" for e in sorted(extra, key=str)] + [
        f"    missed step {m}" for m in sorted(missed, key=str)
    ]


def run_article(
    path: Path, resolve: OutletResolver | None, repeat: int
) -> tuple[tuple[Attribution, ...], tuple[CrossPost, ...], float, float]:
    """Attributions and chain of one article, with the mean ms of our stages and of the rest."""

    def base() -> tuple[Document, Metadata, tuple[Link, ...]]:
        doc = parse_document(load_path(path))
        return doc, extract_metadata(doc), extract_links(doc)

    (doc, metadata, links), base_ms = _timed(base, repeat)

    def stages() -> tuple[tuple[Attribution, ...], tuple[CrossPost, ...]]:
        return (
            extract_attributions(doc, links, metadata, resolve),
            extract_crossposts(doc, metadata, links, resolve),
        )

    (found, chain), stage_ms = _timed(stages, repeat)
    return found, chain, stage_ms, base_ms


def evaluate(label_file: Path, repeat: int) -> tuple[Scores, list[str]]:
    labels = json.loads(label_file.read_text(encoding="utf-8"))
    resolve = _resolver()
    scores = Scores()
    lines: list[str] = []
    for name, gold in labels.items():
        if name.startswith("_"):
            continue
        path = Path(name) if Path(name).is_absolute() else label_file.parent / name
        if not path.exists():
            lines.append(f"{name}: missing, skipped")
            continue
        found, chain, stage_ms, base_ms = run_article(path, resolve, repeat)
        scores.base_ms.append(base_ms)
        scores.stage_ms.append(stage_ms)
        lines.append(f"{name}: {len(found)} sources, {len(chain)} cross-post steps, {stage_ms:.2f} ms")
        lines += _score_sources(gold["sources"], found, scores)
        lines += _score_steps(gold.get("crossposts", []), chain, scores)
    return scores, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--min", type=float, default=0.85, help="fail below this source precision or recall")
    parser.add_argument("--repeat", type=int, default=20, help="runs per article for the timing")
    args = parser.parse_args(argv)
    scores, lines = evaluate(args.labels, max(1, args.repeat))
    print("\n".join(lines))
    print()
    for label, tally in (
        ("sources", scores.sources),
        ("cues", scores.cues),
        ("cross-post steps", scores.steps),
    ):
        p, r, f = tally.prf()
        print(
            f"{label:<17} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}  (tp {tally.tp}, fp {tally.fp}, fn {tally.fn})"
        )
    for name, oks in scores.checks.items():
        print(f"{name:<17} accuracy  {sum(oks) / len(oks):.3f}  ({sum(oks)}/{len(oks)} matched items)")
    n = max(1, len(scores.stage_ms))
    stage, base = sum(scores.stage_ms) / n, sum(scores.base_ms) / n
    print(
        f"time per article  attributions + cross-posts {stage:.2f} ms; parse + links + metadata {base:.2f} ms"
    )
    p, r, _ = scores.sources.prf()
    return 0 if p >= args.min and r >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())

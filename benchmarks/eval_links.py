"""Precision and recall of the body-link set over hand-labelled pages.

Each ``tests/fixtures/labelled/NAME.json`` lists the hrefs (as written) of the links that
are part of what the author wrote; the page is ``NAME.html`` beside it, or the file named by
its ``"page"`` key. Hrefs are compared as multisets, so a link cited twice counts twice.

    python benchmarks/eval_links.py [LABEL_DIR] [--min 0.95]

Exits 1 when the micro-averaged precision or recall falls below ``--min``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from auditor.extract.links import extract_links
from auditor.load import load_path
from auditor.models import Region
from auditor.parse import parse_document

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "labelled"


def score_page(label_file: Path) -> tuple[Counter[str], Counter[str]]:
    """(expected, found) body hrefs of one labelled page."""
    label = json.loads(label_file.read_text(encoding="utf-8"))
    page = label_file.parent / label.get("page", label_file.with_suffix(".html").name)
    doc = parse_document(load_path(page))
    found = Counter(link.href for link in extract_links(doc) if link.region is Region.BODY)
    return Counter(label["body"]), found


def evaluate(label_dir: Path) -> tuple[float, float, list[str]]:
    """Micro-averaged (precision, recall) and one report line per page."""
    lines: list[str] = []
    tp = fp = fn = 0
    for label_file in sorted(label_dir.glob("*.json")):
        expected, found = score_page(label_file)
        hit = sum((expected & found).values())
        extra, missed = found - expected, expected - found
        tp, fp, fn = tp + hit, fp + sum(extra.values()), fn + sum(missed.values())
        p = hit / max(1, sum(found.values()))
        r = hit / max(1, sum(expected.values()))
        lines.append(f"{label_file.stem:<22} precision {p:.3f}  recall {r:.3f}")
        lines.extend(f"    extra  {h}" for h in extra.elements())
        lines.extend(f"    missed {h}" for h in missed.elements())
    return tp / max(1, tp + fp), tp / max(1, tp + fn), lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("label_dir", nargs="?", type=Path, default=LABELLED)
    parser.add_argument("--min", type=float, default=0.95, help="fail below this precision or recall")
    args = parser.parse_args(argv)
    precision, recall, lines = evaluate(args.label_dir)
    print("\n".join(lines))
    print(f"{'ALL (micro)':<22} precision {precision:.3f}  recall {recall:.3f}")
    return 0 if min(precision, recall) >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())

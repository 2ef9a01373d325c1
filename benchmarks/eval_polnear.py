"""Attributions on real political news: the auditor beside a naive said-verb rule, on PolNeAR.

Each article of a split (``../shared/devset/polnear/<split>.jsonl``, headline as line 1) is
run through the auditor's whole extraction as a text article, in this one process; the naive
rule (``naive_said.py``) runs on the same articles. Both prediction files are then scored by
the devset's own ``score.py``, whose table is printed as is: detection P/R/F1 (one predicted
mention sentence to one gold attribution whose cue it covers), source accuracy on matched
pairs with a named gold source, entity P/R/F1 over each article's source list, and
named-source recall (``nsR``). The rules live in ``score.py``'s docstring and code.

    python benchmarks/eval_polnear.py [--split dev|train] [--limit N] [--errors FILE] [--keep DIR]

Skips with a message (exit 0) when the shared devset is absent. Tune on train and dev only.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.classify.domains import default_table
from auditor.cli.jsonout import attribution_json
from auditor.load import load_bytes
from auditor.pipeline import extract_raw
from benchmarks.naive_said import naive_attributions

DEVSET = Path(__file__).resolve().parent.parent.parent / "shared" / "devset" / "polnear"


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def _predict(
    articles: list[dict[str, Any]], tool: Callable[[dict[str, Any]], list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], float]:
    rows = []
    total = 0.0
    for art in articles:
        start = time.perf_counter()
        found = tool(art)
        seconds = time.perf_counter() - start
        total += seconds
        rows.append({"name": art["name"], "seconds": seconds, "attributions": found})
    return rows, total


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _predictions(articles: list[dict[str, Any]], common: ModuleType, out: Path) -> list[str]:
    """Run the auditor and the naive rule over ``articles``; the paths of their prediction files."""
    table = default_table()

    def auditor(art: dict[str, Any]) -> list[dict[str, Any]]:
        raw = load_bytes(art["text"].encode("utf-8"), f"{art['name']}.txt")
        return [attribution_json(a) for a in extract_raw(raw, table=table).attributions]

    def naive(art: dict[str, Any]) -> list[dict[str, Any]]:
        return naive_attributions(art["text"], common.split_sentences)

    auditor(articles[0])  # warm imports and caches
    paths = []
    for name, tool in (("auditor", auditor), ("naive-said-verb", naive)):
        rows, seconds = _predict(articles, tool)
        path = out / f"{name}.jsonl"
        _write(path, rows)
        paths.append(str(path))
        print(
            f"{name}: {len(articles)} articles in {seconds:.2f} s ({seconds / len(articles) * 1000:.1f} ms each)"
        )
    return paths


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument(
        "--data", type=Path, default=DEVSET, help="the polnear folder (score.py, <split>.jsonl)"
    )
    parser.add_argument("--limit", type=int, default=0, help="first N articles only (0: all)")
    parser.add_argument("--errors", type=Path, help="write the auditor's error list here (JSON Lines)")
    parser.add_argument("--json", type=Path, help="write score.py's full summaries here")
    parser.add_argument("--keep", type=Path, help="keep the prediction files in this folder")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    split_file = args.data / f"{args.split}.jsonl"
    if not split_file.is_file() or not (args.data / "score.py").is_file():
        print(f"eval_polnear: skipped, {split_file} or score.py not found (the shared devset is absent)")
        return 0
    common = _module(args.data / "common.py")
    score = _module(args.data / "score.py")
    with split_file.open(encoding="utf-8") as fh:
        articles = [json.loads(line) for line in fh]
    if args.limit:
        articles = articles[: args.limit]
    out = args.keep or Path(tempfile.mkdtemp(prefix="eval-polnear-"))
    out.mkdir(parents=True, exist_ok=True)
    paths = _predictions(articles, common, out)
    data = args.data
    if args.limit:  # score.py reads the split from a folder: give it the articles we ran
        (out / f"{args.split}.jsonl").write_text(
            "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8"
        )
        data = out
    cmd = [*paths, "--split", args.split, "--data", str(data)]
    if args.errors:
        cmd += ["--errors", str(args.errors)]
    if args.json:
        cmd += ["--json", str(args.json)]
    result: int = score.main(cmd)
    return result


if __name__ == "__main__":
    raise SystemExit(main())

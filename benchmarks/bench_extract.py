"""Extraction throughput: auditor's extract against trafilatura.extract on the same pages.

Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_extract.py [--pages N]``.
Each tool runs in its own child process so that peak RSS is that tool's alone. Times are the
child's CPU time, the fastest of ``--repeat`` interleaved runs, so that other work on a shared
machine weighs less on them (quote the load average beside them all the same). The share of
the attribution and cross-post stages is the full extract against the same extract with those
two stages switched off.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import corpus


def _run(tool: str, pages: list[str], out: mp.Queue) -> None:  # type: ignore[type-arg]
    if tool == "auditor":
        from auditor.load import load_bytes
        from auditor.pipeline import extract_raw

        def one(html: str) -> int:
            article = extract_raw(load_bytes(html.encode(), "bench.html"))
            return len(article.links) + len(article.attributions)
    elif tool == "auditor-no-attrib":
        import auditor.pipeline as pipeline
        from auditor.load import load_bytes

        # The same full extract with the two stages under test switched off: the difference
        # is their cost alone, where "links-only" also leaves out classification and the rest.
        pipeline.extract_attributions = lambda *_args, **_kw: ()  # type: ignore[assignment]
        pipeline.extract_crossposts = lambda *_args, **_kw: ()  # type: ignore[assignment]

        def one(html: str) -> int:
            article = pipeline.extract_raw(load_bytes(html.encode(), "bench.html"))
            return len(article.links)
    elif tool == "auditor-links-only":
        from auditor.extract.links import extract_links
        from auditor.extract.metadata import extract_metadata
        from auditor.load import load_bytes
        from auditor.parse import parse_document

        def one(html: str) -> int:
            doc = parse_document(load_bytes(html.encode(), "bench.html"))
            extract_metadata(doc)
            return len(extract_links(doc))
    else:
        import trafilatura

        def one(html: str) -> int:
            return len(trafilatura.extract(html, with_metadata=True, include_links=True) or "")

    one(pages[0])  # warm imports and caches
    start = time.process_time()
    items = sum(one(p) for p in pages)
    elapsed = time.process_time() - start
    out.put((elapsed, items, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(tool: str, pages: list[str]) -> tuple[float, int, float]:
    ctx = mp.get_context("fork")
    q: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    proc = ctx.Process(target=_run, args=(tool, pages, q))
    proc.start()
    result = q.get()
    proc.join()
    return result  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per tool, interleaved; the fastest counts"
    )
    args = parser.parse_args()
    pages = corpus(args.pages)
    size = sum(len(p) for p in pages) / len(pages) / 1024
    links = sum(p.count("<a ") for p in pages) / len(pages)
    print(f"corpus: {len(pages)} pages, mean {size:.0f} KB, mean {links:.0f} links/page")
    results: dict[str, float] = {}
    peak: dict[str, float] = {}
    missing: set[str] = set()
    for _ in range(max(1, args.repeat)):
        for tool in ("auditor", "auditor-no-attrib", "auditor-links-only", "trafilatura"):
            if tool in missing:
                continue
            try:
                elapsed, _items, rss = measure(tool, pages)
            except ImportError:
                print(f"{tool}: not installed (pip install -e '.[bench]')")
                missing.add(tool)
                continue
            results[tool] = min(elapsed, results.get(tool, elapsed))
            peak[tool] = max(rss, peak.get(tool, rss))
    for tool, elapsed in results.items():
        print(
            f"{tool:>20}: {len(pages) / elapsed:6.1f} pages/s  {elapsed / len(pages) * 1000:6.1f} ms/page  peak RSS {peak[tool]:.0f} MB"
        )
    if "auditor" in results and "trafilatura" in results:
        print(
            f"auditor full extract vs trafilatura.extract: {results['trafilatura'] / results['auditor']:.2f}x the speed"
        )
    if "auditor" in results and "auditor-no-attrib" in results:
        share = 1 - results["auditor-no-attrib"] / results["auditor"]
        print(
            f"attribution + cross-post share of extract time: {share:.0%} (full extract against itself without them)"
        )
    if "auditor" in results and "auditor-links-only" in results:
        share = 1 - results["auditor-links-only"] / results["auditor"]
        print(f"everything after parse + links + metadata, as a share of extract time: {share:.0%}")


if __name__ == "__main__":
    main()

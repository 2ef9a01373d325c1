"""The heaviest hostile articles we know of: time and peak memory of ``auditor extract`` on each.

Run: ``.venv/bin/python benchmarks/hostile.py [--only NAME ...] [--scale F] [--limit SECONDS]``.
Each input is written to a temporary folder and extracted in a child process of its own
(``python -m auditor extract``), so the peak RSS printed is that article's alone; a child
still running after ``--limit`` seconds is killed and shown as such. The inputs are made
here, never copied from real pages: each reproduces one pattern a hostile page can use.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def long_host(scale: float) -> tuple[str, str]:
    """One link whose host has ~50,000 labels (100 KB): a DNS name can have at most 127."""
    labels = int(50_000 * scale)
    return (
        "long-host.html",
        f'<html><body><p>See <a href="https://{"a." * labels}com/">this</a>.</p></body></html>',
    )


def many_attributes(scale: float) -> tuple[str, str]:
    """One tag carrying ~70,000 distinct attributes (0.7 MB)."""
    attrs = " ".join(f"a{i}=1" for i in range(int(70_000 * scale)))
    return "many-attributes.html", f"<html><body><div {attrs}><p>Text.</p></div></body></html>"


def many_links(scale: float) -> tuple[str, str]:
    """250,000 links in one paragraph (13.5 MB)."""
    links = "".join(f'<a href="https://e{i % 97}.example/p{i}">l</a> ' for i in range(int(250_000 * scale)))
    return "many-links.html", f"<html><body><article><p>{links}</p></article></body></html>"


def markdown_references(scale: float) -> tuple[str, str]:
    """100,000 reference-style links and their definitions."""
    n = int(100_000 * scale)
    uses = " ".join(f"[t{i}][r{i}]" for i in range(n))
    defs = "\n".join(f"[r{i}]: https://example.com/{i}" for i in range(n))
    return "references.md", f"# Title\n\n{uses}\n\n{defs}\n"


def markdown_brackets(scale: float) -> tuple[str, str]:
    """200,000 opening brackets in one paragraph."""
    return "brackets.md", "# Title\n\n" + "[" * int(200_000 * scale) + " end\n"


def attribution_sentences(scale: float) -> tuple[str, str]:
    """3 MB of attribution sentences: a different speaker, role and outlet in each."""
    first = "Anna Ben Carla Dmitri Elena Farid Greta Hugo Ines Jonas Kira Lars Mona Nils Olga Pavel".split()
    last = "Berg Costa Dahl Eriksen Fischer Gomez Horvat Ivanova Jensen Kowalski Larsen Moreau".split()
    sentences = []
    size, i = 0, 0
    while size < 3_000_000 * scale:
        who = f"{first[i % len(first)]} {last[(i // len(first)) % len(last)]}"
        one = (f'"The figures for quarter {i} are wrong," said {who}, a senior analyst at the '
               f"Institute {i % 50}, told Outlet {i % 30} on Monday. ")  # fmt: skip
        sentences.append(one)
        size += len(one)
        i += 1
    paras = "\n\n".join("".join(sentences[j : j + 8]) for j in range(0, len(sentences), 8))
    return "attributions.md", f"# Title\n\n{paras}\n"


INPUTS: dict[str, Callable[[float], tuple[str, str]]] = {
    "long-host": long_host,
    "many-attributes": many_attributes,
    "many-links": many_links,
    "md-references": markdown_references,
    "md-brackets": markdown_brackets,
    "attributions": attribution_sentences,
}


def measure(path: Path, limit: float) -> tuple[float, float, float, int | None, str]:
    """Wall and CPU seconds, peak RSS (MB), exit status (None if killed at the limit), and the
    last stderr line. CPU time is the figure to compare on a busy machine."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "auditor", "extract", "--compact", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _out, err = child.communicate(timeout=limit)
        code: int | None = child.returncode
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        _out, err = child.communicate()
        code = None
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # our only child
    lines = [line for line in (err or "").splitlines() if line.strip()]
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss / 1024, code, lines[-1][:120] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(INPUTS), help="Run only these inputs.")
    parser.add_argument("--scale", type=float, default=1.0, help="Multiply every input's size.")
    parser.add_argument("--limit", type=float, default=180.0, help="Kill a child after this many seconds.")
    args = parser.parse_args()
    names = args.only or list(INPUTS)
    if len(names) > 1:
        # RUSAGE_CHILDREN only ever grows: re-run this script once per input for exact peaks.
        for name in names:
            subprocess.run([sys.executable, __file__, "--only", name, "--scale", str(args.scale),
                            "--limit", str(args.limit)], check=False)  # fmt: skip
        return
    name = names[0]
    with tempfile.TemporaryDirectory(prefix="auditor-hostile-") as folder:
        file_name, text = INPUTS[name](args.scale)
        path = Path(folder) / file_name
        path.write_text(text, encoding="utf-8")
        elapsed, cpu, rss, code, last = measure(path, args.limit)
        load = os.getloadavg()[0]
        ended = "killed at the limit" if code is None else f"exit {code}"
        size = path.stat().st_size / 1e6
        print(f"{name:16} {size:6.2f} MB  wall {elapsed:6.1f} s  CPU {cpu:6.1f} s  peak RSS {rss:6.0f} MB  "
              f"{ended:12} load {load:.2f}  {last}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

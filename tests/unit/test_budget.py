"""The per-article budget: CPU time and memory, cooperative first, then the watchdog, then the kernel."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditor.budget import within
from auditor.errors import OverBudget
from auditor.models import Budget
from tests.conftest import ROOT


def _burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_an_article_over_its_cpu_time_is_stopped_and_named() -> None:
    budget = Budget(seconds=0.3, memory_mb=0)
    with pytest.raises(OverBudget, match=r"^a\.html: over the 0\.3 s CPU budget"), within(budget, "a.html"):
        _burn(5)
    _burn(0.5)  # the timer is gone once the article is done


def test_a_broad_except_in_a_stage_cannot_swallow_the_budget() -> None:
    with pytest.raises(OverBudget), within(Budget(seconds=0.2, memory_mb=0), "a.html"):
        try:
            _burn(5)
        except Exception:  # a stage that swallows everything: the timer fires again
            _burn(5)


def test_an_article_over_its_memory_is_stopped_and_named() -> None:
    hog: list[bytearray] = []
    budget = Budget(seconds=0, memory_mb=64)
    with pytest.raises(OverBudget, match=r"over the 64 MB memory budget"), within(budget, "a.html"):
        for _ in range(50):
            hog.append(bytearray(8 * 1024 * 1024))  # 400 MB in all
    hog.clear()
    hog.append(bytearray(256 * 1024 * 1024))  # the cap is lifted afterwards


_STUCK = """
import hashlib, sys
from auditor.budget import within
from auditor.models import Budget
with within(Budget(seconds=0.3, memory_mb=0), "stuck.html", worker=sys.argv[1] == "worker"):
    if sys.argv[2] == "gil-released":
        hashlib.pbkdf2_hmac("sha256", b"x", b"y", 10**9)  # one C call, minutes long
    else:
        sum(range(10**12))  # one C call holding the GIL that never checks for signals
print("finished")
"""


def _stuck(mode: str, call: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _STUCK, mode, call],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_cli_stuck_in_one_c_call_ends_with_one_line() -> None:
    done = _stuck("cli", "gil-released")
    assert done.returncode == 2 and "finished" not in done.stdout
    assert (
        done.stderr.strip()
        == "auditor: error: stuck.html: over the 0.3 s CPU budget for one article (raise it with --article-seconds)"
    )


def test_a_worker_stuck_in_one_c_call_ends_with_the_budget_status() -> None:
    from auditor.budget import EXIT_OVER_BUDGET

    assert _stuck("worker", "gil-released").returncode == EXIT_OVER_BUDGET


def test_a_worker_stuck_holding_the_gil_is_ended_by_the_kernel() -> None:
    done = _stuck("worker", "gil-held")
    assert done.returncode == -signal.SIGXCPU and "finished" not in done.stdout


def stuck_article(path: str, _max_bytes: int, _domains: str | None, budget: Budget | None) -> str:
    """A parser stuck in one C call (run in a parsing worker by the test below)."""
    import hashlib

    with within(budget, path, worker=True):
        hashlib.pbkdf2_hmac("sha256", b"x", b"y", 10**9)
    return "finished"


def test_a_worker_ended_by_its_budget_is_a_named_failure(tmp_path: Path) -> None:
    import asyncio

    from auditor.batch import ParsePool

    pool = ParsePool(1, max_bytes=1024, domains_file=None, budget=Budget(seconds=0.3), work=stuck_article)

    async def run() -> list[object]:
        paths = [tmp_path / "stuck.html"]
        return list(await pool.results(paths, pool.submit(paths)))

    try:
        [reason] = asyncio.run(run())
    finally:
        pool.close(abort=True)
    assert isinstance(reason, str) and reason.startswith(str(tmp_path / "stuck.html"))
    assert "over the 0.3 s CPU budget for one article, stuck in a parser" in reason

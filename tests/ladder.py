"""Size ladders: how work grows with input, asserted without absolute time thresholds.

A hostile article should cost time in proportion to its size. ``growth`` times the same work
at size ``n`` and ``4n`` (best of a few runs, so a busy machine rarely skews it) and returns
the ratio: about 4 when the cost is linear, 16 when it is quadratic. Tests assert a generous
bound (8) that a linear stage passes on a loaded machine and a quadratic one cannot.
"""

from __future__ import annotations

import time
from collections.abc import Callable

LINEAR = 8.0  # the bound tests assert: halfway (on a log scale) between linear and quadratic


MIN_TIME = 0.02  # seconds a measurement must last, so timer noise cannot make the ratio


def _best(work: Callable[[int], object], size: int, repeat: int, loops: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(loops):
            work(size)
        times.append(time.perf_counter() - start)
    return min(times)


def growth(work: Callable[[int], object], n: int, *, repeat: int = 3) -> float:
    """Time of ``work(4 * n)`` over time of ``work(n)`` (each repeated until it lasts ``MIN_TIME``)."""
    start = time.perf_counter()
    work(n)  # imports, caches
    once = max(time.perf_counter() - start, 1e-6)
    loops = max(1, int(MIN_TIME / once) + 1)
    return _best(work, 4 * n, repeat, loops) / _best(work, n, repeat, loops)

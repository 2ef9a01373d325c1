"""Which process is which: a pid alone is not an identity (pids are reused, and a killed
process stays a zombie, still answering ``kill(pid, 0)``, until its parent reaps it).

An identity is the pid with the process's start time (``/proc/<pid>/stat``, field 22, in clock
ticks since boot), so a batch's workers and the database lock both tell "my batch is still
running" from "a process with that number exists".
"""

from __future__ import annotations

import os
from pathlib import Path

_PROC = Path("/proc")


def process_identity(pid: int) -> str:
    """A string naming the running process ``pid``; empty when it is gone or a zombie."""
    if not (_PROC / "self" / "stat").exists():  # no /proc (macOS): the pid is all there is
        return _alive_without_proc(pid)
    try:
        stat = (_PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    fields = stat[stat.rfind(")") + 2 :].split()  # the name in parentheses may hold spaces
    state, started = fields[0], fields[19]
    return "" if state in {"Z", "X", "x"} else f"{pid}:{started}"


def _alive_without_proc(pid: int) -> str:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return ""
    except PermissionError:
        pass
    return f"{pid}:?"


def same_process(pid: int, identity: str) -> bool:
    """True while the process that had ``identity`` runs (not a zombie, not a reused pid)."""
    return bool(identity) and process_identity(pid) == identity

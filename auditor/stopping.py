"""Ctrl-C and SIGTERM at any moment: one line on stderr and exit 130 / 143, never a traceback.

SIGTERM (``kill``, a service manager stopping a batch) does what Ctrl-C does at that moment:
it calls the current SIGINT handler, so inside ``asyncio.run`` the runner cancels its main task
gracefully and everywhere else ``KeyboardInterrupt`` is raised. Every clean-stop path (cancel
the chunk in flight, stop the parsing workers, mark the run interrupted) so serves both; only
the exit status and the word differ.

This module is imported first by the entry point, before typer, rich or the pipeline, so a
signal while those load is caught too. It stays tiny and imports nothing of ours.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import NoReturn

_state: dict[str, int | bool] = {"signal": signal.SIGINT, "said": False}
RESUME = "; what was finished is saved (rerun to resume)"


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    _state["signal"] = signal.SIGTERM
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler) and handler is not _on_sigterm:
        handler(signal.SIGINT, frame)
    else:
        raise KeyboardInterrupt


def install() -> None:
    """Ctrl-C raises ``KeyboardInterrupt`` (so ``asyncio.run`` can stop gracefully) and
    SIGTERM does the same."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _on_sigterm)


def exit_code() -> int:
    """130 after Ctrl-C, 143 after SIGTERM (the shell's 128 + signal number)."""
    return 128 + int(_state["signal"])


def say(rest: str = RESUME) -> None:
    """``auditor: interrupted<rest>`` (or ``terminated``) on stderr, once per process."""
    if not _state["said"]:
        _state["said"] = True
        word = "terminated" if _state["signal"] == signal.SIGTERM else "interrupted"
        print(f"auditor: {word}{rest}", file=sys.stderr, flush=True)


@contextmanager
def guarded() -> Iterator[None]:
    """The entry point's frame: whatever stopped the run says it in one line, with its status."""
    install()
    try:
        yield
    except KeyboardInterrupt:
        say()
        _leave(exit_code())
    except SystemExit as exc:
        if exc.code in (130, 143):  # typer turns KeyboardInterrupt into a silent exit 130
            say()
            _leave(exit_code())
        raise
    except Exception as exc:
        if not _caused_by_interrupt(exc):
            raise
        say()  # e.g. Ctrl-C while a class is created: Python wraps it in a RuntimeError
        _leave(exit_code())
    finally:
        # The run is over; a signal while the interpreter tears down must not print a traceback.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _caused_by_interrupt(exc: BaseException) -> bool:
    seen: set[int] = set()
    chain: BaseException | None = exc
    while chain is not None and id(chain) not in seen:
        if isinstance(chain, KeyboardInterrupt):
            return True
        seen.add(id(chain))
        chain = chain.__cause__ or chain.__context__
    return False


def _leave(code: int) -> NoReturn:
    """Exit with ``code`` now, not through ``SystemExit``: CPython 3.11 remembers a
    ``KeyboardInterrupt`` that once passed through ``exec`` of a string (dataclasses and
    typer build code that way while loading), and then kills itself with SIGINT at exit
    whatever status was asked for. Everything the run owed was cleaned up on the way here."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    os._exit(code)

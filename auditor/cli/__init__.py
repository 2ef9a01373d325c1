"""The command line: each command parses options, calls one plain function, sets the exit code.

The edge of the program, kept apart from the stages: ``app`` and the shared options, one
module per command, the terminal (``terminal``), the JSON and CSV writers (``jsonout``,
``csvout``) and the link checker's command logic (``linkcheck``). Our failures are ``AuditorError``s, printed once by
``main`` as one line on stderr with exit 2; nothing below this package knows the terminal.
"""

from __future__ import annotations

import sys

import typer

from auditor.cli import audit, batch, check, export, extract, report  # noqa: F401  (they register commands)
from auditor.cli.app import app
from auditor.errors import AuditorError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point. Usage errors and ours are one line on stderr with exit 2, never a box."""

    def clean(text: str) -> str:  # messages quote hostile file names and servers
        from auditor.cli.terminal import clean as strip  # rich, only when there is a message

        return " ".join(strip(text).split())

    try:
        code = app(standalone_mode=False, prog_name="auditor")
    except _ClickException as exc:  # a usage error: what is wrong, and where help is
        line = _usage_line(exc)
        if line:  # empty when `auditor` alone has printed its help: nothing is wrong
            print(f"auditor: error: {clean(line)}", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", 2))
    except AuditorError as exc:
        print(f"auditor: error: {clean(str(exc))}", file=sys.stderr)
        sys.exit(2)
    except (KeyboardInterrupt, typer.Abort):
        from auditor import stopping

        stopping.say()
        sys.exit(stopping.exit_code())
    except OSError as exc:  # a disk that fills up or a folder that vanishes mid-run
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"auditor: error: {clean(where + str(exc.strerror or exc))}", file=sys.stderr)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


# typer ships click under its own name in recent versions and uses click itself in older
# ones; its public ``BadParameter`` derives from whichever ``ClickException`` is in use.
_ClickException: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


def _usage_line(exc: Exception) -> str:
    """``audit: missing argument 'SOURCE'; see 'auditor audit --help'``: one line."""
    message = str(exc.format_message()).strip().rstrip(".")  # type: ignore[attr-defined]
    message = message[:1].lower() + message[1:]
    ctx = getattr(exc, "ctx", None)
    if ctx is None or not message:
        return message
    path = ctx.command_path
    command = path.removeprefix("auditor").strip()
    return f"{command + ': ' if command else ''}{message}; see '{path} --help'"

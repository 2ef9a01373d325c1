"""The command line: each command parses options, calls one plain function, sets the exit code.

The edge of the program, kept apart from the stages: ``app`` and the shared options, one
module per command, the terminal (``terminal``), the JSON writer (``jsonout``) and the link
checker's command logic (``linkcheck``). Our failures are ``AuditorError``s, printed once by
``main`` as one line on stderr with exit 2; nothing below this package knows the terminal.
"""

from __future__ import annotations

import sys

from auditor.cli import audit, batch, check, extract, report  # noqa: F401  (they register commands)
from auditor.cli.app import app
from auditor.errors import AuditorError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point. Typer reports usage errors itself (exit 2); ours become one line, exit 2."""

    def clean(text: str) -> str:  # messages quote hostile file names and servers
        from auditor.cli.terminal import clean as strip  # rich, only when there is a message

        return strip(text)

    try:
        app()
    except AuditorError as exc:
        print(f"auditor: error: {clean(str(exc))}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        from auditor import stopping

        stopping.say()
        sys.exit(stopping.exit_code())
    except OSError as exc:  # a disk that fills up or a folder that vanishes mid-run
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"auditor: error: {clean(where + str(exc.strerror or exc))}", file=sys.stderr)
        sys.exit(2)

"""``python -m auditor`` and the ``auditor`` command.

Signals are handled before anything heavy is imported: a Ctrl-C while the interpreter and
typer load is one line and exit 130 (143 for SIGTERM), like a Ctrl-C at any later moment.
"""

import os
import signal
import sys


def _while_loading(signum: int, _frame: object) -> None:
    """Nothing has started yet: say so and leave (no clean-up is owed)."""
    word = "terminated" if signum == signal.SIGTERM else "interrupted"
    sys.stderr.write(f"auditor: {word} while starting; nothing was done\n")
    sys.stderr.flush()
    os._exit(128 + signum)


signal.signal(signal.SIGINT, _while_loading)
signal.signal(signal.SIGTERM, _while_loading)


def main() -> None:
    from auditor.stopping import guarded

    with guarded():
        from auditor.cli import main as cli_main

        cli_main()


if __name__ == "__main__":
    main()

"""Our exceptions, caught once at the CLI's top and printed as one line (exit 2).

    AuditorError            anything the user can act on
    ├── InputError          a path or URL we cannot read: missing, empty, binary, too big
    ├── ParseError          content we cannot turn into a document
    │   └── OverBudget      an article that costs more CPU time or memory than allowed
    ├── StoreError          the database cannot be opened or written
    ├── CassetteError       a cassette file is missing or malformed
    └── NetworkUnreachable  no host answered: links left unchecked (exit ``EXIT_NETWORK``)

Link outcomes are never exceptions: they are ``Status`` values on a ``CheckResult``.
"""

from __future__ import annotations


class AuditorError(Exception):
    """Base class: the message is one line that tells the user what to do."""


class InputError(AuditorError):
    pass


class ParseError(AuditorError):
    pass


class StoreError(AuditorError):
    pass


class CassetteError(AuditorError):
    pass


class OverBudget(ParseError):
    """Extraction of one article went over its CPU-time or memory budget (``models.Budget``)."""


# sysexits.h EX_TEMPFAIL: "a temporary failure; the user is invited to retry". Not 1 (what
# --fail-on found) nor 2 (usage and input): nothing is wrong with the links or the command.
EXIT_NETWORK = 75


class NetworkUnreachable(AuditorError):
    """The network looked unreachable while checking; nothing about the links is known."""


def network_message(down: str, unchecked: int) -> str:
    """The one line a user reads when the network is gone, and what to do about it."""
    return (
        f"the network looks unreachable: {down}; {unchecked} link{'s' if unchecked != 1 else ''} left"
        " unchecked, nothing cached. Check the connection and rerun, or use --offline to audit without it"
    )

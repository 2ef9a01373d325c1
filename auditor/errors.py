"""Our exceptions, caught once at the CLI's top and printed as one line (exit 2).

    AuditorError            anything the user can act on
    ├── InputError          a path or URL we cannot read: missing, empty, binary, too big
    ├── ParseError          content we cannot turn into a document
    │   └── OverBudget      an article that costs more CPU time or memory than allowed
    ├── StoreError          the database cannot be opened or written
    └── CassetteError       a cassette file is missing or malformed

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

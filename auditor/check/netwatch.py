"""Dead links or a dead network? Reading request failures across hosts.

A failed request says something about one host only when something on the other side
replied: a name server saying the name does not exist (NXDOMAIN), a host refusing or
resetting the connection, a server that accepted the connection and then went quiet. Those
failures are *answered*: facts about the link. A failure is *unanswered* when nothing
replied at all: no name server reachable (``EAI_AGAIN``), no route (``ENETUNREACH``), a
connection attempt that timed out. One unanswered failure is a fact about a host; the same
from nearly every host at once is a fact about our own network, and reporting it as forty
dead links would be false.

:class:`NetworkWatch` sees every request's outcome per host and calls the network down when

* no host has answered anything in this run and at least half of the hosts tried (two at
  least) failed unanswered: the network was never there; or
* of the last ``window`` distinct hosts with an outcome, all but one failed unanswered: the
  network went away during the run (hosts that answered earlier count again when they fail).

The checker then stops sending requests and reports the links ``unchecked`` with the reason
:data:`NETWORK_UNREACHABLE`, which are never cached.
"""

from __future__ import annotations

import errno
import re
import socket
from collections import Counter, OrderedDict

NETWORK_UNREACHABLE = "network unreachable"
NETWORK_KINDS = frozenset({"dns", "connect", "timeout"})  # failures with no HTTP answer

# errno values that mean the other side replied (so the network works).
_ANSWERED_ERRNO = frozenset({errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE})
# getaddrinfo codes that mean a name server replied: the name does not exist, or has no address.
_ANSWERED_EAI = frozenset(
    code
    for code in (getattr(socket, n, None) for n in ("EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY"))
    if code
)
# The same read from messages, for errors that only carry text (httpx, cassettes, resolvers).
_ANSWERED_WORDS = re.compile(
    r"refused|reset by peer|name or service not known|no address associated|nodename nor servname|"
    r"nxdomain|no such host|no addresses|non-existent domain|does not exist",
    re.I,
)
_WHAT = {"dns": "names did not resolve", "connect": "connections failed", "timeout": "connections timed out"}


def dns_answered(exc: BaseException) -> bool:
    """A resolver failure that a name server answered (the name does not exist)."""
    code = getattr(exc, "errno", None)
    if isinstance(exc, socket.gaierror) and code is not None:
        return code in _ANSWERED_EAI
    return bool(_ANSWERED_WORDS.search(str(exc)))


def os_answered(exc: BaseException) -> bool:
    """A connection failure that the other side caused (refused, reset), down the cause chain."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            break
        if isinstance(seen, socket.gaierror):
            return dns_answered(seen)
        code = getattr(seen, "errno", None)
        if isinstance(seen, OSError) and code is not None:
            return code in _ANSWERED_ERRNO
        seen = seen.__cause__ or seen.__context__
    return bool(_ANSWERED_WORDS.search(str(exc)))


class NetworkWatch:
    """Per-host outcomes of one run; ``down`` is the reason once the network looks gone."""

    def __init__(self, *, window: int = 16) -> None:
        self.window = max(2, window)
        self.down: str | None = None
        self._recent: OrderedDict[str, bool] = OrderedDict()  # host -> answered, newest last
        # Until anything answers: every host tried, and those that failed unanswered.
        self._tried: set[str] | None = set()
        self._silent: set[str] = set()
        self._kinds: Counter[str] = Counter()

    def tried(self, host: str) -> None:
        if self._tried is not None:
            self._tried.add(host)

    def answered(self, host: str) -> None:
        """The host replied (an HTTP answer, or a failure the other side caused)."""
        if self._tried is not None:  # the network was there: only the window decides from now on
            self._tried = None
            self._silent.clear()
        self._note(host, True)

    def failed(self, host: str, kind: str, answered: bool) -> None:
        """A request ended without an HTTP answer, of ``kind`` (dns, connect, timeout)."""
        if answered:
            self.answered(host)
            return
        self._kinds[kind] += 1
        if self._tried is not None:
            self._tried.add(host)
            self._silent.add(host)
        self._note(host, False)
        if self.down is None:
            self.down = self._verdict()

    def _note(self, host: str, answered: bool) -> None:
        self._recent[host] = answered
        self._recent.move_to_end(host)
        while len(self._recent) > self.window:
            self._recent.popitem(last=False)

    def _verdict(self) -> str | None:
        what = _WHAT.get(self._kinds.most_common(1)[0][0], "no answer")
        if self._tried is not None:
            silent, tried = len(self._silent), len(self._tried)
            if silent >= 2 and 2 * silent >= tried:
                return f"no host answered ({what})"
            return None
        silent = sum(1 for ok in self._recent.values() if not ok)
        if len(self._recent) >= self.window and silent >= self.window - 1:
            return f"{silent} of the last {len(self._recent)} hosts stopped answering ({what})"
        return None

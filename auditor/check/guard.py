"""The private-address guard: an article is untrusted input, so its links must not make us
reach into the machine or network we run on (loopback services, a router's admin page, the
cloud metadata endpoint at 169.254.169.254).

Two layers, one rule (:func:`forbidden_reason`):

* :meth:`Guard.vet` runs before every hop, redirects included. It reads every spelling a
  resolver would accept as an address (``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``127.1``,
  ``[::ffff:127.0.0.1]``...) with no I/O, refuses ``localhost`` and ``*.localhost`` without
  resolving, and, when a resolver is active, resolves the name and refuses it when ANY of its
  addresses is forbidden.
* The connection pool in ``wire.py`` connects only to the addresses :meth:`Guard.vet`
  returned (the same cached answer), so a name cannot resolve to a public address for the
  check and to a private one for the connection (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Awaitable, Callable

from auditor.check.ranges import Scope, special_range

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """The guard refused a host; the message is the evidence shown to the user."""


class DNSFailure(Exception):
    """The name did not resolve; mapped to ``dns-error`` by the checker. ``answered``: a name
    server said so (the name does not exist), rather than none being reachable."""

    def __init__(self, message: str, *, answered: bool = False) -> None:
        super().__init__(message)
        self.answered = answered


def _ipv4_part(part: str) -> int:
    """One dotted part as ``inet_aton`` reads it: ``0x`` hex, leading-zero octal, or decimal."""
    if part[:2] in ("0x", "0X"):
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part[1:], 8)
    return int(part, 10)


def parse_ipv4_loose(host: str) -> ipaddress.IPv4Address | None:
    """Read ``host`` as the C resolver would (``inet_aton``): 1 to 4 parts, the last filling the
    remaining bytes, so ``127.1``, ``2130706433`` and ``0177.0.0.01`` are all 127.0.0.1."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or any(not p for p in parts):
        return None
    try:
        nums = [_ipv4_part(p) for p in parts]
    except ValueError:
        return None
    *head, last = nums
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(value)


def parse_address(host: str) -> IPAddress | None:
    """The address a host string denotes by itself (no DNS), or None for a name."""
    host = host.strip().rstrip(".").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            return None
    return parse_ipv4_loose(host)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """IPv4 carried inside IPv6: mapped (``::ffff:a.b.c.d``), NAT64 (``64:ff9b::/96``), 6to4."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(ip: IPAddress, opened: frozenset[Scope] = frozenset()) -> tuple[str, Scope] | None:
    """Why we must not connect to ``ip`` and the scope it is in; None when it is public or
    its scope is opened.

    Decided by the explicit table of :mod:`auditor.check.ranges`, never by the interpreter's
    ``is_global``/``is_private``, whose answers change between Python versions.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            found = refusal(inner, opened)
            return (f"{found[0]} (inside IPv6 {ip})", found[1]) if found else None
    special = special_range(ip)
    if special is None or special[2] in opened:
        return None
    net, name, scope = special
    return (f"{name} address {ip} ({net})" if net.prefixlen else f"{name} address {ip}"), scope


def forbidden_reason(ip: IPAddress, opened: frozenset[Scope] = frozenset()) -> str | None:
    """The evidence of :func:`refusal` alone."""
    found = refusal(ip, opened)
    return found[0] if found else None


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve through the running loop (a thread, so the event loop never blocks)."""
    import asyncio

    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        from auditor.check.netwatch import dns_answered

        raise DNSFailure(f"cannot resolve {host}: {exc}", answered=dns_answered(exc)) from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class Guard:
    """Vets hosts for one run; caches resolutions so each name is resolved once.

    ``allow_private`` opens loopback and private networks (``localhost`` included);
    ``allow_link_local`` opens link-local ones, metadata services included. Nothing opens
    the other special-purpose ranges. ``resolver=None`` means literal checks only: for
    replayed cassettes (no DNS may leave the machine) and injected test transports, which
    never open a socket.
    """

    def __init__(
        self, *, allow_private: bool, resolver: Resolver | None, allow_link_local: bool = False
    ) -> None:
        self.allow_private = allow_private
        self.opened = frozenset(
            ({Scope.LOOPBACK, Scope.PRIVATE} if allow_private else set())
            | ({Scope.LINK_LOCAL} if allow_link_local else set())
        )
        self.resolver = resolver
        self._cache: dict[str, list[str]] = {}

    def vet_literal(self, host: str) -> IPAddress | None:
        """Raise ``Refused`` for a forbidden literal or ``localhost``; return the literal."""
        name = host.strip().rstrip(".").lower()
        if not self.allow_private and (name == "localhost" or name.endswith(".localhost")):
            raise Refused(f"refused {name}: loopback name (private-address guard)")
        ip = parse_address(name)
        found = refusal(ip, self.opened) if ip is not None else None
        if found:
            raise Refused(f"refused {name}: {found[0]} (private-address guard{_HINT[found[1]]})")
        return ip

    async def vet(self, host: str, port: int) -> list[str]:
        """The addresses we may connect to for ``host``; raise ``Refused`` / ``DNSFailure``."""
        ip = self.vet_literal(host)
        if ip is not None:
            return [str(ip)]
        if self.resolver is None:
            return [host]
        addrs = self._cache.get(host)
        if addrs is None:
            addrs = await self.resolver(host, port)
            if not addrs:
                raise DNSFailure(f"cannot resolve {host}: no addresses", answered=True)
            self._cache[host] = addrs
        for addr in addrs:
            found = refusal(ipaddress.ip_address(addr.split("%")[0]), self.opened)
            if found:
                why, scope = found
                raise Refused(f"refused {host}: resolves to {why} (private-address guard{_HINT[scope]})")
        return addrs


# Which flag would open a refused address, said in the refusal.
_HINT = {
    Scope.LOOPBACK: "; --allow-private opens it",
    Scope.PRIVATE: "; --allow-private opens it",
    Scope.LINK_LOCAL: "; --allow-link-local opens it",
    Scope.SPECIAL: "",
}

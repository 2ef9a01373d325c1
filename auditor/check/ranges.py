"""Every address range a link must not reach, written out: IANA's special-purpose registries.

The guard used to ask the interpreter (``ip.is_global``, ``is_private``...), whose answers
differ between Python versions and which calls most of 192.0.0.0/24 global although it is
not forwardable: ``http://192.0.0.8/`` was fetched and answered by a box on the local
network. This table is the IANA IPv4 and IPv6 Special-Purpose Address Registries (plus the
multicast ranges), so the guard says the same on every Python, and each row says why.

Each range has a :class:`Scope`. ``--allow-private`` opens ``LOOPBACK`` and ``PRIVATE``;
``--allow-link-local`` opens ``LINK_LOCAL`` (where cloud metadata services live), so that
auditing an intranet page never exposes 169.254.169.254 by accident. ``SPECIAL`` is never
opened: nothing a news article links to lives there.

IPv6 outside 2000::/3 (global unicast) is unassigned or special and refused whole, except the
forms that carry an IPv4 address (mapped, NAT64, 6to4), which the guard judges by that address.
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class Scope(StrEnum):
    LOOPBACK = "loopback"
    PRIVATE = "private"
    LINK_LOCAL = "link-local"
    SPECIAL = "special-purpose"


_V4 = (
    ("0.0.0.0/8", "'this network'", Scope.SPECIAL),
    ("10.0.0.0/8", "private-use", Scope.PRIVATE),
    ("100.64.0.0/10", "shared (carrier NAT, tailnets)", Scope.PRIVATE),
    ("127.0.0.0/8", "loopback", Scope.LOOPBACK),
    ("169.254.0.0/16", "link-local (cloud metadata)", Scope.LINK_LOCAL),
    ("172.16.0.0/12", "private-use", Scope.PRIVATE),
    ("192.0.0.0/24", "IETF protocol assignment (not forwardable)", Scope.SPECIAL),
    ("192.0.2.0/24", "documentation (TEST-NET-1)", Scope.SPECIAL),
    ("192.31.196.0/24", "AS112 DNS sink", Scope.SPECIAL),
    ("192.52.193.0/24", "AMT relay", Scope.SPECIAL),
    ("192.88.99.0/24", "deprecated 6to4 relay anycast", Scope.SPECIAL),
    ("192.168.0.0/16", "private-use", Scope.PRIVATE),
    ("192.175.48.0/24", "AS112 direct delegation", Scope.SPECIAL),
    ("198.18.0.0/15", "benchmarking", Scope.SPECIAL),
    ("198.51.100.0/24", "documentation (TEST-NET-2)", Scope.SPECIAL),
    ("203.0.113.0/24", "documentation (TEST-NET-3)", Scope.SPECIAL),
    ("224.0.0.0/4", "multicast", Scope.SPECIAL),
    ("240.0.0.0/4", "reserved", Scope.SPECIAL),
    ("255.255.255.255/32", "limited broadcast", Scope.SPECIAL),
)
_V6 = (
    ("::/128", "unspecified", Scope.SPECIAL),
    ("::1/128", "loopback", Scope.LOOPBACK),
    ("64:ff9b:1::/48", "local-use IPv4/IPv6 translation", Scope.SPECIAL),
    ("100::/64", "discard-only", Scope.SPECIAL),
    ("100:0:0:1::/64", "dummy prefix", Scope.SPECIAL),
    ("2001::/23", "IETF protocol assignment (Teredo, benchmarking, ORCHID...)", Scope.SPECIAL),
    ("2001:db8::/32", "documentation", Scope.SPECIAL),
    ("2620:4f:8000::/48", "AS112 direct delegation", Scope.SPECIAL),
    ("3fff::/20", "documentation", Scope.SPECIAL),
    ("5f00::/16", "segment routing (SRv6 SIDs)", Scope.SPECIAL),
    ("fc00::/7", "unique-local", Scope.PRIVATE),
    ("fe80::/10", "link-local", Scope.LINK_LOCAL),
    ("fec0::/10", "deprecated site-local", Scope.SPECIAL),
    ("ff00::/8", "multicast", Scope.SPECIAL),
)
SPECIAL_RANGES: tuple[tuple[IPNetwork, str, Scope], ...] = tuple(
    (ipaddress.ip_network(net), name, scope) for net, name, scope in (*_V4, *_V6)
)
GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
# IPv6 forms that carry an IPv4 address; the guard judges them by that address.
CARRIES_IPV4 = (
    ipaddress.IPv6Network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64 well-known prefix
    ipaddress.IPv6Network("2002::/16"),  # 6to4
)


def special_range(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> tuple[IPNetwork, str, Scope] | None:
    """The most specific special-purpose range holding ``ip``, or None for a public address."""
    found = None
    for net, name, scope in SPECIAL_RANGES:
        if ip.version == net.version and ip in net and (found is None or net.prefixlen > found[0].prefixlen):
            found = (net, name, scope)
    if found is not None or not isinstance(ip, ipaddress.IPv6Address) or ip in GLOBAL_UNICAST:
        return found
    if any(ip in net for net in CARRIES_IPV4):
        return None
    return ipaddress.IPv6Network("::/0"), "outside global unicast (2000::/3)", Scope.SPECIAL

"""The identity header of a configured front proxy, believed only on a connection proven to come
from it.

Proof is the connection, never a header: the TCP peer address (``scope["client"]``, which the
gateway never lets uvicorn rewrite from ``X-Forwarded-For`` — it runs with proxy headers off) must
be in the configured networks, and with ``mtls`` the connection must have arrived over the
gateway's mutual-TLS listener (every such connection presented a certificate signed by the
configured CA, or the TLS handshake failed before any request).

This is the gateway's own, isolated piece: the middleware's :class:`~status_guard.asgi.TrustedProxy`
is not used, so a later trusted-proxy design can replace this module without touching the rest.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from ...model import Requester
from .claims import safe_agency

_CLASS_RE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


def parse_networks(items: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(i, strict=False) for i in items)


def peer_in(scope: Mapping[str, Any], networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    client = scope.get("client")
    if not client or not isinstance(client[0], str):
        return False
    try:
        addr = ipaddress.ip_address(client[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return any(addr in n for n in networks)


class FrontProxyIdentity:
    def __init__(self, clients: Iterable[str], *, header: str = "x-status-guard-requester",
                 agency_header: str | None = "x-status-guard-agency", mtls: bool = False,
                 known_classes: Iterable[str] = ()) -> None:
        self.networks = parse_networks(clients)
        self.header = header.lower().encode("latin-1")
        self.agency_header = agency_header.lower().encode("latin-1") if agency_header else None
        self.mtls = mtls
        self.known = frozenset(known_classes)

    def proven(self, scope: Mapping[str, Any]) -> bool:
        if self.mtls and scope.get("scheme") not in ("https", "wss"):
            return False
        return peer_in(scope, self.networks)

    def identify(self, scope: Mapping[str, Any]) -> Requester | None:
        """The proxy's requester, or ``None`` when the connection is not the proxy's or it sent no
        class. A repeated header is not believed (the proxy sets exactly one)."""
        if not self.proven(scope):
            return None
        values = [v for k, v in scope.get("headers") or () if k.lower() == self.header]
        if len(values) != 1:
            return None if not values else Requester("unknown")
        cls = values[0].decode("latin-1").strip().lower()
        if not cls:
            return None
        if not set(cls) <= _CLASS_RE_CHARS or (self.known and cls not in self.known):
            return Requester("unknown")
        agency = None
        if self.agency_header is not None:
            av = [v for k, v in scope.get("headers") or () if k.lower() == self.agency_header]
            agency = safe_agency(av[0].decode("latin-1")) if len(av) == 1 else None
        return Requester(cls, agency)

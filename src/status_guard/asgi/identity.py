"""Who is asking, when a trusted proxy says so (``TrustedProxy``).

A proxy in front of the app may authenticate requesters itself and name their class in a header.
The header is believed only when the **connection** proves it came through that proxy. Two proofs
are supported; everything else is refused at start-up or ignored per request:

* **A shared secret** (recommended; works under every server setting). The proxy sets
  ``X-Status-Guard-Proxy-Secret: <secret>`` on every request it forwards, overwriting anything a
  client sent (nginx ``proxy_set_header``; HAProxy ``http-request set-header``). A client that
  reaches the app some other way does not know it. The secret header is removed from the request
  before the app sees it.
* **The peer address**, only while the server does not rewrite it (``uvicorn
  --no-proxy-headers``). uvicorn (``--proxy-headers``, on by default for 127.0.0.1), hypercorn
  (``ProxyFixMiddleware``), gunicorn's uvicorn workers and daphne (``--proxy-headers``) replace
  ``scope["client"]`` with an address taken from ``X-Forwarded-For`` / ``Forwarded`` /
  ``X-Real-IP`` — with ``--forwarded-allow-ips='*'`` any client can choose it, and even with the
  proxy alone trusted the proxy's own address is gone (replaced by its client's), so it can no
  longer be recognised. A rewritten address always appears in one of those headers, so an address
  that does is never believed; a claim that arrives that way is ignored and the misconfiguration
  is logged once (``explain_unproven``). Configurations that cannot be made safe are refused when
  the middleware is built: ``clients`` containing ``*`` or a catch-all network, and address-only
  trust while ``FORWARDED_ALLOW_IPS=*`` is set for uvicorn.

Unix-socket deployments (``uvicorn --uds``) have no peer address: use the shared secret.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from ..errors import PolicyError

log = logging.getLogger("status_guard.asgi")

#: Headers from which servers take the client address they put in ``scope["client"]``.
FORWARDING_HEADERS = (b"x-forwarded-for", b"forwarded", b"x-real-ip", b"true-client-ip", b"x-client-ip",
                      b"x-cluster-client-ip", b"cf-connecting-ip", b"fastly-client-ip", b"x-original-forwarded-for")
MIN_SECRET_LENGTH = 32

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_clients(clients: Iterable[str]) -> tuple[Network, ...]:
    """Peer addresses / networks of the proxy. ``*`` and catch-all networks are refused."""
    out: list[Network] = []
    for c in clients:
        if not isinstance(c, str) or not c.strip():
            raise PolicyError("TrustedProxy clients must be IP addresses or networks (e.g. '10.0.0.5', '10.0.0.0/29')")
        c = c.strip()
        if c == "*":
            raise PolicyError("TrustedProxy(clients=['*']) would believe any client's claim of who it is; name the "
                              "proxy's address, or use TrustedProxy(secret=...)")
        try:
            net = ipaddress.ip_network(c, strict=False)
        except ValueError:
            raise PolicyError(f"TrustedProxy client {c!r} is not an IP address or network") from None
        if net.prefixlen < (8 if net.version == 4 else 32):
            raise PolicyError(f"TrustedProxy client network {c} is too broad to identify one proxy")
        out.append(net)
    return tuple(out)


def check_startup(clients: tuple[Network, ...], secret: bytes | None, environ: Mapping[str, str] | None = None) -> None:
    """Refuse, when the middleware is built, trust settings that cannot be made safe."""
    env = os.environ if environ is None else environ
    if clients and secret is None and env.get("FORWARDED_ALLOW_IPS", "").strip() == "*":
        raise PolicyError(
            "TrustedProxy trusts peer addresses, but FORWARDED_ALLOW_IPS='*' lets uvicorn take any client's "
            "X-Forwarded-For as its address: any client could pose as the proxy. Use TrustedProxy(secret=...) "
            "or name the proxy in --forwarded-allow-ips")


def _host(value: str) -> str:
    value = value.strip().strip('"')
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end != -1 else value
    if value.count(":") == 1:
        return value.rsplit(":", 1)[0]
    return value


def forwarded_hosts(headers: Iterable[tuple[bytes, bytes]]) -> set[str]:
    """Every client address named in a forwarding header of the request (normalised)."""
    out: set[str] = set()
    for k, v in headers:
        k = k.lower()
        if k not in FORWARDING_HEADERS:
            continue
        text = v.decode("latin-1")
        if k == b"forwarded":
            for element in text.split(","):
                for pair in element.split(";"):
                    name, _, val = pair.partition("=")
                    if name.strip().lower() == "for" and val:
                        out.add(_normal(_host(val)))
        else:
            for part in text.split(","):
                if part.strip():
                    out.add(_normal(_host(part)))
    return out


def _normal(host: str) -> str:
    try:
        return str(ipaddress.ip_address(host.strip()))
    except ValueError:
        return host.strip().lower()


def peer_is(clients: tuple[Network, ...], scope: Mapping[str, Any]) -> bool:
    """Whether the connection's peer is one of ``clients`` *and* that address cannot have been
    taken from a forwarding header by the server."""
    client = scope.get("client")
    if not client or not clients:
        return False
    try:
        addr = ipaddress.ip_address(str(client[0]))
    except ValueError:
        return False
    if not any(addr in net for net in clients):
        return False
    if str(addr) in forwarded_hosts(scope.get("headers") or ()):
        log.error("status_guard: a request claims to come from the trusted proxy %s, but that address also "
                  "appears in a forwarding header, so the server may have taken it from the client; the requester "
                  "header is ignored (configure TrustedProxy(secret=...))", addr)
        return False
    return True


_EXPLAINED: set[str] = set()


def explain_unproven(tp: Any, scope: Mapping[str, Any]) -> None:
    """A requester claim arrived with a forwarding header from an address that is not the trusted
    proxy's: most likely the server rewrote ``scope["client"]`` from ``X-Forwarded-For`` (uvicorn
    ``--proxy-headers``, on by default for 127.0.0.1), and then address trust cannot work — the
    proxy's own address is gone. Said once per process, loudly; the claim is ignored (fail closed)."""
    headers = scope.get("headers") or ()
    names = {k.lower() for k, _ in headers}
    if tp.header.encode("latin-1") not in names or not names & set(FORWARDING_HEADERS):
        return
    key = ",".join(str(c) for c in tp.clients)
    if key in _EXPLAINED:
        return
    _EXPLAINED.add(key)
    log.error("status_guard: a requester claim with a forwarding header came from an address that is not the "
              "trusted proxy's; it is ignored. If the server rewrites the client address from X-Forwarded-For "
              "(uvicorn --proxy-headers, on by default for 127.0.0.1; hypercorn ProxyFix; daphne --proxy-headers), "
              "TrustedProxy(clients=[...]) cannot prove the proxy: use TrustedProxy(secret=...), or run the server "
              "without proxy headers (uvicorn --no-proxy-headers)")


def secret_ok(secret: bytes, header: bytes, scope: MutableMapping[str, Any]) -> bool:
    """Whether the request carries the proxy's secret; the header is removed either way (the app
    never sees it, and a client-supplied one is not passed on)."""
    headers = scope.get("headers") or []
    found: list[bytes] = []
    kept = []
    for k, v in headers:
        if k.lower() == header:
            found.append(v)
        else:
            kept.append((k, v))
    if found:
        scope["headers"] = kept
    return len(found) == 1 and hmac.compare_digest(found[0].strip(), secret)


def coerce_secret(secret: str | bytes | None) -> bytes | None:
    if secret is None:
        return None
    raw = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    raw = raw.strip()
    if len(raw) < MIN_SECRET_LENGTH:
        raise PolicyError(f"TrustedProxy secret must be at least {MIN_SECRET_LENGTH} characters (e.g. "
                          "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
    if any(c < 0x21 or c > 0x7E for c in raw):
        raise PolicyError("TrustedProxy secret must be printable ASCII without spaces (it travels in a header)")
    return raw


__all__ = ["FORWARDING_HEADERS", "check_startup", "coerce_secret", "explain_unproven", "forwarded_hosts",
           "parse_clients", "peer_is", "secret_ok"]

"""Header handling between client, gateway and upstream (RFC 9110 §7.6.1, hop-by-hop fields).

A proxy must not forward the fields that describe one connection: ``Connection`` itself, every
field that ``Connection`` names, and the fields that are hop-by-hop by definition
(``Keep-Alive``, ``Proxy-Connection``, ``TE``, ``Trailer``, ``Transfer-Encoding``, ``Upgrade``,
``Proxy-Authorization``, ``Proxy-Authenticate``). Framing (``Content-Length``) is recomputed by
the gateway for the message it actually sends, so a client's framing can never reach the
upstream (no request smuggling across the hop).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

HOP_BY_HOP = frozenset({
    b"connection", b"keep-alive", b"proxy-connection", b"te", b"trailer", b"transfer-encoding", b"upgrade",
    b"proxy-authorization", b"proxy-authenticate",
})
# never forwarded upstream from the client: framing and expectations are the gateway's own
REQUEST_DROP = HOP_BY_HOP | {b"content-length", b"expect", b"host"}
FORWARDED = (b"forwarded", b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"x-real-ip")
WEBSOCKET_HANDSHAKE = frozenset({
    b"sec-websocket-key", b"sec-websocket-version", b"sec-websocket-extensions", b"sec-websocket-protocol",
    b"sec-websocket-accept",
})

Headers = Sequence[tuple[bytes, bytes]]


def connection_tokens(headers: Headers) -> frozenset[bytes]:
    """Field names listed in every ``Connection`` header (comma-separated, case-insensitive)."""
    out: set[bytes] = set()
    for k, v in headers:
        if k.lower() == b"connection":
            out.update(t.strip().lower() for t in v.split(b",") if t.strip())
    return frozenset(out)


def cgi_name(name: bytes) -> bytes:
    """How CGI, PHP, WSGI and Rack apps see a header name: ``X_Status-Guard_requester`` and
    ``X-Status-Guard-Requester`` are the same variable (``HTTP_X_STATUS_GUARD_REQUESTER``)."""
    return name.lower().replace(b"_", b"-")


def end_to_end(headers: Headers, drop: Iterable[bytes] = (), *, protect: Iterable[bytes] = ()) -> list[tuple[bytes, bytes]]:
    """The headers a proxy may forward: hop-by-hop fields and those named by ``Connection`` removed,
    plus ``drop`` (lower-case names). ``protect``: names the gateway itself asserts (identity,
    forwarding, request id) — removed in every spelling an app could read as the same name, so a
    client's ``X_Status_Guard_Requester`` cannot stand in for the gateway's header."""
    gone = HOP_BY_HOP | connection_tokens(headers) | frozenset(drop)
    guarded = frozenset(cgi_name(n) for n in protect)
    return [(k, v) for k, v in headers if k.lower() not in gone and cgi_name(k) not in guarded]


def header_values(headers: Headers, name: bytes) -> list[bytes]:
    return [v for k, v in headers if k.lower() == name]

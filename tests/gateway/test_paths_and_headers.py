"""Two parsers, one reading.

Invariant (paths): for every raw path the gateway accepts, every way an upstream is known to
resolve paths — nginx (decode, merge slashes, remove dot segments), Tomcat (drop ``;params``),
IIS (``\\`` as ``/``, decode twice, ignore case), .NET (NFKC) — lands in the **same route** the guard
matched. Paths for which some reading differs are refused. Checked on generated paths against a
model, and on real nginx (its ``$uri`` in its own log).

Invariant (headers, RFC 9110 §7.6.1): no hop-by-hop field and no field named by ``Connection``
crosses the gateway; every other field does, in order.
"""

from __future__ import annotations

import posixpath
import re
import time
import unicodedata
import uuid
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from status_guard.asgi.config import RouteConfig, match_route
from status_guard.gateway.headers import HOP_BY_HOP, end_to_end
from status_guard.gateway.paths import check_path

ROUTES = (RouteConfig("/police", "police"), RouteConfig("/custody", "police", custody_access=True),
          RouteConfig("/schools", "schools"))


def _route(path: str) -> str:
    r = match_route(ROUTES, path)
    return r.prefix if r else "/"


def _normalize(p: str) -> str:
    p = re.sub(r"/+", "/", p)
    n = posixpath.normpath(p) if p else "/"
    if n.startswith("//"):
        n = n[1:]
    return n + ("/" if p.endswith("/") and n != "/" else "")


def readings(raw: str) -> dict[str, str]:
    once = unquote(raw, errors="replace")
    return {
        "nginx": _normalize(once),
        "tomcat": _normalize("/".join(s.split(";", 1)[0] for s in once.split("/"))),
        "iis-backslash": _normalize(once.replace("\\", "/")),
        "iis-double-decode": _normalize(unquote(once, errors="replace")),
        "nfkc": _normalize(unicodedata.normalize("NFKC", once)),
    }


PIECES = ["/", "/", "/", "police", "custody", "schools", "visits", "1.json", ".", "..", "%2e", "%2E%2e", "%2f", "%5c",
          "\\", ";x=1", ";", "%252e", "%25", "%63ustody", "%ef%bc%8f", "%ef%bc%8e", "\uff0f", "%00", "%0a", "a", "%",
          "%c0%af", "%e2%80%8b", "Custody", "%20"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8), st.booleans())
def test_an_accepted_path_is_read_the_same_way_by_the_guard_and_every_upstream(pieces, semicolons):
    raw = "/" + "".join(pieces)
    checked = check_path(raw.encode("utf-8"), allow_semicolon=semicolons, route_of=_route)
    if not checked.ok:
        return
    guard_route = _route(checked.path)
    for name, resolved in readings(raw).items():
        if name == "tomcat" and not semicolons and ";" in raw:
            continue
        assert _route(resolved) == guard_route, (raw, name, resolved, checked.path)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8))
def test_case_insensitive_upstreams_match_lower_case_routes(pieces):
    raw = "/" + "".join(pieces)
    checked = check_path(raw.encode("utf-8"), case_insensitive=True)
    if checked.ok:
        assert _route(checked.path) == _route(readings(raw)["nginx"].lower())


def test_ordinary_paths_are_accepted_unchanged():
    for raw in ("/", "/police/records/1.json", "/schools/enroll.html", "/city/a%20b", "/caf%C3%A9", "/x/", "/a.b/c..d"):
        c = check_path(raw.encode())
        assert c.ok, raw
        assert c.path == unquote(raw)


# -- against real nginx ------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([p for p in PIECES if p not in ("\\", "\uff0f", "%00", "%0a")]), min_size=1, max_size=6))
def test_nginx_resolves_every_accepted_path_to_the_route_the_guard_checked(gateway, nginx, keys, pieces):
    import socket

    mark = uuid.uuid4().hex[:10]
    raw = "/" + "".join(pieces)
    assume(" " not in raw)
    with socket.create_connection(("127.0.0.1", gateway.port)) as s:
        s.sendall(f"GET {raw}?m={mark} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode("utf-8"))
        s.settimeout(5)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    checked = check_path(raw.encode("utf-8"))
    seen = []
    for _ in range(10):
        seen = [r for r in nginx.log() if mark in r["uri"]]
        if seen or not checked.ok:
            break
        time.sleep(0.05)
    if not checked.ok:
        assert status == 400 and seen == []
        return
    for r in seen:  # what nginx itself resolved ($uri)
        assert _route(r["path"]) == _route(checked.path), (raw, r["path"])


# -- headers ---------------------------------------------------------------------------------------
token = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=10)


@settings(max_examples=400, deadline=None)
@given(names=st.lists(st.one_of(token, st.sampled_from(sorted(n.decode() for n in HOP_BY_HOP))), max_size=8),
       nominated=st.lists(token, max_size=3), case=st.booleans())
@example(names=["v", "connection"], nominated=[], case=False)  # a generated Connection field nominates "v"
def test_no_hop_by_hop_field_crosses_the_gateway(names, nominated, case):
    headers = [((n.upper() if case else n).encode(), b"v") for n in names]
    if nominated:
        headers.append((b"Connection", ", ".join(x.upper() if case else x for x in nominated).encode()))
    out = end_to_end(headers)
    # every Connection field nominates the names in its value, including one generated among ``names``
    named = {x.strip().lower().encode() for k, v in headers if k.lower() == b"connection" for x in v.decode().split(",")}
    gone = HOP_BY_HOP | {n.encode() for n in nominated} | named
    assert all(k.lower() not in gone for k, _ in out)
    assert [k for k, _ in out] == [k for k, _ in headers if k.lower() not in gone]


@settings(max_examples=200, deadline=None)
@given(spelling=st.lists(st.sampled_from(["-", "_"]), min_size=3, max_size=3), upper=st.lists(st.booleans(), min_size=4,
                                                                                              max_size=4))
def test_no_spelling_of_an_identity_header_reaches_a_cgi_app(spelling, upper):
    """PHP/CGI/WSGI apps read ``X_Status-Guard_Requester`` as ``HTTP_X_STATUS_GUARD_REQUESTER``."""
    words = ["x", "status", "guard", "requester"]
    name = "".join((w.upper() if u else w) + (spelling[i] if i < 3 else "") for i, (w, u) in enumerate(zip(words, upper)))
    out = end_to_end([(name.encode(), b"local"), (b"accept", b"*/*")], protect=[b"x-status-guard-requester"])
    assert out == [(b"accept", b"*/*")]


def test_underscore_identity_header_never_reaches_the_app(gateway, nginx):
    import socket

    mark = uuid.uuid4().hex[:10]
    with socket.create_connection(("127.0.0.1", gateway.port)) as s:
        s.sendall(f"GET /city/hours.json?m={mark} HTTP/1.1\r\nHost: x\r\nX_Status_Guard_Requester: local\r\n"
                  f"X-Forwarded_For: 10.0.0.1\r\nConnection: close\r\n\r\n".encode())
        s.settimeout(5)
        while s.recv(65536):
            pass
    time.sleep(0.1)
    [seen] = [r for r in nginx.log() if mark in r["uri"]]  # this nginx reads X_Foo as X-Foo, like CGI
    assert seen["forwarded_for"] == "127.0.0.1" and seen["requester"] == ""


def test_hop_by_hop_response_headers_from_the_app_do_not_reach_the_client(client_local):
    r = client_local.get("/city/hours.json")
    assert "keep-alive" not in r.headers and "transfer-encoding" not in r.headers.get("connection", "")


@pytest.fixture
def client_local(gateway, keys):
    from stack import bearer

    with httpx.Client(base_url=gateway.url, headers=bearer(keys, "local"), timeout=10) as c:
        yield c

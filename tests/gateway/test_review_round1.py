"""Review round 1 (issue 17): the 13 flaws of the independent black-box review, each rebuilt as a
test that failed before its fix — as a property over generated shapes where the flaw is a class.

These run the gateway's own composition (``Gateway``: config -> routes -> identity ->
``StatusGuardMiddleware``) in-process, with the upstream replaced by a small ASGI app that answers
what each test asks, so hypothesis can try hundreds of shapes quickly; the same flaws over real
sockets in front of nginx are in ``test_gateway_nginx.py`` (``test_review_*``).

Invariants:

* **040(e), no off switch** — whatever the route says about *requests* (``inspect = false``,
  ``passthrough_request_types``, ``paths.exclude``), a federal / ICE / unidentified requester never
  receives a protected value in any response (body, error body, header) on it.
* **040(e), what cannot be read is not sent** — an image, a scan, a video, a text type with no
  body module, an upstream error page: refused to a restricted requester (or replaced by the
  gateway's own error), unless the route declares its binary content public.
* **040(h)** — custody routes keep their warrant check whatever else the route switches off.
* **Identity** — two credentials that disagree are one `unknown` requester; a front proxy can
  never be "everyone".
* **040(b)/(k) over WebSockets** — a status question or answer in a WebSocket text message is
  stopped by the same collection rules as in a form.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.gateway.app import Gateway
from status_guard.gateway.check import check_config
from status_guard.gateway.config import ConfigError, parse_config
from status_guard.policy import load_policy

import stack

NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)  # a failure is printed as found: no minutes of shrinking
PROTECTED = ("12 Example St", "2031-03-14", "34 Sample Ave")
RECORD = {"name": "Ana Pereira", "home_address": "12 Example St, Cambridge", "release_date": "2031-03-14",
          "charge": "shoplifting", "notes": "Lives at 34 Sample Ave; release on 2031-03-14."}
RESTRICTED = ("federal", "federal_immigration", "unknown")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 24
JPEG_WITH_TEXT = b"\xff\xd8\xff\xfe\x00\x20release date 2031-03-14 12 Example St" + b"\x00" * 16


def _csv() -> bytes:
    return b"name,home_address,release_date\r\nAna Pereira,12 Example St,2031-03-14\r\n"


BODIES: dict[str, tuple[bytes, bytes]] = {  # name -> (content type, body)
    "json": (b"application/json", json.dumps(RECORD).encode()),
    "csv": (b"text/csv", _csv()),
    "text": (b"text/plain; charset=utf-8", b"Ana Pereira, 12 Example St, released 2031-03-14"),
    "html": (b"text/html", b"<html><body><p>Ana Pereira lives at 12 Example St; release 2031-03-14</p></body></html>"),
    "xml": (b"application/xml", b"<r><home_address>12 Example St</home_address><release_date>2031-03-14</release_date></r>"),
    "png": (b"image/png", PNG),
    "jpeg": (b"image/jpeg", JPEG_WITH_TEXT),
    "none": (b"", b"Ana Pereira 12 Example St 2031-03-14"),
}


class FakeUpstream:
    """The app behind the gateway: answers ``self.answer(scope, body)`` -> (status, headers, body)."""

    def __init__(self) -> None:
        self.answer: Callable[[dict[str, Any], bytes], tuple[int, list[tuple[bytes, bytes]], bytes]] = \
            lambda scope, body: (200, [(b"content-type", b"application/json")], b"{}")
        self.seen: list[tuple[str, bytes]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            m = await receive()
            body += m.get("body", b"")
            if not m.get("more_body"):
                break
        self.seen.append((scope["path"], body))
        status, headers, out = self.answer(scope, body)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": out})


def make_config(extra_routes: list[dict[str, Any]] | None = None, **sections: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "upstream": {"url": "http://127.0.0.1:9"},
        "audit": {"spec": "jsonl:/dev/null"},
        "routes": [{"prefix": "/police", "scope": "police", "public_record_fields": ["charge"]},
                   {"prefix": "/custody", "scope": "police", "custody_access": True},
                   {"prefix": "/schools", "scope": "schools", "websocket": True},
                   *(extra_routes or [])],
        "identity": {"front_proxy": {"clients": ["127.0.0.1/32"]}},
    }
    cfg.update(sections)
    return cfg


_POLICY: list[Any] = []


_GATEWAYS: dict[str, tuple[Gateway, FakeUpstream, Guard]] = {}


def make_gateway(cfg: dict[str, Any]) -> tuple[Gateway, FakeUpstream, Guard]:
    """The gateway for this configuration (built once per configuration: about 2 s each)."""
    key = json.dumps(cfg, sort_keys=True)
    if key not in _GATEWAYS:
        if not _POLICY:
            _POLICY.append(load_policy(None))
        guard = Guard(_POLICY[0], audit="memory:")
        gw = Gateway(parse_config(cfg), guard=guard)
        up = FakeUpstream()
        gw.guarded.app = up  # the proxy's place under the middleware
        _GATEWAYS[key] = (gw, up, guard)
    gw, up, guard = _GATEWAYS[key]
    up.seen.clear()
    return gw, up, guard


def request(gw: Gateway, method: str, path: str, cls: str | None, *, client: tuple[str, int] = ("127.0.0.1", 5000),
            headers: dict[str, str] | None = None, content: bytes | None = None) -> httpx.Response:
    h = dict(headers or {})
    if cls is not None and cls != "unknown":
        h["x-status-guard-requester"] = cls

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=gw, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as c:
            return await c.request(method, path, headers=h, content=content)

    return asyncio.run(go())


def leaks(r: httpx.Response) -> list[str]:
    text = r.content.decode("latin-1") + " ".join(f"{k}: {v}" for k, v in r.headers.items())
    return [v for v in PROTECTED if v in text]


# -- F13: `inspect = false` (and every other request-side off switch) never switches off 040(e)/(h) --
OFF_SWITCHES = st.fixed_dictionaries({
    "inspect": st.booleans(),
    "passthrough_request_types": st.sampled_from([[], ["application/octet-stream"], ["multipart/form-data", "*/*"]]),
    "custody_access": st.booleans(),
    "scope": st.sampled_from(["police", "city", "schools"]),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=NO_SHRINK)
@given(route=OFF_SWITCHES, excluded=st.booleans(), cls=st.sampled_from(RESTRICTED),
       body=st.sampled_from(sorted(BODIES)), status=st.sampled_from([200, 201, 404, 500]),
       method=st.sampled_from(["GET", "POST"]))
def test_federal_officer_never_sees_release_date_on_a_route_that_does_not_inspect_requests(
        route, excluded, cls, body, status, method):
    """2.129.040(e): `inspect = false` (or `paths.exclude`, or request pass-through types) means
    "do not buffer request bodies", nothing more: the response a restricted requester gets is the
    one the same route gives with every request check on; in police scope no protected value."""
    switched = {"prefix": "/bulk", **route}
    plain = {"prefix": "/bulk", "scope": route["scope"], "custody_access": route["custody_access"]}
    sections: dict[str, Any] = {}
    if excluded:  # `paths.exclude` under a protective route: the same off switch spelled differently
        switched = plain
        sections["paths"] = {"exclude": ["/bulk/upload"]}
    ctype, payload = BODIES[body]
    answers = []
    for extra, sec in (([switched], sections), ([plain], {})):
        gw, up, _ = make_gateway(make_config(extra, **sec))
        up.answer = lambda scope, b: (status, [(b"content-type", ctype)] if ctype else [], payload)
        resp = request(gw, method, "/bulk/upload/1", cls, content=b'{"n": 1}' if method == "POST" else None,
                       headers={"content-type": "application/json"} if method == "POST" else None)
        assert resp.status_code != 500 or status == 500
        answers.append((resp.status_code, re.sub(rb'"request_id":"[a-z]+"', b"", resp.content),
                        sorted(leaks(resp)), len(up.seen)))
    assert answers[0] == answers[1]  # same answer, same custody decision (the app reached or not)
    if route["scope"] == "police":
        assert answers[0][2] == [], answers[0]
    if route["custody_access"] and route["scope"] == "police" and cls == "federal_immigration":
        assert answers[0][0] == 403 and answers[0][3] == 0  # 040(h): no warrant, no custody access


def test_inspect_false_still_streams_the_upload_unread_to_the_app():
    gw, up, _ = make_gateway(make_config([{"prefix": "/bulk", "scope": "police", "inspect": False}]))
    up.answer = lambda scope, b: (201, [(b"content-type", b"application/json")], b'{"ok":true}')
    body = b"\x00\x01 not a form, not json: a large scanned upload" * 100
    r = request(gw, "POST", "/bulk/upload", "local", content=body, headers={"content-type": "application/pdf"})
    assert r.status_code == 201 and up.seen == [("/bulk/upload", body)]


def test_inspect_false_still_checks_the_query_string():
    gw, up, _ = make_gateway(make_config([{"prefix": "/bulk", "scope": "schools", "inspect": False}]))
    r = request(gw, "GET", "/bulk/x?immigration_status=undocumented", "local")
    assert r.status_code in (403, 422) and up.seen == []


# -- F3: images and other unreadable bodies are refused to restricted requesters unless public ------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=NO_SHRINK)
@given(cls=st.sampled_from(RESTRICTED), kind=st.sampled_from(["png", "jpeg"]),
       prefix=st.sampled_from(["/custody", "/police", "/city"]), status=st.sampled_from([200, 203, 404]))
def test_booking_photo_or_scanned_detainer_never_reaches_a_restricted_requester(cls, kind, prefix, status):
    """2.129.040(e): the guard cannot read an image; a scanned detainer can carry a release date."""
    gw, up, _ = make_gateway(make_config())
    ctype, payload = BODIES[kind]
    up.answer = lambda scope, b: (status, [(b"content-type", ctype)], payload)
    r = request(gw, "GET", f"{prefix}/photo", cls, headers={"x-judicial-warrant": "1:26-mj-00042"})
    assert r.status_code in (403, 404, 500) and r.status_code != 200
    assert payload not in r.content and leaks(r) == []


def test_images_pass_to_every_requester_on_a_route_declaring_them_public():
    gw, up, _ = make_gateway(make_config([{"prefix": "/static", "scope": "city", "public_binary": True}]))
    up.answer = lambda scope, b: (200, [(b"content-type", b"image/png")], PNG)
    for cls in ("federal", "unknown", "local"):
        r = request(gw, "GET", "/static/logo.png", cls)
        assert r.status_code == 200 and r.content == PNG
    up.answer = lambda scope, b: (200, [(b"content-type", b"image/png")], b"release 2031-03-14 at 12 Example St")
    assert request(gw, "GET", "/static/logo.png", "federal").status_code == 403  # still sniffed


def test_images_reach_a_local_officer_unchanged():
    gw, up, _ = make_gateway(make_config())
    up.answer = lambda scope, b: (200, [(b"content-type", b"image/png")], PNG)
    r = request(gw, "GET", "/police/photo.png", "local")
    assert r.status_code == 200 and r.content == PNG


# -- F1: a verified token and a front-proxy header that disagree are one `unknown` requester -------
@pytest.fixture(scope="module")
def sso(tmp_path_factory):
    return stack.make_keys(tmp_path_factory.mktemp("r1keys"))


def _both_identities(sso) -> Any:
    from status_guard.gateway.build import build_identity

    cfg = parse_config(make_config(identity={
        "front_proxy": {"clients": ["127.0.0.2/32"]},
        "jwt": {"jwks_file": str(sso.jwks_file), "issuer": stack.ISSUER, "audience": [stack.AUDIENCE],
                "map": [{"claim": "groups", "contains": g[0], "requester": c}
                        for c, g in ((c, v["groups"]) for c, v in stack.CLASS_CLAIMS.items())]}}))
    return build_identity(cfg, _POLICY[0] if _POLICY else load_policy(None))


CLASSES = ("local", "state", "federal", "federal_immigration", "public")


@settings(max_examples=80, deadline=None, phases=NO_SHRINK)
@given(header=st.sampled_from(CLASSES), token=st.sampled_from(CLASSES),
       token_kind=st.sampled_from(["valid", "forged", "expired", "garbage", "none"]),
       peer=st.sampled_from(["127.0.0.2", "127.0.0.1"]))
def test_disagreeing_sso_token_and_proxy_header_make_the_requester_unknown(sso, header, token, token_kind, peer):
    """Identity: the header never outranks a verified token (nor the token the header). One rule:
    both must name one class, else `unknown` — the most restricted class."""
    ident = _both_identities(sso)
    headers = [(b"x-status-guard-requester", header.encode())]
    if token_kind != "none":
        tok = {"valid": lambda: sso.token(stack.CLASS_CLAIMS[token]),
               "forged": lambda: sso.token(stack.CLASS_CLAIMS[token], key=sso.other_pem),
               "expired": lambda: sso.token(stack.CLASS_CLAIMS[token], ttl=-3600),
               "garbage": lambda: "x.y.z"}[token_kind]()
        headers.append((b"authorization", b"Bearer " + tok.encode()))
    scope = {"type": "http", "headers": headers, "client": (peer, 4000), "scheme": "http"}
    req = asyncio.run(ident(scope))
    if peer != "127.0.0.2":  # the header is not the proxy's: only the token counts
        expected = token if token_kind == "valid" else "unknown"
    elif token_kind == "none":
        expected = header
    else:
        expected = header if token_kind == "valid" and token == header else "unknown"
    assert req.cls == expected, (header, token, token_kind, peer, req)


def test_identity_conflict_is_logged_and_counted_without_values(sso, caplog):
    ident = _both_identities(sso)
    seen: list[tuple[str, str]] = []
    ident.observe = lambda source, outcome: seen.append((source, outcome))
    tok = sso.token(stack.CLASS_CLAIMS["federal_immigration"])
    scope = {"type": "http", "client": ("127.0.0.2", 1), "scheme": "http",
             "headers": [(b"x-status-guard-requester", b"local"), (b"authorization", f"Bearer {tok}".encode())]}
    assert asyncio.run(ident(scope)).cls == "unknown"
    assert seen == [("conflict", "conflict")]
    assert "disagree" in caplog.text and tok not in caplog.text


# -- F10: a front proxy (or a metrics scraper) can never be "everyone" ---------------------------------
CATCH_ALL = ["0.0.0.0/0", "::/0", "0.0.0.0/1", "128.0.0.0/1", "::ffff:0:0/96", "::ffff:0.0.0.0/100", "10.0.0.0/8",
             "2000::/3", "::/1", "127.0.0.0/8"]


@pytest.mark.parametrize("net", CATCH_ALL)
@pytest.mark.parametrize("setting", ["identity.front_proxy.clients", "ops.metrics_clients"])
def test_catch_all_front_proxy_is_a_configuration_error_naming_the_setting(net, setting, tmp_path):
    cfg = make_config(identity={"front_proxy": {"clients": ["127.0.0.2/32"]}})
    section, _, key = setting.rpartition(".")
    node = cfg
    for part in section.split("."):
        node = node.setdefault(part, {})
    node[key] = ["127.0.0.2/32", net]
    with pytest.raises(ConfigError) as exc:
        parse_config(cfg)
    assert any(k.startswith(setting) for k, _ in exc.value.problems), exc.value.problems
    # and `status-guard gateway check` reports it, naming the key
    import subprocess
    import sys

    import yaml

    f = tmp_path / "gw.yaml"
    f.write_text(yaml.safe_dump(cfg))
    out = subprocess.run([sys.executable, "-m", "status_guard.cli", "gateway", "check", str(f)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode != 0 and setting in out.stdout + out.stderr and "catch-all" in out.stdout + out.stderr


@settings(max_examples=200, deadline=None, phases=NO_SHRINK)
@given(st.one_of(st.ip_addresses(v=4).map(str), st.ip_addresses(v=6).map(str)), st.integers(0, 128))
def test_accepted_front_proxy_networks_are_never_broader_than_a_site(addr, plen):
    import ipaddress

    from status_guard.gateway.config import MAX_V4_PREFIX, MAX_V6_PREFIX

    net = ipaddress.ip_network(f"{addr}/{min(plen, 32 if ':' not in addr else 128)}", strict=False)
    try:
        parse_config(make_config(identity={"front_proxy": {"clients": [str(net)]}}))
    except ConfigError:
        return
    if isinstance(net, ipaddress.IPv4Network):
        assert net.num_addresses <= 2 ** (32 - MAX_V4_PREFIX)
    elif net.subnet_of(ipaddress.ip_network("::ffff:0:0/96")):
        assert net.num_addresses <= 2 ** (32 - MAX_V4_PREFIX)
    else:
        assert net.num_addresses <= 2 ** (128 - MAX_V6_PREFIX)
        assert not net.supernet_of(ipaddress.ip_network("::ffff:0:0/96"))


# -- F9: metrics are for local scrapers, never for a client relayed by a proxy -------------------------
@pytest.mark.parametrize("client, headers, served", [
    (("127.0.0.1", 1), {}, True),
    (("::1", 1), {}, True),
    (("203.0.113.9", 1), {}, False),
    (("10.1.2.3", 1), {}, False),
    (("127.0.0.1", 1), {"x-forwarded-for": "203.0.113.9"}, False),
    (("127.0.0.1", 1), {"forwarded": "for=203.0.113.9"}, False),
    (("127.0.0.1", 1), {"x-real-ip": "203.0.113.9"}, False),
    (("127.0.0.1", 1), {"via": "1.1 nginx"}, False),
    (("127.0.0.2", 1), {}, False),  # the front proxy relays every user: never a scraper
])
def test_metrics_are_not_served_to_anyone_relayed_by_a_proxy(client, headers, served):
    gw, up, _ = make_gateway(make_config(identity={"front_proxy": {"clients": ["127.0.0.2/32"]}}))
    up.answer = lambda scope, b: (404, [(b"content-type", b"application/json")], b'{"app":"not found"}')
    r = request(gw, "GET", "/metrics", None, client=client, headers=headers)
    if served:
        assert r.status_code == 200 and b"status_guard" in r.content
    else:
        assert b"status_guard_" not in r.content and r.status_code != 200


# -- F6: a status question or answer over a WebSocket is stopped like one in a form -----------------------
class WsEcho:
    """A WebSocket app: accepts, records every message it receives, answers `ok`."""

    def __init__(self) -> None:
        self.got: list[Any] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            return
        await receive()  # connect
        await send({"type": "websocket.accept"})
        while True:
            m = await receive()
            if m["type"] == "websocket.disconnect":
                return
            self.got.append(m.get("text") if m.get("text") is not None else m.get("bytes"))
            await send({"type": "websocket.send", "text": "ok"})


def ws_session(gw: Gateway, path: str, cls: str, messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], WsEcho]:
    app = WsEcho()
    before, gw.guarded.app = gw.guarded.app, app
    inbox = [{"type": "websocket.connect"}, *({"type": "websocket.receive", **m} for m in messages)]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if inbox:
            return inbox.pop(0)
        await asyncio.sleep(0)
        return {"type": "websocket.disconnect", "code": 1000}

    async def send(m: dict[str, Any]) -> None:
        sent.append(m)

    scope = {"type": "websocket", "path": path, "raw_path": path.encode(), "query_string": b"", "scheme": "ws",
             "headers": [(b"x-status-guard-requester", cls.encode()), (b"host", b"gw.test")],
             "client": ("127.0.0.1", 5000), "subprotocols": []}
    try:
        asyncio.run(gw(scope, receive, send))
    finally:
        gw.guarded.app = before
    return sent, app


STATUS_MESSAGES = [
    '{"immigration_status": "undocumented"}',
    '{"student": {"name": "Ana", "citizenship_status": "not a citizen"}}',
    '[{"question": "visa_status", "answer": "expired"}]',
    "immigration_status=undocumented&name=Ana",
    "citizenship=no",
    "Is the child a U.S. citizen or undocumented?",
    "I am undocumented",
    "We have no papers",
]
BENIGN_MESSAGES = ['{"lunch": "pizza"}', "grade=5&room=12", "See you at 3pm", "What is the bus schedule?",
                   "What is the immigration status of this student?"]  # the last: not caught in a form either


def _http_refuses_or_rewrites(gw: Gateway, up: FakeUpstream, msg: str) -> bool:
    if msg[:1] in "{[":
        ct, body = "application/json", msg
    elif "=" in msg and " " not in msg:
        ct, body = "application/x-www-form-urlencoded", msg
    else:
        ct, body = "application/json", json.dumps({"message": msg})
    up.answer = lambda scope, b: (200, [(b"content-type", b"application/json")], b"{}")
    up.seen.clear()
    r = request(gw, "POST", "/schools/form", "local", content=body.encode(), headers={"content-type": ct})
    return r.status_code >= 400 or [b for _, b in up.seen] != [body.encode()]


@settings(max_examples=40, deadline=None, phases=NO_SHRINK)
@given(msg=st.sampled_from(STATUS_MESSAGES + BENIGN_MESSAGES), as_bytes=st.booleans(), before=st.integers(0, 2),
       cls=st.sampled_from(["local", "state"]))
def test_school_never_collects_immigration_status_over_a_websocket(msg, as_bytes, before, cls):
    """2.129.040(b)/(k): a WebSocket message meets the collection rules of a form: what a form
    submission could not carry to the app (refused or words removed), the message does not either —
    the connection closes (1008) before the app sees it."""
    gw, up, _ = make_gateway(make_config())
    frames = [{"text": '{"note": "hello"}'}] * before + [{"bytes": msg.encode()} if as_bytes else {"text": msg}]
    sent, app = ws_session(gw, "/schools/chat", cls, frames)
    assert sent[0]["type"] == "websocket.accept"
    closes = [m["code"] for m in sent if m["type"] == "websocket.close"]
    got = [g if isinstance(g, str) else g.decode() for g in app.got]
    if _http_refuses_or_rewrites(gw, up, msg):
        assert closes == [1008] and msg not in got and len(got) == before, sent
    else:
        assert closes == [] and got[-1] == msg
    if msg in STATUS_MESSAGES:
        assert closes == [1008]


def test_ordinary_websocket_messages_pass_and_unreadable_binary_closes():
    gw, _, _ = make_gateway(make_config())
    sent, app = ws_session(gw, "/schools/chat", "local", [{"text": '{"lunch": "pizza"}'}, {"text": "See you at 3pm"},
                                                          {"bytes": b"hello"}])
    assert app.got == ['{"lunch": "pizza"}', "See you at 3pm", b"hello"]
    assert not [m for m in sent if m["type"] == "websocket.close"]
    sent, app = ws_session(gw, "/schools/chat", "local", [{"bytes": b"\xff\xfe\x00\x81binary"}])
    assert app.got == [] and [m["code"] for m in sent if m["type"] == "websocket.close"] == [1003]


# -- F11: a redirect's Location is output: redacted like any header, never naming the upstream --------
LOCATIONS = st.sampled_from([
    b"/police/records?release_date=2031-03-14&home_address=12+Example+St",
    b"/people/release/2031-03-14", b"/p/12%20Example%20St/visit", b"/police/records#2031-03-14",
])


@settings(max_examples=40, deadline=None, phases=NO_SHRINK)
@given(loc=LOCATIONS, status=st.sampled_from([301, 302, 303, 307, 308]), cls=st.sampled_from(RESTRICTED),
       body=st.sampled_from([None, b"text/html", b"text/plain", b"application/json"]),
       prefix=st.sampled_from(["/police", "/custody", "/bulk"]))
def test_redirect_location_never_carries_a_release_date_to_a_federal_officer(loc, status, cls, body, prefix):
    """2.129.040(e): headers are output. A redirect still works (3xx, Location kept), its Location
    goes through the header redaction, its body is not sent."""
    gw, up, _ = make_gateway(make_config([{"prefix": "/bulk", "scope": "police", "inspect": False}]))
    up.answer = lambda scope, b: (status, [(b"location", loc), *([(b"content-type", body)] if body else [])],
                                  b"Moved to 12 Example St on 2031-03-14" if body else b"")
    r = request(gw, "GET", f"{prefix}/x", cls, headers={"x-judicial-warrant": "1:26-mj-00042"})
    if r.status_code == 403 and prefix == "/custody":
        return  # 040(h) refused first
    assert r.status_code == status and "location" in r.headers
    assert leaks(r) == [] and r.content == b""


@settings(max_examples=100, deadline=None, phases=NO_SHRINK)
@given(scheme=st.sampled_from(["http", "HTTP", "Http"]), host=st.sampled_from(["127.0.0.1", "127.0.0.1.", "App.Internal",
                                                                              "app.internal", "APP.INTERNAL."]),
       port=st.sampled_from(["", ":80"]), userinfo=st.sampled_from(["", "u@", "u:p@"]),
       rest=st.sampled_from(["", "/", "/a/b?c=1", "?q", "#f"]), relative_scheme=st.booleans())
def test_location_never_names_the_upstream_host_in_any_spelling(scheme, host, port, userinfo, rest, relative_scheme):
    from status_guard.gateway.config import Upstream
    from status_guard.gateway.proxy import UpstreamProxy

    up_host = "app.internal" if "app" in host.lower() else "127.0.0.1"
    p = UpstreamProxy(Upstream(url=f"http://{up_host}"))
    value = (f"//{userinfo}{host}{port}{rest}" if relative_scheme else f"{scheme}://{userinfo}{host}{port}{rest}").encode()
    out = p._location({"headers": [(b"host", b"gw.city.example")], "scheme": "https"}, value)
    assert up_host.encode() not in out.lower() and out.startswith(b"https://gw.city.example")


# -- F12: an empty body under a JSON (or any) label is a clean pass, never a 500 or a wrong refusal ----
EMPTY_BODIES = st.sampled_from([b"", b" ", b"\r\n", b"\t \n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])


@settings(max_examples=60, deadline=None, phases=NO_SHRINK)
@given(body=EMPTY_BODIES, method=st.sampled_from(["POST", "PUT", "PATCH", "DELETE"]),
       ctype=st.sampled_from(["application/json", "application/json; charset=utf-8", "application/merge-patch+json",
                              "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                              "application/graphql"]),
       gz=st.booleans(), prefix=st.sampled_from(["/schools", "/police", "/city"]), cls=st.sampled_from(["local", "state"]))
def test_empty_json_submission_is_a_clean_pass(body, method, ctype, gz, prefix, cls):
    import gzip

    gw, up, _ = make_gateway(make_config())
    up.answer = lambda scope, b: (201, [(b"content-type", b"application/json")], b'{"ok":true}')
    headers = {"content-type": ctype, **({"content-encoding": "gzip"} if gz else {})}
    r = request(gw, method, f"{prefix}/form", cls, headers=headers, content=gzip.compress(body) if gz else body)
    assert r.status_code == 201, r.content
    assert len(up.seen) == 1


def test_unparseable_json_is_a_clear_400_naming_the_problem():
    gw, up, _ = make_gateway(make_config())
    r = request(gw, "POST", "/schools/form", "local", headers={"content-type": "application/json"}, content=b"{")
    assert r.status_code == 400 and r.json()["error"]["code"] == "unparseable_request"
    assert "not valid JSON. The request" in r.json()["error"]["message"] and up.seen == []


# -- F7: an application's error page never reaches a restricted requester unchecked --------------------
ERROR_PAGES = st.sampled_from([
    (b"text/html", b"<html><body><h1>Error</h1><pre>Traceback: record 12 Example St release 2031-03-14</pre></body></html>"),
    (b"text/plain", b"NullPointerException at Person(12 Example St, 2031-03-14)"),
    (b"", b"error: 12 Example St 2031-03-14"),
    (b"application/octet-stream", b"12 Example St 2031-03-14"),
    (b"application/problem+json", json.dumps({"title": "not found", "detail": RECORD}).encode()),
    (b"application/json", json.dumps({"error": "bad", "record": RECORD}).encode()),
])


@settings(max_examples=60, deadline=None, phases=NO_SHRINK)
@given(page=ERROR_PAGES, status=st.sampled_from([400, 401, 403, 404, 409, 422, 429, 500, 502, 503]),
       cls=st.sampled_from(RESTRICTED), prefix=st.sampled_from(["/police", "/city", "/schools", "/bulk"]))
def test_error_page_of_the_app_never_shows_a_release_date_to_a_federal_officer(page, status, cls, prefix):
    """2.129.040(e): an error body is output too. A structured one (JSON, CSV, XML) is redacted like
    any other body; anything else is replaced by the guard's own error with the same status."""
    ctype, body = page
    gw, up, _ = make_gateway(make_config([{"prefix": "/bulk", "scope": "police", "inspect": False}]))
    up.answer = lambda scope, b: (status, [*([(b"content-type", ctype)] if ctype else []),
                                           (b"retry-after", b"30")], body)
    r = request(gw, "GET", f"{prefix}/x", cls)
    assert r.status_code == status or r.status_code == 403
    if b"json" not in ctype:  # not checkable field by field: the guard's own error
        assert r.json()["error"]["code"] in ("application_error", "response_not_checkable")
        assert leaks(r) == []
        if r.json()["error"]["code"] == "application_error":
            assert r.headers.get("retry-after") == "30"
    elif prefix in ("/police", "/bulk"):
        assert leaks(r) == []


def test_error_page_reaches_a_local_officer_unchanged():
    gw, up, _ = make_gateway(make_config())
    page = b"<html><body>Not found</body></html>"
    up.answer = lambda scope, b: (404, [(b"content-type", b"text/html")], page)
    r = request(gw, "GET", "/police/x", "local")
    assert r.status_code == 404 and r.content == page


# -- F8: plain text is read as free text (or refused), never passed unchanged to whom a route redacts for -
@settings(max_examples=40, deadline=None, phases=NO_SHRINK)
@given(cls=st.sampled_from(RESTRICTED + ("public",)), prefix=st.sampled_from(["/police", "/bulk", "/city"]),
       ctype=st.sampled_from([b"text/plain", b"text/plain; charset=utf-8", b"text/markdown", b"TEXT/PLAIN"]),
       status=st.sampled_from([200, 203]))
def test_text_response_never_shows_a_release_date_to_a_federal_officer(cls, prefix, ctype, status):
    """2.129.040(e): text has no fields to redact: for a restricted requester it is refused, for
    others the route redacts for it is read as free text; in police scope no protected value."""
    gw, up, _ = make_gateway(make_config([{"prefix": "/bulk", "scope": "police", "inspect": False}]))
    up.answer = lambda scope, b: (status, [(b"content-type", ctype)], BODIES["text"][1])
    r = request(gw, "GET", f"{prefix}/notes.txt", cls)
    if cls in RESTRICTED or prefix != "/city":
        assert leaks(r) == [] and r.status_code in (200, 203, 403)
    if cls in RESTRICTED:
        assert r.status_code == 403


def test_text_is_read_as_free_text_for_a_requester_the_schools_route_redacts_for():
    from status_guard.asgi.responses import redact_text

    gw, up, guard = make_gateway(make_config())
    text = b"Ana is undocumented; her family came without papers."
    up.answer = lambda scope, b: (200, [(b"content-type", b"text/plain")], text)
    r = request(gw, "GET", "/schools/notes.txt", "public")
    assert r.status_code in (200, 403)
    assert b"undocumented" not in r.content or r.status_code == 403


def test_public_binary_on_a_custody_route_is_flagged_by_check():
    cfg = make_config()
    cfg["routes"][1]["public_binary"] = True
    report = check_config(parse_config(cfg))
    assert "routes[1].public_binary" in [k for k, _ in report.warnings]

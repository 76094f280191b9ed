"""``StatusGuardWSGIMiddleware`` on a plain PEP 3333 app, in-process.

Invariants:
* one code path — for any submission, the WSGI middleware refuses exactly what the ASGI
  middleware refuses (generated forms, either framing: Content-Length or a terminated stream);
* the app receives the exact bytes the middleware lets through, and the server's own environ
  (``REMOTE_USER``, keys from outer middleware);
* the request context (requester, route, request id) is set while the app runs and while a
  pass-through body is iterated later by the server; a body the guard need not check is the
  app's own iterable (not buffered), and ``close()`` reaches it.
"""

from __future__ import annotations

import asyncio
import io
import json
from urllib.parse import urlencode

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware
from status_guard.context import current
from status_guard.wsgi import StatusGuardWSGIMiddleware

GUARD = Guard.default(audit="memory:")
RECORD = {"person": {"home_address": "9 Example Rd", "release_date": "2031-01-02",
                     "citizenship_status": "not a U.S. citizen"}, "charge": "trespass"}


class App:
    def __init__(self) -> None:
        self.seen: list[dict] = []
        self.closed = 0

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        body = environ["wsgi.input"].read()
        ctx = current()
        self.seen.append({"body": body, "remote_user": environ.get("REMOTE_USER"), "qs": environ.get("QUERY_STRING"),
                          "requester": ctx.requester.cls if ctx else None, "route": ctx.route if ctx else None})
        path = environ["PATH_INFO"]
        if path.startswith("/police/record"):
            out = json.dumps(RECORD).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(out)))])
            return [out]
        if path == "/city/stream":
            start_response("200 OK", [("Content-Type", "text/csv")])
            return self.stream()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"ok": True}).encode()]

    def stream(self):  # type: ignore[no-untyped-def]
        app = self

        class Body:
            def __iter__(self):  # type: ignore[no-untyped-def]
                for i in range(3):
                    ctx = current()
                    yield f"{i},{ctx.requester.cls if ctx else None}\n".encode()

            def close(self) -> None:
                app.closed += 1

        return Body()


def _identify(environ):  # type: ignore[no-untyped-def]
    return environ.get("test.requester")


def _call(mw, method="GET", path="/", body=b"", ctype=None, requester="local", chunked=False, qs="", read_size=None):  # type: ignore[no-untyped-def]
    class Input(io.BytesIO):
        def read(self, n=-1):  # type: ignore[no-untyped-def]
            return super().read(min(n, read_size) if read_size and n and n > 0 else n)

    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": qs, "SERVER_NAME": "t", "SERVER_PORT": "80",
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": Input(body),
               "REMOTE_ADDR": "127.0.0.1", "REMOTE_USER": "officer7", "test.requester": requester}
    if ctype:
        environ["CONTENT_TYPE"] = ctype
    if chunked:
        environ["wsgi.input_terminated"] = True
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    elif body:
        environ["CONTENT_LENGTH"] = str(len(body))
    got: dict = {}

    def start_response(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
        got["status"], got["headers"] = int(status.split()[0]), dict(headers)

    result = mw(environ, start_response)
    got["iterable"] = result
    got["body"] = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return got


def _wsgi(app=None, **kw):  # type: ignore[no-untyped-def]
    return StatusGuardWSGIMiddleware(app or App(), guard=GUARD, identify=_identify, scope="schools",
                                     routes=[RouteConfig("/police", "police"), RouteConfig("/city", "city")], **kw)


def test_federal_officer_never_sees_release_date_from_a_wsgi_app():
    app = App()
    mw = _wsgi(app)
    fed = json.loads(_call(mw, path="/police/record", requester="federal")["body"])
    assert fed["person"]["release_date"] == "[REDACTED]" and fed["person"]["citizenship_status"] == "not a U.S. citizen"
    local = _call(mw, path="/police/record", requester="local")
    assert json.loads(local["body"]) == RECORD
    assert app.seen[-1]["requester"] == "local" and app.seen[-1]["route"] == "GET /police"
    assert app.seen[-1]["remote_user"] == "officer7"  # the server's environ reaches the app


def _asgi_status(fields: dict, ctype: str, body: bytes) -> int:
    async def inner(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b"{}"})

    mw = StatusGuardMiddleware(inner, guard=GUARD, identify=lambda s: "public", scope="schools")

    async def go() -> int:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=mw), base_url="http://t") as c:
            return (await c.post("/enroll", content=body, headers={"content-type": ctype})).status_code

    return asyncio.run(go())


field_names = st.sampled_from(["student_name", "residency_proof", "parent_citizenship", "immigrationStatus",
                               "a_number", "notes", "birth_country", "grade", "isUsCitizen[]"])


@settings(max_examples=60, deadline=None)
@given(fields=st.dictionaries(field_names, st.text(max_size=30), min_size=1, max_size=5),
       as_json=st.booleans(), chunked=st.booleans(), read_size=st.integers(1, 64))
def test_wsgi_refuses_exactly_what_asgi_refuses_however_the_body_arrives(fields, as_json, chunked, read_size):
    body = json.dumps(fields).encode() if as_json else urlencode(fields).encode()
    ctype = "application/json" if as_json else "application/x-www-form-urlencoded"
    app = App()
    got = _call(_wsgi(app), method="POST", path="/enroll", body=body, ctype=ctype, requester="public", chunked=chunked,
                read_size=read_size)
    assert got["status"] == _asgi_status(fields, ctype, body)
    if got["status"] == 200:
        assert app.seen[-1]["body"] == body  # the exact bytes
    else:
        assert app.seen == []  # refused: the app never ran


def test_pass_through_body_is_the_apps_own_iterable_with_context_and_close():
    app = App()
    got = _call(_wsgi(app), path="/city/stream", requester="local")
    assert got["body"] == b"0,local\n1,local\n2,local\n"  # iterated by the server, context set again
    assert type(got["iterable"]).__name__ == "_Iter" and app.closed == 1
    fed = _call(_wsgi(app), path="/city/stream", requester="federal")
    assert fed["status"] == 200 and app.closed == 2


def test_a_request_with_no_identity_is_unknown_and_a_query_is_checked():
    app = App()
    got = _call(_wsgi(app), path="/police/record", requester=None)
    assert b"9 Example Rd" not in got["body"]
    got = _call(_wsgi(app), path="/enroll", qs="citizenship=no", requester="local")
    assert got["status"] == 422 and got["headers"]["content-type"].startswith("application/json")

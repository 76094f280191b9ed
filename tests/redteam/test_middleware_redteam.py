"""Red-team: requests the guard and the app read differently (2.129.040(b), 040(k)). Each app here
records what it actually received; a status question must never reach it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from status_guard import Guard
from status_guard.asgi import StatusGuardMiddleware

pytestmark = pytest.mark.anyio

SEEN: list[dict[str, Any]] = []


async def form_echo(request: Request) -> Response:
    form = await request.form()
    SEEN.append({k: str(v) for k, v in form.multi_items()})
    return JSONResponse({"ok": True})


async def body_echo(request: Request) -> Response:
    body = await request.body()
    SEEN.append({"body": body.decode("utf-8", "replace")})
    return JSONResponse({"ok": True})


def _app(guard: Guard) -> StatusGuardMiddleware:
    inner = Starlette(routes=[Route("/form", form_echo, methods=["POST"]), Route("/raw", body_echo, methods=["POST"])])
    return StatusGuardMiddleware(inner, guard=guard, identify=lambda s: "local", scope="city")


async def _post(guard: Guard, path: str, body: bytes, content_type: str) -> httpx.Response:
    SEEN.clear()
    transport = httpx.ASGITransport(app=_app(guard))
    async with httpx.AsyncClient(transport=transport, base_url="http://city.test") as client:
        return await client.post(path, content=body, headers={"content-type": content_type})


def _reached_app(field: str) -> bool:
    return any(field in k for rec in SEEN for k in rec) or any(field in v for rec in SEEN for v in rec.values())


async def test_two_content_dispositions_cannot_smuggle_a_citizenship_field() -> None:
    # the guard read the first Content-Disposition, Starlette reads the last
    guard = Guard.default(audit=_Sink(), text_detection="off")
    body = (b"--b\r\nContent-Disposition: form-data; name=\"notes\"\r\n"
            b"Content-Disposition: form-data; name=\"citizenship\"\r\n\r\nUS\r\n--b--\r\n")
    r = await _post(guard, "/form", body, "multipart/form-data; boundary=b")
    assert r.status_code in (400, 422)
    assert not _reached_app("citizenship")


async def test_utf7_multipart_field_name_cannot_smuggle_a_citizenship_field() -> None:
    # Starlette decodes field names in the declared charset: "+AGM-itizenship" is "citizenship" in UTF-7
    guard = Guard.default(audit=_Sink(), text_detection="off")
    body = b"--b\r\nContent-Disposition: form-data; name=\"+AGM-itizenship\"\r\n\r\nUS\r\n--b--\r\n"
    r = await _post(guard, "/form", body, "multipart/form-data; charset=utf-7; boundary=b")
    assert r.status_code in (400, 422)
    assert not _reached_app("citizenship")


async def test_urlencoded_body_in_another_charset_is_refused() -> None:
    guard = Guard.default(audit=_Sink(), text_detection="off")
    r = await _post(guard, "/raw", b"+AGM-itizenship=US", "application/x-www-form-urlencoded; charset=utf-7")
    assert r.status_code == 400 and SEEN == []


async def test_utf8_charset_parameter_is_still_accepted() -> None:
    guard = Guard.default(audit=_Sink(), text_detection="off")
    r = await _post(guard, "/form", b"name=Ana", "application/x-www-form-urlencoded; charset=UTF-8")
    assert r.status_code == 200 and SEEN == [{"name": "Ana"}]


class _Sink:
    def append(self, rec: dict[str, Any]) -> dict[str, Any]:
        return rec


async def _raw(app: Any, headers: list[tuple[bytes, bytes]], chunks: list[bytes], path: str = "/raw") -> tuple[int, list[dict[str, Any]]]:
    """Drive the middleware like an HTTP/2 server: the body arrives without Content-Length or
    Transfer-Encoding (neither is required in HTTP/2)."""
    msgs = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return msgs.pop(0) if msgs else {"type": "http.disconnect"}

    async def send(m: dict[str, Any]) -> None:
        sent.append(m)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "2", "method": "POST", "scheme": "https",
             "path": path, "raw_path": path.encode(), "query_string": b"", "headers": headers,
             "client": ("10.1.1.1", 5000), "server": ("city.test", 443)}
    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, sent


async def test_http2_body_without_content_length_is_still_inspected() -> None:
    guard = Guard.default(audit=_Sink(), text_detection="off")
    SEEN.clear()
    status, _ = await _raw(_app(guard), [(b"content-type", b"application/json")],
                           [b'{"name": "Ana", ', b'"citizenship": "US"}'])
    assert status == 422
    assert SEEN == []


async def test_http2_clean_body_without_content_length_reaches_the_app_intact() -> None:
    guard = Guard.default(audit=_Sink(), text_detection="off")
    SEEN.clear()
    status, _ = await _raw(_app(guard), [(b"content-type", b"application/json")], [b'{"name": ', b'"Ana"}'])
    assert status == 200
    assert json.loads(SEEN[0]["body"]) == {"name": "Ana"}


async def test_content_length_zero_with_a_body_is_still_inspected() -> None:
    guard = Guard.default(audit=_Sink(), text_detection="off")
    SEEN.clear()
    status, _ = await _raw(_app(guard), [(b"content-type", b"application/json"), (b"content-length", b"0")],
                           [b'{"citizenship": "US"}'])
    assert status == 422 and SEEN == []

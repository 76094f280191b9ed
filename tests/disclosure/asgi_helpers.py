"""A Starlette app that serves one fixed response behind the guard, and a client for it — what the
round-1 regression tests send bodies and headers through (the reviewer's shape: the requester
class comes from a test header read by ``identify``, as an app's own authentication would)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import Response
from starlette.routing import Route

from status_guard import Guard, StatusGuardMiddleware
from status_guard.asgi import RouteConfig

PUBLIC = ("charge", "booking_id", "**.ChargeText")
_SHARED: list[Guard] = []


def shared_guard() -> Guard:
    """One guard (in-memory audit) for every app built here: building one per example would
    spend the test's time loading the policy pack."""
    if not _SHARED:
        _SHARED.append(Guard.default(audit="memory:"))
    return _SHARED[0]


def ident(scope: dict[str, Any]) -> str | None:
    v = dict(scope.get("headers") or []).get(b"x-test-requester")
    return v.decode() if v else None


def serving(body: str | bytes, ctype: str, headers: dict[str, str] | None = None, routes: Any = None,
            scope: str = "police", guard: Guard | None = None, **kw: Any) -> Starlette:
    async def ep(request: Any) -> Response:
        return Response(body, headers={"content-type": ctype, **(headers or {})})

    rts = routes if routes is not None else [RouteConfig("/", scope, public_record_fields=PUBLIC)]
    return Starlette(routes=[Route("/r", ep)], middleware=[Middleware(
        StatusGuardMiddleware, guard=guard or shared_guard(), identify=ident, scope=scope,
        routes=rts, **kw)])


def fetch(app: Any, path: str = "/r", requester: str | None = "federal", method: str = "GET",
          headers: dict[str, str] | None = None) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            h = dict(headers or {})
            if requester:
                h["x-test-requester"] = requester
            return await c.send(c.build_request(method, path, headers=h), follow_redirects=False)

    return asyncio.run(go())


__all__ = ["PUBLIC", "fetch", "ident", "serving", "shared_guard"]

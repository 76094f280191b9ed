"""Shared fixtures for the collection tests: one guard (Cambridge pack, in-memory audit), a small
Starlette app under the middleware that reports what the app itself received (raw body, and the
field names Starlette's own form parser sees), and a client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware


@pytest.fixture(scope="session")
def guard() -> Guard:
    return Guard.default(audit="memory:")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def received(request: Request) -> Response:
    """What the app got: the raw body, and the names its own form parser reads."""
    body = await request.body()
    names: list[str] = []
    files: list[str] = []
    ct = request.headers.get("content-type", "")
    if ct.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        for k, v in form.multi_items():
            names.append(k)
            if hasattr(v, "filename"):
                files.append(v.filename or "")
    seen = {"body": body.decode("utf-8", "replace"), "names": names, "files": files, "query": request.url.query}
    request.app.state.received.append(seen)  # what the app got (a redacted echo cannot hide it)
    return JSONResponse(seen)


def make_app(guard: Guard, pages: dict[str, str] | None = None, **mw: Any) -> Starlette:
    routes = [Route("/{path:path}", received, methods=["POST", "PUT", "PATCH"])]
    for path, html in (pages or {}).items():
        routes.insert(0, Route(path, (lambda h: (lambda r: HTMLResponse(h)))(html), methods=["GET"]))
    kwargs: dict[str, Any] = dict(guard=guard, identify=lambda scope: "public", scope="city",
                                  routes=[RouteConfig("/schools", "schools"), RouteConfig("/strip", "city", strip=True),
                                          RouteConfig("/police", "police")])
    kwargs.update(mw)
    app = Starlette(routes=routes, middleware=[Middleware(StatusGuardMiddleware, **kwargs)])
    app.state.received = []
    return app


@pytest.fixture
def client_for() -> Callable[[Any], httpx.AsyncClient]:
    def make(app: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    return make


def refused(r: httpx.Response) -> bool:
    return r.status_code in (400, 403, 413, 422)


@pytest.fixture(scope="module")
def quiet_logs():
    """Thousands of generated refusals would each log a warning: a module that asks for this
    (``pytestmark = pytest.mark.usefixtures("quiet_logs")``) is quiet for its own tests only — a
    module-level ``logging.disable`` silenced every later test that reads the log."""
    import logging

    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)

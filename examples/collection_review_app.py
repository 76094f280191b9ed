"""A city app for black-box review of collection (issue 12): run it under the middleware, serve
your own pages through the guard, post submissions in any shape, and see exactly what the app
received.

    .venv/bin/uvicorn --app-dir examples collection_review_app:app --port 8012

Routes (everything except /_admin goes through StatusGuardMiddleware):

* scopes by prefix: ``/schools/...`` schools, ``/police/...`` police, ``/strip/...`` city with
  strip=True, anything else city. Requester: ``public`` (a resident).
* ``PUT /_admin/pages/<path>`` (body: HTML) registers a page; ``GET /<path>`` then serves it through
  the guard (forms rewritten, the form map learns its questions).
* any ``POST/PUT/PATCH /<path>`` is received by the app: ``GET /_admin/received`` lists what the app
  got (raw body, query string, headers it saw), newest last; ``DELETE /_admin/received`` clears it.
* ``GET /_admin/audit`` shows the audit records (value-free) the guard wrote.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware

guard = Guard.default(audit="memory:")
PAGES: dict[str, str] = {}
RECEIVED: list[dict[str, Any]] = []


async def admin_pages(request: Request) -> Response:
    path = "/" + request.path_params["path"]
    PAGES[path] = (await request.body()).decode("utf-8")
    return JSONResponse({"registered": path})


async def admin_received(request: Request) -> Response:
    if request.method == "DELETE":
        RECEIVED.clear()
    return JSONResponse(RECEIVED)


async def admin_audit(request: Request) -> Response:
    return JSONResponse([r for r in guard.audit.records() if r.get("kind") == "decision"])


async def app_endpoint(request: Request) -> Response:
    path = request.url.path
    if request.method == "GET" and path in PAGES:
        return HTMLResponse(PAGES[path])
    body = await request.body()
    RECEIVED.append({"method": request.method, "path": path, "query": request.url.query,
                     "content_type": request.headers.get("content-type"), "body": body.decode("utf-8", "replace")})
    if request.headers.get("accept", "").startswith("text/html"):
        return HTMLResponse("<html><body><h1>Received, thank you</h1></body></html>")
    return JSONResponse({"received": True})


inner = Starlette(routes=[
    Route("/_admin/pages/{path:path}", admin_pages, methods=["PUT"]),
    Route("/_admin/received", admin_received, methods=["GET", "DELETE"]),
    Route("/_admin/audit", admin_audit, methods=["GET"]),
    Route("/{path:path}", app_endpoint, methods=["GET", "POST", "PUT", "PATCH"]),
])
app = StatusGuardMiddleware(
    inner, guard=guard, identify=lambda scope: "public", scope="city", exclude=["/_admin"],
    routes=[RouteConfig("/schools", "schools"), RouteConfig("/police", "police"), RouteConfig("/strip", "city", strip=True)],
)

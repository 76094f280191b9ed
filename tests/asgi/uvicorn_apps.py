"""Apps served by a real uvicorn in a subprocess (tests/asgi/test_uvicorn_routing_and_proxies.py),
configured by the environment:

* ``SG_MODE=root``   — the guarded app as is; uvicorn runs with ``--root-path /api``;
* ``SG_MODE=mount``  — the guarded app mounted at ``/v1`` inside a plain Starlette app;
* ``SG_MODE=proxy_addr``   — ``TrustedProxy(clients=["10.0.0.5", "127.0.0.1"])`` (peer address);
* ``SG_MODE=proxy_secret`` — ``TrustedProxy(secret=SG_SECRET)``;
* ``SG_MODE=root_prefixed`` / ``mount_prefixed`` — route prefixes written with the root path /
  mount path (``/api/custody``, ``/v1/custody``).

Self-contained (no test-package imports): uvicorn imports it by name from ``--app-dir``.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware, TrustedProxy, WarrantRegistry

RECORD = {"person": {"name": "Ana Pereira", "home_address": "12 Elm St", "release_date": "2026-12-01",
                     "citizenship_status": "US citizen"}, "charge": "Trespass"}
SESSIONS = {"tok-local": "local", "tok-federal": "federal", "tok-ice": "federal_immigration"}


class FakeAuth:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            token = dict(scope.get("headers") or []).get(b"authorization", b"").removeprefix(b"Bearer ").decode()
            scope["user"] = {"requester": SESSIONS[token]} if token in SESSIONS else None
        await self.app(scope, receive, send)


def identify(scope):
    user = scope.get("user")
    return user.get("requester") if isinstance(user, dict) else None


async def visit(request: Request):
    return JSONResponse({"visit": "scheduled", "path": request.url.path})


async def booking(request: Request):
    return JSONResponse(RECORD)


async def headers(request: Request):
    return JSONResponse({"seen": sorted(k for k in request.headers.keys()),
                         "client": request.client.host if request.client else None})


def guarded(mw_kwargs) -> Starlette:
    guard = Guard.default(audit="memory:")
    routes = [Route("/custody/visit", visit), Route("/police/booking", booking), Route("/headers", headers)]
    kwargs = dict(guard=guard, identify=identify, scope="city",
                  routes=[RouteConfig("/custody", "police", custody_access=True),
                          RouteConfig("/police", "police", public_record_fields=("charge",))],
                  verifier=WarrantRegistry({"1:26-mj-00042": "judicial warrant"}))
    kwargs.update(mw_kwargs)
    return Starlette(routes=routes, middleware=[Middleware(FakeAuth), Middleware(StatusGuardMiddleware, **kwargs)])


def prefixed(root: str) -> Starlette:
    """Routes written as the public URL (with the root path / mount path): the way deployments wrote
    them before prefixes were app-relative. They must still protect (every spelling matches)."""
    return guarded({"routes": [RouteConfig(f"{root}/custody", "police", custody_access=True),
                               RouteConfig(f"{root}/police", "police", public_record_fields=("charge",))]})


MODE = os.environ.get("SG_MODE", "root")
if MODE == "mount":
    app = Starlette(routes=[Mount("/v1", app=guarded({}))])
elif MODE == "mount_prefixed":
    app = Starlette(routes=[Mount("/v1", app=prefixed("/v1"))])
elif MODE == "root_prefixed":
    app = prefixed("/api")
elif MODE == "proxy_addr":
    app = guarded({"trusted_proxy": TrustedProxy(clients=["10.0.0.5", "127.0.0.1"])})
elif MODE == "proxy_secret":
    app = guarded({"trusted_proxy": TrustedProxy(secret=os.environ["SG_SECRET"])})
else:
    app = guarded({})

"""ASGI middleware for status_guard: inspects what goes into an app (forms, JSON, multipart, query
strings) and what comes out (HTML forms, JSON, NDJSON, CSV, HTML tables), refuses or strips
forbidden questions, redacts responses for restricted requesters, gates custody access (040(h)).

    from starlette.middleware import Middleware
    from status_guard import Guard, StatusGuardMiddleware
    from status_guard.asgi import RouteConfig

    guard = Guard.default(audit="jsonl:/var/log/status_guard/audit.jsonl")
    app = Starlette(routes=..., middleware=[
        Middleware(AuthenticationMiddleware, backend=...),        # outside: sets scope["user"]
        Middleware(StatusGuardMiddleware, guard=guard, identify=lambda s: s["user"].requester_class,
                   scope="schools"),
    ])

See docs/middleware.md.
"""

from .config import Limits, RouteConfig, TrustedProxy
from .custody import CustodyVerifier, Verification, WarrantRegistry
from .form_map import FormMap
from .middleware import StatusGuardMiddleware

__all__ = ["CustodyVerifier", "FormMap", "Limits", "RouteConfig", "StatusGuardMiddleware", "TrustedProxy",
           "Verification", "WarrantRegistry"]

"""A stand-in for each city app's own login: a session token maps to a signed-in account and its
requester class. status_guard reads the class from ``scope["user"]`` (set here, outside the
guard) — never from a header the client sets."""

from __future__ import annotations

from typing import Any

ACCOUNTS = {
    "clerk-session": {"requester": "local", "agency": "Cambridge Dept. of Human Service Programs"},
    "registrar-session": {"requester": "local", "agency": "Cambridge Public Schools"},
    "detective-session": {"requester": "local", "agency": "Cambridge Police Department"},
    "state-session": {"requester": "state", "agency": "Massachusetts State Police"},
    "fbi-session": {"requester": "federal", "agency": "FBI Boston Field Office"},
    "ice-session": {"requester": "federal_immigration", "agency": "ICE ERO Boston"},
    "attorney-session": {"requester": "public", "agency": None},
}


class SessionAuth:
    """Pure ASGI: resolves ``Authorization: Bearer <session>`` to an account in ``scope["user"]``."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            token = dict(scope.get("headers") or []).get(b"authorization", b"").removeprefix(b"Bearer ").decode()
            scope["user"] = ACCOUNTS.get(token)
        await self.app(scope, receive, send)


def identify(scope: Any) -> dict[str, Any] | None:
    """What the guard is told: the signed-in account's requester class and agency, or nobody."""
    user = scope.get("user")
    if not user:
        return None  # -> "unknown", the most restricted class
    return {"class": user["requester"], "agency": user["agency"]}

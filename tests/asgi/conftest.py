"""Shared fixtures for the middleware tests: a guard with a real JSONL audit log, a small
Starlette app standing in for a city system, an httpx client over ASGITransport, and a hand-written
ASGI harness for what ASGITransport hides (message order, chunking, streaming)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware, WarrantRegistry

BOOKING = {
    "person": {
        "name": "Ana Pereira",
        "home_address": "12 Example St, Cambridge",
        "work_address": "1 Work Plaza",
        "citizenship_status": "lawful permanent resident",
        "release_date": "2026-12-01",
        "hearing_date": "2026-12-05",
        "incarceration_status": "in custody",
        "detention_length_days": 3,
    },
    "charge": "shoplifting",
    "bookings": [{"home_address": "12 Example St", "release_date": "2026-12-01", "charge": "shoplifting"}],
}
PROTECTED_VALUES = ("12 Example St", "1 Work Plaza", "2026-12-01", "2026-12-05", "in custody")


def identify_from_user(scope: dict[str, Any]) -> str | None:
    """Stands in for the app's own authentication: an outer auth middleware put the user in scope."""
    user = scope.get("user")
    return user.get("requester") if isinstance(user, dict) else None


class FakeAuth:
    """An authentication middleware that trusts a session token (never a requester-class header)."""

    SESSIONS = {"tok-local": "local", "tok-federal": "federal", "tok-ice": "federal_immigration",
                "tok-public": "public", "tok-state": "state"}

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            token = headers.get(b"authorization", b"").removeprefix(b"Bearer ").decode()
            scope["user"] = {"requester": self.SESSIONS[token]} if token in self.SESSIONS else None
        await self.app(scope, receive, send)


async def echo(request: Request) -> Response:
    body = await request.body()
    return JSONResponse({
        "body": body.decode("utf-8", "replace"),
        "query": request.url.query,
        "content_length": request.headers.get("content-length"),
        "content_type": request.headers.get("content-type"),
    })


async def booking(request: Request) -> Response:
    return JSONResponse(BOOKING)


async def booking_ndjson(request: Request) -> Response:
    lines = [json.dumps(BOOKING["person"] | {"charge": "shoplifting"}) for _ in range(3)]
    return Response("\n".join(lines) + "\n", media_type="application/x-ndjson")


async def booking_csv(request: Request) -> Response:
    p = BOOKING["person"]
    rows = ["name,home_address,citizenship_status,release_date,hearing_date,incarceration_status,charge",
            f'{p["name"]},"{p["home_address"]}",{p["citizenship_status"]},{p["release_date"]},{p["hearing_date"]},'
            f'{p["incarceration_status"]},shoplifting']
    return Response("\r\n".join(rows) + "\r\n", media_type="text/csv")


async def booking_html(request: Request) -> Response:
    p = BOOKING["person"]
    return HTMLResponse(
        "<html><body><table><thead><tr><th>Name</th><th>Home address</th><th>Citizenship status</th>"
        "<th>Release date</th><th>Charge</th></tr></thead><tbody>"
        f"<tr><td>{p['name']}</td><td>{p['home_address']}</td><td>{p['citizenship_status']}</td>"
        f"<td>{p['release_date']}</td><td>shoplifting</td></tr></tbody></table></body></html>"
    )


INTAKE_FORM = """<!DOCTYPE html><html lang="es"><head><title>Intake</title></head><body>
<form method="post" action="/intake">
  <label for="name">Nombre</label><input id="name" name="name" required>
  <label for="q7">¿Cuál es su estatus migratorio?</label><input id="q7" name="q7" required>
  <fieldset><legend>Citizenship</legend>
    <label><input type="radio" name="citz" value="y"> Yes</label>
    <label><input type="radio" name="citz" value="n"> No</label>
  </fieldset>
  <select name="s1"><option>US citizen</option><option>Permanent resident</option><option>Other</option></select>
  <input name="zip" placeholder="ZIP code">
  <input aria-label="A-Number" name="anum">
  <textarea name="comments" placeholder="Anything else?"></textarea>
  <button type="submit">Send</button>
</form></body></html>"""

CLEAN_FORM = """<!DOCTYPE html><html><body><form method="post"><label for="n">Name</label>
<input id="n" name="name"><input name="phone"><button>Go</button></form></body></html>"""


async def intake_form(request: Request) -> Response:
    return HTMLResponse(INTAKE_FORM)


async def clean_form(request: Request) -> Response:
    return HTMLResponse(CLEAN_FORM)


async def custody_visit(request: Request) -> Response:
    return JSONResponse({"visit": "scheduled"})


def make_app(guard: Guard, *, routes: list[RouteConfig] | None = None, extra: list[Route] | None = None,
             **mw: Any) -> Starlette:
    default_routes = [
        RouteConfig("/police", "police", public_record_fields=("charge", "bookings[*].charge")),
        RouteConfig("/police/custody", "police", custody_access=True),
        RouteConfig("/police/tables", "police", restricted_html="tables", public_record_fields=("charge",)),
        RouteConfig("/schools", "schools"),
        RouteConfig("/strip", "city", strip=True),
        RouteConfig("/monitor", "police", monitor=True),
        RouteConfig("/hr", "city", exceptions=(
            __import__("status_guard").Claim("required-by-law", legal_basis="8 U.S.C. §1324a (Form I-9)"),)),
    ]
    paths = [
        Route("/echo", echo, methods=["GET", "POST", "PUT"]),
        Route("/strip/echo", echo, methods=["GET", "POST"]),
        Route("/hr/echo", echo, methods=["POST"]),
        Route("/schools/echo", echo, methods=["POST"]),
        Route("/monitor/echo", echo, methods=["POST"]),
        Route("/monitor/booking", booking),
        Route("/police/booking", booking, methods=["GET", "HEAD"]),
        Route("/police/booking.ndjson", booking_ndjson),
        Route("/police/booking.csv", booking_csv),
        Route("/police/tables/booking.html", booking_html),
        Route("/police/custody/visit", custody_visit, methods=["GET", "POST"]),
        Route("/intake", intake_form),
        Route("/clean", clean_form),
        *(extra or []),
    ]
    kwargs: dict[str, Any] = dict(guard=guard, identify=identify_from_user, scope="city",
                                  routes=routes if routes is not None else default_routes,
                                  verifier=WarrantRegistry({"1:26-mj-00042": "judicial warrant",
                                                            "CO-2026-0117": "court order"}))
    kwargs.update(mw)
    return Starlette(routes=paths, middleware=[Middleware(FakeAuth), Middleware(StatusGuardMiddleware, **kwargs)])


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.jsonl"


@pytest.fixture(scope="session")
def cambridge_policy() -> Any:
    from status_guard.policy import load_policy

    return load_policy(None)


@pytest.fixture
def guard(cambridge_policy: Any, audit_path: Path) -> Guard:
    """The Cambridge pack (loaded once per session) with a fresh JSONL audit log per test."""
    return Guard(cambridge_policy, audit=f"jsonl:{audit_path}")


@pytest.fixture
def app(guard: Guard) -> Starlette:
    return make_app(guard)


@pytest.fixture
def client_for() -> Callable[..., httpx.AsyncClient]:
    def make(app: Any, token: str | None = None, **headers: str) -> httpx.AsyncClient:
        h = dict(headers)
        if token:
            h["authorization"] = f"Bearer {token}"
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers=h)

    return make


def audit_records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [r for r in (json.loads(line) for line in path.read_text().splitlines() if line.strip())
            if r.get("kind") == "decision"]


# -- a hand-written ASGI harness (ASGITransport buffers whole responses) -----------------------------
async def drive(app: Any, *, method: str = "GET", path: str = "/", headers: list[tuple[bytes, bytes]] | None = None,
                body_chunks: list[bytes] | None = None, client: tuple[str, int] = ("127.0.0.1", 5000),
                query: bytes = b"") -> list[dict[str, Any]]:
    """Run one request through an ASGI app and return every message it sent, in order."""
    import anyio

    chunks = list(body_chunks or [b""])
    incoming = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict[str, Any]] = []
    done = anyio.Event()

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop(0)
        # like a real client: the connection stays open until the response has been sent (the audit
        # record is written in a worker thread, so the app yields while the response is pending)
        with anyio.move_on_after(5):
            await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message.get("type") == "http.response.body" and not message.get("more_body", False):
            done.set()

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "",
             "headers": headers or [], "client": client, "server": ("testserver", 80)}
    await app(scope, receive, send)
    return sent


def body_of(messages: list[dict[str, Any]]) -> bytes:
    return b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"

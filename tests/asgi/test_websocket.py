"""WebSockets: messages cannot be redacted, so restricted requesters are refused at the handshake."""

from __future__ import annotations

import logging
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import WebSocketRoute
import warnings

with warnings.catch_warnings():  # Starlette 1.10 asks for the `httpx2` package for its TestClient
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from status_guard import Guard, StatusGuardMiddleware
from status_guard.context import current

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")


def _app(guard: Guard, who: str, monitor: bool = False) -> Starlette:
    seen: list[str] = []

    async def feed(ws: WebSocket) -> None:
        ctx = current()
        seen.append(ctx.requester.cls if ctx else "none")
        await ws.accept()
        await ws.send_json({"person": {"home_address": "1 Main St", "release_date": "2027-01-01"}})
        await ws.close()

    from status_guard.asgi import RouteConfig

    app = Starlette(routes=[WebSocketRoute("/feed", feed)], middleware=[
        Middleware(StatusGuardMiddleware, guard=guard, identify=lambda scope: who, scope="police",
                   routes=[RouteConfig("/feed", "police", monitor=monitor)]),
    ])
    app.state.seen = seen
    return app


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard.default(audit="memory:")


@pytest.mark.parametrize("who", ["federal", "federal_immigration", "unknown"])
def test_federal_officer_never_receives_a_custody_feed_over_websocket(guard: Guard, who: str) -> None:
    app = _app(guard, who)
    with TestClient(app) as client:
        with pytest.raises(WebSocketDisconnect) as ei:
            with client.websocket_connect("/feed") as ws:
                ws.receive_json()
    assert ei.value.code == 1008
    assert app.state.seen == []  # the app never saw the connection


def test_local_officer_websocket_passes_with_request_context(guard: Guard) -> None:
    app = _app(guard, "local")
    with TestClient(app) as client:
        with client.websocket_connect("/feed") as ws:
            assert ws.receive_json()["person"]["home_address"] == "1 Main St"
    assert app.state.seen == ["local"]


def test_monitor_mode_websocket_is_reported_not_refused(guard: Guard, caplog) -> None:
    # listen on status_guard's own logger: a gateway built in the same process (another test) routes
    # it to its own handler without propagation, which is right for a gateway process
    lg = logging.getLogger("status_guard")
    lg.addHandler(caplog.handler)
    try:
        app = _app(guard, "federal", monitor=True)
        with TestClient(app) as client:
            with client.websocket_connect("/feed") as ws:
                ws.receive_json()
    finally:
        lg.removeHandler(caplog.handler)
    assert "MONITOR MODE" in caplog.text

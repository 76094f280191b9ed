"""Route protection cannot be bypassed by how a path or a prefix is spelled; the event loop stays
free (review round 1, flaws R15, R16, R17, R19).

Invariants:

* **Every route configuration matches the path the app routes on** — written relative to the app
  (``/custody``) or with the mount path / root path (``/v1/custody``); never "logged and ignored".
  For any request the app's router sends to a custody endpoint (040(h)) — under a ``Mount``, under
  a ``root_path``, with ``//`` or ``/./`` in the path, or under a name that extends the prefix with
  punctuation (``/custody-visits``, ``/custody.json``) — ICE without a judicial warrant is refused.
  Only the app-relative spelling can select a route that switches checks off or grants an
  exception.
* **Address trust fails closed and says why** when the server rewrote the client address.
* **The event loop stays free**: a request or response body larger than ``offload_bytes`` (4 KiB)
  is checked in a worker thread; while it is checked, the worker keeps answering other requests.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from status_guard import Guard, StatusGuardMiddleware
from status_guard.asgi import RouteConfig, TrustedProxy, WarrantRegistry
from status_guard.asgi import identity, middleware

GUARD = Guard.default(audit="memory:")
ENDPOINTS = ["/custody/visits", "/custody-visits", "/custody.json", "/custody_v2/visits"]


def ident(scope):
    v = dict(scope.get("headers") or []).get(b"x-test-requester")
    return v.decode() if v else None


async def visit(request):
    return JSONResponse({"status": "visit scheduled"})


def build(mount: str, prefix_spelling: str, extra: list[RouteConfig]) -> Starlette:
    prefix = {"relative": "/custody", "mounted": f"{mount}/custody"}[prefix_spelling]
    routes = [RouteConfig(prefix, "police", custody_access=True), *extra]
    inner = Starlette(routes=[Route(p, visit, methods=["GET", "POST"]) for p in ENDPOINTS],
                      middleware=[Middleware(StatusGuardMiddleware, guard=GUARD, identify=ident, scope="city",
                                             routes=routes, verifier=WarrantRegistry({"1:26-mj-00042": "judicial warrant"}))])
    return Starlette(routes=[Mount(mount, app=inner)]) if mount else inner


async def _get(app, path: str, requester: str, root_path: str = "") -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, root_path=root_path), base_url="http://t") as c:
        return await c.get(path, headers={"x-test-requester": requester})


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(mount=st.sampled_from(["", "/v1", "/api/v2"]), spelling=st.sampled_from(["relative", "mounted"]),
       endpoint=st.sampled_from(ENDPOINTS), path_form=st.sampled_from(["plain", "double_slash", "dot"]),
       extra=st.lists(st.sampled_from([RouteConfig("/", "police"), RouteConfig("/custody/visits/public", "city"),
                                       RouteConfig("/cust", "city"), RouteConfig("/v1", "city")]), max_size=2))
def test_custody_routes_cannot_be_bypassed_by_a_path_spelling(mount, spelling, endpoint, path_form, extra) -> None:
    if spelling == "mounted" and not mount:
        spelling = "relative"
    app = build(mount, spelling, extra)
    path = mount + endpoint
    path = {"plain": path, "double_slash": path.replace("/custody", "//custody", 1),
            "dot": path.replace("/custody", "/./custody", 1)}[path_form]

    async def go():
        local = await _get(app, path, "local")
        ice = await _get(app, path, "federal_immigration")
        return local, ice

    local, ice = asyncio.run(go())
    if local.status_code == 200:  # the app's router reached a custody endpoint
        assert ice.status_code == 403, (path, [r.prefix for r in [*extra]], ice.text)


def test_a_prefix_that_includes_the_mount_path_still_protects_custody_and_records() -> None:
    """R15 (in-process; the real-uvicorn version is in test_uvicorn_routing_and_proxies.py)."""
    async def booking(request):
        return JSONResponse({"booking_id": "B1", "home_address": "77 Elm St"})

    inner = Starlette(routes=[Route("/custody/visits", visit, methods=["POST"]), Route("/bookings", booking)],
                      middleware=[Middleware(StatusGuardMiddleware, guard=GUARD, identify=ident, scope="city",
                                             routes=[RouteConfig("/v1/custody", "police", custody_access=True),
                                                     RouteConfig("/v1/bookings", "police")],
                                             verifier=WarrantRegistry({"1:26-mj-00042": "judicial warrant"}))])
    app = Starlette(routes=[Mount("/v1", app=inner)])

    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            a = await c.post("/v1/custody/visits", headers={"x-test-requester": "federal_immigration"})
            b = await c.get("/v1/bookings", headers={"x-test-requester": "federal"})
            return a, b

    a, b = asyncio.run(go())
    assert a.status_code == 403 and "77 Elm St" not in b.text


def test_a_custody_prefix_covers_the_same_name_with_an_extension_or_suffix() -> None:
    """R16: ``/custody`` covers ``/custody-visits`` and ``/custody.json`` (documented in
    docs/middleware.md, "Route configuration"); not ``/custodyship``."""
    r = RouteConfig("/custody", "police", custody_access=True)
    assert all(r.matches(p) for p in ["/custody", "/custody/visits", "/custody-visits", "/custody.json",
                                      "/custody_v2", "/custody;x=1"])
    assert not r.matches("/custodyship") and not r.matches("/cust")
    # a route that switches checks off never extends beyond its name
    assert not RouteConfig("/static", "city", inspect=False).matches("/static-records")
    app = build("", "relative", [])
    for p in ("/custody-visits", "/custody.json"):
        assert asyncio.run(_get(app, p, "federal_immigration")).status_code == 403


def test_only_the_app_relative_spelling_can_select_a_route_that_switches_checks_off() -> None:
    from status_guard.asgi.config import match_route, path_spellings

    routes = [RouteConfig("/custody", "police", custody_access=True),
              RouteConfig("/v1/custody/visits", "city", inspect=False)]  # written with the mount path
    scope = {"path": "/v1/custody/visits", "root_path": "/v1"}
    assert match_route(routes, path_spellings(scope)).custody_access


def test_address_trust_fails_closed_and_says_why_when_the_client_address_was_rewritten(caplog) -> None:
    """R17 (in-process half): the claim is ignored and the cause is logged once."""
    identity._EXPLAINED.clear()
    tp = TrustedProxy(clients=["127.0.0.1"])
    scope = {"client": ("203.0.113.9", 0), "headers": [(b"x-forwarded-for", b"203.0.113.9"),
                                                       (b"x-status-guard-requester", b"local")]}
    with caplog.at_level(logging.ERROR, logger="status_guard.asgi"):
        assert not identity.peer_is(tp.clients, scope)
        identity.explain_unproven(tp, scope)
        identity.explain_unproven(tp, scope)
    msgs = [r.getMessage() for r in caplog.records if "secret" in r.getMessage()]
    assert len(msgs) == 1 and "--proxy-headers" in msgs[0]


# --- the event loop stays free (R19) ---------------------------------------------------------------
def test_a_submission_over_offload_bytes_is_checked_while_the_worker_keeps_answering(monkeypatch) -> None:
    """While a 30 KiB free-text submission is being checked, a cheap request on the same event loop
    is answered: the check runs in a worker thread (it waits here until the cheap answer came)."""
    answered = threading.Event()
    threads: list[int] = []
    original = middleware._Responder.check_request

    def slow_check(self, *args):
        if len(args[2]) < 10_000:  # the cheap request: checked at once
            return original(self, *args)
        threads.append(threading.get_ident())
        if not answered.wait(timeout=20):  # on the event loop this would deadlock: the cheap request never runs
            raise AssertionError("the cheap request was not answered while a body was checked")
        return original(self, *args)

    monkeypatch.setattr(middleware._Responder, "check_request", slow_check)

    async def cheap(request):
        return JSONResponse({"ok": 1})

    async def submit(request):
        return JSONResponse({"got": len(await request.body())})

    app = Starlette(routes=[Route("/cheap", cheap), Route("/submit", submit, methods=["POST"])],
                    middleware=[Middleware(StatusGuardMiddleware, guard=GUARD, identify=lambda s: "local",
                                           scope="schools", routes=[RouteConfig("/cheap", "city"),
                                                                    RouteConfig("/submit", "schools", strip=True)])])
    body = ('{"note": "' + "We met about the bus schedule and the lunch forms. " * 600 + '"}').encode()

    async def go():
        loop_thread = threading.get_ident()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            heavy = asyncio.create_task(c.post("/submit", content=body, headers={"content-type": "application/json"}))
            for _ in range(200):
                if threads:
                    break
                await asyncio.sleep(0.01)
            fast = await c.get("/cheap")
            answered.set()
            done = await asyncio.wait_for(heavy, 30)
        return loop_thread, fast, done

    loop_thread, fast, done = asyncio.run(go())
    assert fast.status_code == 200 and done.status_code == 200
    assert threads and threads[0] != loop_thread


@pytest.mark.parametrize("size,off_loop", [(1_000, False), (5_000, True)])
def test_bodies_over_offload_bytes_are_checked_in_a_worker_thread(size: int, off_loop: bool) -> None:
    seen: list[int] = []

    def fn():
        seen.append(threading.get_ident())

    async def go():
        await middleware.inspect_off_loop(middleware.Limits(), size, fn)
        return threading.get_ident()

    loop_thread = asyncio.run(go())
    assert (seen[0] != loop_thread) is off_loop

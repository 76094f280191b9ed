"""WebSockets through the gateway, with the middleware's own refusal rules.

Invariant: a WebSocket is relayed only on a route that enables it, and never to a requester the
policy would redact on that route (federal, ICE, unidentified — in police scope): those are refused
at the handshake (close 1008, audited) before the upstream is even contacted. Messages are bounded.

Upstream: nginx proxies ``/ws/`` to a small Python ``websockets`` echo server (nginx cannot speak
WebSocket itself).
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from stack import bearer
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.exceptions import InvalidStatus

import stack


@pytest.fixture(scope="module")
def ws_stack(tmp_path_factory, keys):
    port = stack.free_port()
    seen: list[str] = []
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()

    async def echo(ws):  # type: ignore[no-untyped-def]
        seen.append(ws.request.path)
        async for msg in ws:
            await ws.send(msg)

    async def main() -> None:
        async with serve(echo, "127.0.0.1", port):
            ready.set()
            await stop.wait()

    t = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    t.start()
    ready.wait(10)
    tmp = tmp_path_factory.mktemp("ws")
    ng = stack.start_nginx(tmp / "nginx", ws_port=port)
    gport = stack.free_port()
    gw = stack.start_gateway(stack.gateway_config(ng.url, keys, f"jsonl:{tmp / 'audit.jsonl'}", gport,
                                                  extra="\n[websocket]\nmax_message_bytes = 4096\n"), tmp, gport)
    yield gw, seen, tmp / "audit.jsonl"
    gw.stop()
    ng.stop()
    loop.call_soon_threadsafe(stop.set)
    t.join(5)


async def _talk(url: str, headers: dict[str, str], msg: str = "hello") -> str:
    async with connect(url, additional_headers=headers, proxy=None, open_timeout=10) as ws:
        await ws.send(msg)
        return str(await asyncio.wait_for(ws.recv(), 10))


def test_local_officer_websocket_is_relayed_to_the_app(ws_stack, keys):
    gw, seen, _ = ws_stack
    url = f"ws://127.0.0.1:{gw.port}/ws/dispatch"
    assert asyncio.run(_talk(url, bearer(keys, "local"), "unit 7 en route")) == "unit 7 en route"
    assert "/ws/dispatch" in seen


@pytest.mark.parametrize("cls", ["federal", "federal_immigration", None])
def test_federal_or_unidentified_websocket_is_refused_before_the_app_sees_it(ws_stack, keys, cls):
    gw, seen, audit = ws_stack
    before = len(seen)
    url = f"ws://127.0.0.1:{gw.port}/ws/dispatch-{cls}"
    with pytest.raises((InvalidStatus, Exception)) as e:
        asyncio.run(_talk(url, bearer(keys, cls) if cls else {}))
    assert "403" in str(e.value) or "1008" in str(e.value)
    time.sleep(0.1)
    assert len(seen) == before
    assert '"route":"WS /ws"' in audit.read_text()  # the refusal is audited


def test_websocket_paths_never_reach_the_logs(ws_stack, keys):
    gw, _, _ = ws_stack
    asyncio.run(_talk(f"ws://127.0.0.1:{gw.port}/ws/case-B-2026-0042", bearer(keys, "local")))
    time.sleep(0.2)
    assert "case-B-2026-0042" not in gw.logs()


def test_websocket_on_a_route_that_does_not_enable_it_is_refused(ws_stack, keys):
    gw, seen, _ = ws_stack
    before = len(seen)
    with pytest.raises(Exception):
        asyncio.run(_talk(f"ws://127.0.0.1:{gw.port}/police/ws/x", bearer(keys, "local")))
    assert len(seen) == before


def test_oversized_websocket_message_closes_the_session(ws_stack, keys):
    gw, _, _ = ws_stack

    async def big() -> None:
        async with connect(f"ws://127.0.0.1:{gw.port}/ws/dispatch", additional_headers=bearer(keys, "local"),
                           proxy=None, max_size=None) as ws:
            await ws.send("x" * 100_000)
            await asyncio.wait_for(ws.recv(), 10)

    with pytest.raises(Exception):
        asyncio.run(big())

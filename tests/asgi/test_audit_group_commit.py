"""Group commit of the audit records of concurrent requests (issue 15, ``asgi.audit_batch``).

What the law and AU-5 need kept while the records of many requests share one fsync:

* every response withheld or redacted under 2.129.030/040 is released only once its record is
  durable — never a redacted response without its record — and the log still verifies;
* a record that cannot be made durable (fsync fails, the writer does not answer in time, the queue
  is full) withholds the response: 503 ``audit_unavailable``, never the 200;
* the event loop keeps serving while the disk is slow (it never waits on fsync itself).
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import pytest
import uvicorn

from status_guard.asgi.audit_batch import AuditBatcher
from status_guard.audit import open_audit
from status_guard.audit.sinks import jsonl as jsonl_mod

from .conftest import audit_records, make_app

pytestmark = pytest.mark.anyio

N = 40
REAL_FSYNC = jsonl_mod.os.fsync


def _redacted(path: Path) -> int:
    return sum(1 for r in audit_records(path) if r.get("kind") == "decision" and r.get("action") == "disclose")


def _slow_fsync(seconds: float) -> Any:
    def fsync(fd: int) -> None:
        time.sleep(seconds)
        REAL_FSYNC(fd)
    return fsync


async def test_every_redacted_response_to_concurrent_requests_is_released_after_its_record_2_129_030(
        app, client_for, audit_path):
    """40 federal reads at once: each redacted response arrives only when its record (and one per
    response before it) is durable — fsynced, not merely written; the records share fsyncs; the log
    verifies."""
    durable = [0]  # bytes of the log known to be on disk (fsync returned)
    fsyncs = [0]

    def fsync(fd: int) -> None:
        size = os.fstat(fd).st_size
        time.sleep(0.003)
        REAL_FSYNC(fd)
        fsyncs[0] += 1
        durable[0] = max(durable[0], size)

    def durable_records() -> int:
        data = audit_path.read_bytes()[:durable[0]] if audit_path.exists() else b""
        return data.count(b'"action":"disclose"')

    seen: list[tuple[int, int]] = []  # (responses received so far, durable records then)

    async def one(c: httpx.AsyncClient) -> httpx.Response:
        r = await c.get("/police/booking")
        seen.append((len(seen) + 1, durable_records()))
        return r

    with mock.patch.object(jsonl_mod.os, "fsync", fsync):
        async with client_for(app, "tok-federal") as c:
            await c.get("/police/booking")  # the first request pays for warming: not part of the batch
            seen.clear()
            base = durable_records()
            rs = await asyncio.gather(*(one(c) for _ in range(N)))
    assert all(r.status_code == 200 and "12 Example St" not in r.text for r in rs)
    assert all(stored - base >= k for k, stored in seen), seen  # never a redacted response ahead of its record
    recs = [r for r in audit_records(audit_path) if r.get("kind") == "decision"]
    assert len(recs) == N + 1 and len({r["request_id"] for r in recs}) == N + 1
    assert {r["effect"] for r in recs} == {"redact"}
    assert fsyncs[0] < N  # group commit: records of several requests per fsync
    v = open_audit(f"jsonl:{audit_path}").verify(allow_open_tail=True)
    assert v.ok, v.problems


async def test_an_fsync_failure_withholds_every_redacted_response_503_not_200(app, client_for, audit_path):
    def broken(fd: int) -> None:
        raise OSError(5, "I/O error")

    with mock.patch.object(jsonl_mod.os, "fsync", broken):
        async with client_for(app, "tok-federal") as c:
            rs = await asyncio.gather(*(c.get("/police/booking") for _ in range(12)))
    for r in rs:
        assert r.status_code == 503 and r.json()["error"]["code"] == "audit_unavailable"
        assert "Example" not in r.text and "Ana" not in r.text


async def test_a_writer_that_does_not_answer_in_time_withholds_the_response(guard, client_for, audit_path):
    app = make_app(guard)
    mw = _middleware(app)
    mw.audit_batcher = AuditBatcher(guard, timeout=0.2)
    try:
        with mock.patch.object(jsonl_mod.os, "fsync", _slow_fsync(1.0)):
            async with client_for(app, "tok-federal") as c:
                r = await c.get("/police/booking")
        assert r.status_code == 503 and r.json()["error"]["code"] == "audit_unavailable"
        assert "Example" not in r.text
    finally:
        mw.audit_batcher.stop()


async def test_a_full_queue_refuses_at_once_instead_of_growing_memory(guard, client_for, audit_path):
    """Bounded backpressure: past ``max_pending`` queued records a request gets 503 at once; every
    200 that went out still has its record."""
    app = make_app(guard)
    mw = _middleware(app)
    mw.audit_batcher = AuditBatcher(guard, max_pending=2)
    try:
        with mock.patch.object(jsonl_mod.os, "fsync", _slow_fsync(0.3)):
            async with client_for(app, "tok-federal") as c:
                rs = await asyncio.gather(*(c.get("/police/booking") for _ in range(10)))
    finally:
        mw.audit_batcher.stop()
    codes = [r.status_code for r in rs]
    assert 503 in codes and 200 in codes, codes
    for r in rs:
        if r.status_code == 503:
            assert r.json()["error"]["code"] == "audit_unavailable" and "Example" not in r.text
    assert _redacted(audit_path) >= codes.count(200)


async def test_the_event_loop_keeps_serving_while_the_disk_is_slow(app, client_for, audit_path):
    """A 0.5 s fsync holds the federal read, not the loop: a heartbeat on the loop keeps ticking."""
    lags: list[float] = []
    stop = asyncio.Event()

    async def heartbeat() -> None:
        while not stop.is_set():
            t = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - t - 0.01)

    with mock.patch.object(jsonl_mod.os, "fsync", _slow_fsync(0.5)):
        hb = asyncio.create_task(heartbeat())
        async with client_for(app, "tok-federal") as c:
            r = await c.get("/police/booking")
        stop.set()
        await hb
    assert r.status_code == 200 and _redacted(audit_path) == 1
    assert lags and max(lags) < 0.25, max(lags)


def _middleware(app: Any) -> Any:
    from status_guard.asgi import StatusGuardMiddleware

    for m in app.user_middleware:
        if m.cls is StatusGuardMiddleware:
            break
    app.middleware_stack = app.build_middleware_stack()
    node = app.middleware_stack
    while not isinstance(node, StatusGuardMiddleware):
        node = node.app
    return node


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_under_uvicorn_with_lifespan_every_redacted_response_has_its_record(guard, audit_path):
    """A real server: lifespan starts the writer, concurrent federal reads are all redacted and
    all recorded, shutdown writes what is queued and stops the writer."""
    app = make_app(guard)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 180  # lifespan start-up warms the guard first
    while not server.started:
        if time.monotonic() > deadline or not t.is_alive():
            pytest.fail("uvicorn did not start on loopback within 180 s")
        time.sleep(0.02)
    from status_guard.asgi.audit_batch import batcher_for

    batcher = batcher_for(guard)
    assert batcher.running  # started by lifespan, before any request

    async def many() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=20,
                                     headers={"authorization": "Bearer tok-federal"}) as c:
            return await asyncio.gather(*(c.get("/police/booking") for _ in range(30)))

    try:
        rs = asyncio.run(many())
    finally:
        server.should_exit = True
        t.join(timeout=20)
    assert all(r.status_code == 200 and "12 Example St" not in r.text for r in rs)
    assert _redacted(audit_path) == 30
    assert not batcher.running  # lifespan shutdown stopped it
    v = open_audit(f"jsonl:{audit_path}").verify(allow_open_tail=True)
    assert v.ok, v.problems


async def test_idle_flushers_end_and_the_next_record_starts_them_again(guard, audit_path):
    """No thread lingers per guard when nothing is written (a process with many guards, a test
    suite); the promise holds again for the next record."""
    batcher = AuditBatcher(guard)
    batcher.idle_seconds = 0.05
    d = guard.check_access("police", "federal_immigration")
    await batcher.record([(d, {"adapter": "asgi", "route": "GET /x"})])
    deadline = time.monotonic() + 5
    while batcher.running and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert not batcher.running
    await batcher.record([(d, {"adapter": "asgi", "route": "GET /x"})])
    assert len([r for r in audit_records(audit_path) if r.get("kind") == "decision"]) == 2
    batcher.stop()

"""Never freeze (issue 14, item 4).

Invariant: audit I/O never runs on the event loop and never waits unboundedly. With the log's lock
held by another process (a backup, a stuck tool), a guarded action waits at most the lock timeout
and gets a clear 503 `audit_unavailable`; meanwhile the server keeps answering other requests (a
health check answers at once). The same holds for SQLite's write lock and PostgreSQL's advisory lock.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from status_guard import Guard
from status_guard.asgi import StatusGuardMiddleware
from status_guard.audit import AuditUnavailableError, open_audit

REC = {"action": "collect", "effect": "block", "adapter": "asgi", "citations": ["2.129.040(b)"],
       "fields": ["guardian.citizenship"], "requester": {"class": "local"}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _echo(request: Request) -> JSONResponse:
    return JSONResponse({"got": (await request.body()).decode()})


async def _health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    path = tmp_path / "audit.jsonl"
    log = open_audit(f"jsonl:{path}", lock_timeout=1.0)
    log.heartbeat()  # the log exists, so another process can lock it
    guard = Guard.default(audit=log)
    # this test is about lock waits: warm the free-text engine first, so its one-off start-up cost
    # (importing Presidio, ~1 s) is not what the health check measures (start-up warming: issue 15)
    guard.detect_text("warm up", scope="schools")
    app = Starlette(routes=[Route("/enroll", _echo, methods=["POST"]), Route("/health", _health)])
    wrapped = StatusGuardMiddleware(app, guard=guard, identify=lambda scope: "local", scope="schools")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(wrapped, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))  # as deployed: the guard warms before serving
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 180  # started after lifespan start-up: the guard warms (~5-20 s loaded)
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start on loopback within 180 s")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", path
    server.should_exit = True
    t.join(timeout=10)


HOLD_FLOCK = textwrap.dedent("""
    import fcntl, sys, time
    f = open(sys.argv[1], "a")
    fcntl.flock(f, fcntl.LOCK_EX)
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
""")


def _hold(code: str, *args: str) -> subprocess.Popen[str]:
    p = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stdout.readline().strip() == "locked"
    return p


def test_a_held_lock_gives_a_bounded_503_while_the_server_keeps_answering(served: tuple[str, Path]) -> None:
    url, path = served
    holder = _hold(HOLD_FLOCK, str(path), "20")
    try:
        with httpx.Client(base_url=url, timeout=20) as c, ThreadPoolExecutor(2) as pool:
            t0 = time.monotonic()
            refused = pool.submit(c.post, "/enroll", data={"citizenship": "yes"})
            time.sleep(0.2)  # the guarded request is now waiting for the lock
            h0 = time.monotonic()
            health = c.get("/health")
            health_took = time.monotonic() - h0
            r = refused.result()
            took = time.monotonic() - t0
        assert health.status_code == 200 and health_took < 0.5, health_took  # the event loop was not frozen
        assert r.status_code == 503 and r.json()["error"]["code"] == "audit_unavailable"
        assert 0.9 <= took < 6.0, took  # bounded by the lock timeout (1 s), not by the other process
    finally:
        holder.kill()
        holder.wait()
    with httpx.Client(base_url=url, timeout=20) as c:  # the lock is free again: refused and audited as usual
        again = c.post("/enroll", data={"citizenship": "yes"})
    assert again.status_code == 422


def test_a_held_sqlite_write_lock_fails_the_append_within_the_timeout(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    log = open_audit(f"sqlite:{path}", lock_timeout=0.5)
    log.append(REC)
    holder = _hold(textwrap.dedent("""
        import sqlite3, sys, time
        c = sqlite3.connect(sys.argv[1], isolation_level=None)
        c.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    """), str(path), "20")
    try:
        t0 = time.monotonic()
        with pytest.raises(AuditUnavailableError, match="locked by another process"):
            log.append(REC)
        assert time.monotonic() - t0 < 3
    finally:
        holder.kill()
        holder.wait()
    log.append(REC)
    log.close()
    assert log.verify().ok


@pytest.mark.postgres
def test_a_held_postgres_advisory_lock_fails_the_append_within_the_timeout(pg_spec: str) -> None:
    import psycopg

    log = open_audit(pg_spec, lock_timeout=0.5)
    log.append(REC)
    key = log.sink.lock_key
    with psycopg.connect(pg_spec.split("?")[0]) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (key,))
        t0 = time.monotonic()
        with pytest.raises(AuditUnavailableError, match="locked by another session"):
            log.append(REC)
        assert time.monotonic() - t0 < 3
        other.execute("SELECT pg_advisory_unlock(%s)", (key,))
    log.append(REC)
    log.close()
    assert log.verify().ok


def test_threads_waiting_behind_a_stuck_write_give_up_within_the_bound(tmp_path: Path) -> None:
    """Group commit: when the leader's write hangs (a dead disk), followers do not wait for ever."""
    log = open_audit("memory:", lock_timeout=0.3)
    log.append(REC)
    release = threading.Event()
    real = log.sink.write_locked

    def stuck(make: Any, *, timeout: float = 0) -> None:
        release.wait(10)
        real(make, timeout=timeout)

    log.sink.write_locked = stuck  # type: ignore[method-assign]
    leader = threading.Thread(target=lambda: log.append(REC), daemon=True)
    leader.start()
    time.sleep(0.1)
    t0 = time.monotonic()
    with pytest.raises(AuditUnavailableError, match="busy"):
        log.append(REC)
    assert time.monotonic() - t0 < log.append_timeout + 1
    release.set()
    leader.join(5)

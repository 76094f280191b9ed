"""Operating the gateway: readiness follows the audit sink, limits on upstream time and size,
graceful shutdown that drains requests and closes the audit log, metrics across workers.

Invariants:
* ``/readyz`` is 200 only while the audit sink takes records; when it cannot, every action that
  must be audited is refused (503), never carried out unlogged (AU-5).
* An upstream that is down, slow or too large gets a clear 502/504 — never a hang, never a body
  silently cut short (a response already started is aborted, so the client sees an error).
* SIGTERM: requests in flight finish; then the audit log gets its end marker, so
  ``status-guard audit verify`` (without ``--allow-open``) passes.

The slow and misbehaving upstreams here are tiny Python socket servers: nginx cannot be told to
stall or to lie about its framing.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from stack import bearer

import stack


def _serve(handler, port: int) -> threading.Thread:  # type: ignore[no-untyped-def]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)

    def loop() -> None:
        # A short accept timeout only lets the loop notice the socket was closed; it never ends the server
        # (a 30 s idle limit once stopped it while gateways were still starting on a loaded CI machine).
        srv.settimeout(1)
        while True:
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=handler, args=(conn,), daemon=True).start()

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    t.srv = srv  # type: ignore[attr-defined]
    return t


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _slow(conn: socket.socket) -> None:
    _read_request(conn)
    time.sleep(1.5)
    body = b'{"office": "City Hall"}'
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    conn.close()


def _stall(conn: socket.socket) -> None:
    _read_request(conn)
    time.sleep(20)
    conn.close()


def _endless(conn: socket.socket) -> None:
    _read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
    try:
        for _ in range(200):
            conn.sendall(b"400\r\n" + b"x" * 1024 + b"\r\n")
    except OSError:
        pass
    conn.close()


def _start(tmp: Path, upstream: str, keys: stack.Keys, *, audit: str | None = None, extra: str = "",
           workers: int | None = None, name: str = "gw", upstream_extra: str = "") -> stack.GatewayProc:
    port = stack.free_port()
    cfg = stack.gateway_config(upstream, keys, audit or f"jsonl:{tmp / (name + '-audit.jsonl')}", port, extra=extra,
                               upstream_extra=upstream_extra)
    return stack.start_gateway(cfg, tmp, port, workers=workers, name=name)


def test_ready_only_while_the_audit_log_can_be_written(tmp_path, keys, nginx):
    gw = _start(tmp_path, nginx.url, keys, audit="jsonl:/dev/full")  # a full disk
    try:
        with httpx.Client(base_url=gw.url, timeout=10) as c:
            assert c.get("/healthz").status_code == 200  # alive
            r = c.get("/readyz")
            assert r.status_code == 503 and r.json()["audit"] == "not writable"
            fed = c.get("/police/records/1.json", headers=bearer(keys, "federal"))
            assert fed.status_code == 503 and fed.json()["error"]["code"] == "audit_unavailable"
            assert "12 Example St" not in fed.text
            assert "status_guard_audit_failures_total 1.0" in c.get("/metrics").text or \
                "status_guard_audit_failures_total" in c.get("/metrics").text
    finally:
        gw.stop()


def test_upstream_down_slow_or_too_large_gets_a_clear_error(tmp_path, keys, nginx):
    down = stack.free_port()  # nothing listens there
    stall_port, endless_port = stack.free_port(), stack.free_port()
    servers = [_serve(_stall, stall_port), _serve(_endless, endless_port)]
    gws: dict[str, stack.GatewayProc] = {}
    plan = {
        "down": (f"http://127.0.0.1:{down}", ""),
        "stall": (f"http://127.0.0.1:{stall_port}", "response_timeout = 1"),
        "small": (nginx.url, "max_response_bytes = 100\nresponse_timeout = 10"),
        # generous timeouts: what is tested is the size limit, not how fast a loaded machine answers
        "endless": (f"http://127.0.0.1:{endless_port}", "max_response_bytes = 65536\nresponse_timeout = 60"),
    }
    try:
        for name, (url, extra) in plan.items():  # each registered as it starts, so all are stopped
            gws[name] = _start(tmp_path, url, keys, name=name, upstream_extra=extra)
        r = httpx.get(gws["down"].url + "/city/hours.json", headers=bearer(keys, "local"), timeout=10)
        assert r.status_code == 502 and r.json()["error"]["code"] == "upstream_unavailable"
        t0 = time.monotonic()
        r = httpx.get(gws["stall"].url + "/city/hours.json", headers=bearer(keys, "local"), timeout=10)
        assert r.status_code == 504 and time.monotonic() - t0 < 5
        r = httpx.get(gws["small"].url + "/police/records/1.json", headers=bearer(keys, "local"), timeout=10)
        assert r.status_code == 502 and r.json()["error"]["code"] == "upstream_response_too_large"
        with pytest.raises(httpx.HTTPError):  # aborted mid-body: an error, never a clean short body
            r = httpx.get(gws["endless"].url + "/city/blob", headers=bearer(keys, "local"), timeout=90)
            print("not aborted:", r.status_code, r.content[:200])
        fed = httpx.get(gws["endless"].url + "/police/blob", headers=bearer(keys, "federal"), timeout=10)
        assert fed.status_code == 403  # an octet-stream is never sent to a federal officer
    finally:
        for g in gws.values():
            g.stop()
        for srv in servers:
            srv.srv.close()  # type: ignore[attr-defined]


def test_sigterm_drains_in_flight_requests_then_closes_the_audit_log(tmp_path, keys):
    slow_port = stack.free_port()
    srv = _serve(_slow, slow_port)
    gw = _start(tmp_path, f"http://127.0.0.1:{slow_port}", keys, name="drain")
    result: dict[str, object] = {}

    def call() -> None:
        try:
            result["r"] = httpx.get(gw.url + "/city/hours.json", headers=bearer(keys, "federal"), timeout=15)
        except Exception as exc:  # noqa: BLE001
            result["e"] = exc

    t = threading.Thread(target=call)
    t.start()
    time.sleep(0.6)
    gw.proc.send_signal(__import__("signal").SIGTERM)
    t.join(20)
    gw.proc.wait(20)
    srv.srv.close()  # type: ignore[attr-defined]
    assert "e" not in result, result.get("e")
    r = result["r"]
    assert r.status_code == 200  # type: ignore[attr-defined]
    audit = tmp_path / "drain-audit.jsonl"
    exe = Path(sys.executable).with_name("status-guard")
    v = subprocess.run([str(exe), "audit", "verify", "--audit", f"jsonl:{audit}"], capture_output=True, text=True,
                       timeout=60)
    assert v.returncode == 0, v.stdout + v.stderr
    assert "ended cleanly" in v.stdout
    assert '"kind":"end"' in audit.read_text().splitlines()[-1]


def test_metrics_from_every_worker_and_only_for_allowed_scrapers(tmp_path, keys, nginx):
    gw = _start(tmp_path, nginx.url, keys, workers=2, name="workers")
    try:
        with httpx.Client(base_url=gw.url, timeout=10) as c:
            for _ in range(20):  # a new connection each time, so both workers take some
                httpx.get(gw.url + "/police/records/1.json", headers=bearer(keys, "federal"), timeout=10)
            text = c.get("/metrics").text
        line = next(x for x in text.splitlines()
                    if x.startswith("status_guard_gateway_requests_total") and 'requester="federal"' in x)
        assert float(line.rsplit(" ", 1)[1]) == 20.0  # counted in both workers, summed
    finally:
        gw.stop()
    gw = _start(tmp_path, nginx.url, keys, name="nometrics",
                extra='\n[ops]\nmetrics_clients = ["10.9.9.9/32"]\n')
    try:
        r = httpx.get(gw.url + "/metrics", headers=bearer(keys, "local"), timeout=10)
        assert "status_guard_" not in r.text  # not the gateway's metrics: the request went to the app (404)
    finally:
        gw.stop()

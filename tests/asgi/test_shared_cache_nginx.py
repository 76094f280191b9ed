"""A real shared cache in front of a guarded app (review round 1, flaw R20).

Invariant: a response whose content depends on the requester is never stored by a shared cache,
whatever the app says to caches — here a real nginx ``proxy_cache`` in front of a real uvicorn,
with an app that authenticates by an API-key header (so ``Vary: Authorization, Cookie`` does not
separate the copies) and asks nginx to cache for 60 s (``X-Accel-Expires``, which nginx obeys
before ``Cache-Control``). A detective's full record is never served from the cache to the FBI.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)

APP = textwrap.dedent('''
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from status_guard import Guard, StatusGuardMiddleware
    from status_guard.asgi import RouteConfig
    KEYS = {"key-detective": "local", "key-fbi": "federal"}
    def identify(scope):
        return KEYS.get(dict(scope["headers"]).get(b"x-api-key", b"").decode())
    async def booking(req):
        return JSONResponse({"booking_id": "B-1", "home_address": "77 Elm St", "release_date": "2026-11-29"},
                            headers={"x-accel-expires": "60", "cdn-cache-control": "max-age=60",
                                     "surrogate-control": "max-age=60"})
    app = Starlette(routes=[Route("/booking", booking)], middleware=[Middleware(StatusGuardMiddleware,
        guard=Guard.default(audit="memory:"), identify=identify, scope="police",
        routes=[RouteConfig("/", "police", public_record_fields=("booking_id",))])])
''')


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 180  # uvicorn binds after lifespan start-up (the guard warms: ~5-20 s loaded)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"{what} did not start within 180 s")


def test_a_shared_nginx_cache_never_serves_a_detectives_record_to_the_fbi(tmp_path: Path) -> None:
    if NGINX is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("required under CI=true: nginx (apt-get install nginx)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache_app.py").write_text(APP)
    up, front = _port(), _port()
    # as root, nginx workers would drop to an unprivileged user that cannot enter pytest's tmp dir
    user = "user root;" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    conf = f"""{user} worker_processes 1; daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{ access_log off; client_body_temp_path {tmp_path}/b; proxy_temp_path {tmp_path}/p;
  fastcgi_temp_path {tmp_path}/f; uwsgi_temp_path {tmp_path}/u; scgi_temp_path {tmp_path}/s;
  proxy_cache_path {tmp_path}/cache keys_zone=z:1m;
  server {{ listen 127.0.0.1:{front}; location / {{ proxy_pass http://127.0.0.1:{up}; proxy_cache z;
    add_header X-Cache $upstream_cache_status; }} }} }}"""
    (tmp_path / "nginx.conf").write_text(conf)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    app = subprocess.Popen([sys.executable, "-m", "uvicorn", "cache_app:app", "--port", str(up), "--log-level",
                            "warning", "--lifespan", "on"], cwd=tmp_path, env=env)  # as deployed: warm before serving
    nginx = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path),
                              "-e", str(tmp_path / "error.log")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(up, app, "uvicorn")
        _wait(front, nginx, "nginx")
        with httpx.Client(base_url=f"http://127.0.0.1:{front}", timeout=10) as c:
            detective = c.get("/booking", headers={"x-api-key": "key-detective"})
            assert detective.json()["home_address"] == "77 Elm St"
            for h in ("cdn-cache-control", "surrogate-control", "x-accel-expires"):
                assert h not in detective.headers
            fbi = c.get("/booking", headers={"x-api-key": "key-fbi"})
        assert fbi.headers.get("x-cache") != "HIT"
        assert "77 Elm St" not in fbi.text and "2026-11-29" not in fbi.text and fbi.json()["booking_id"] == "B-1"
    finally:
        for p in (nginx, app):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()

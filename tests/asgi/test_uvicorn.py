"""The middleware under a real server (uvicorn on loopback): real HTTP framing, Content-Length
checked by the server after a strip, a redacted response, a chunked upload counted against the
limit."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from .conftest import make_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(guard):
    from status_guard.asgi import Limits

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(make_app(guard, limits=Limits(max_body_bytes=4096)), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="on"))  # as deployed: the guard warms before serving
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 180  # started after lifespan start-up: the guard warms (~5-20 s loaded)
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start on loopback within 180 s")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    t.join(timeout=10)


def test_over_real_http_strip_refuse_redact_and_limit(served):
    with httpx.Client(base_url=served, timeout=10) as c:
        stripped = c.post("/strip/echo", data={"name": "Ana", "citizenship": "yes"},
                          headers={"authorization": "Bearer tok-local"})
        assert stripped.status_code == 200 and stripped.json()["body"] == "name=Ana"
        refused = c.post("/echo", json={"immigrationStatus": "x"}, headers={"authorization": "Bearer tok-local"})
        assert refused.status_code == 422 and "2.129.040(b)" in refused.text
        fed = c.get("/police/booking", headers={"authorization": "Bearer tok-federal"})
        assert "12 Example St" not in fed.text and int(fed.headers["content-length"]) == len(fed.content)

        def chunks():
            for _ in range(10):
                yield b"x" * 1024

        big = c.post("/echo", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded",
                                                          "authorization": "Bearer tok-local"})
        assert big.status_code == 413

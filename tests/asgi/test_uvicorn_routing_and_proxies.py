"""Route protection and identity under a real uvicorn (issue 10, classes 8 and 9).

Invariants, each checked on ``uvicorn`` started as its own process on 127.0.0.1:

* **Routes follow the app-relative path.** Under ``--root-path /api`` and under a Starlette
  ``Mount("/v1", …)``, a custody route (040(h)) still refuses ICE without a judicial warrant, and a
  police route still redacts for a federal officer — the guard matches the path the app routes on.
* **A route is never bypassed by how its prefix is spelled** (review round 1, R15): prefixes written
  with the root path (``/api/custody`` under ``--root-path /api``) or the mount path
  (``/v1/custody`` inside ``Mount("/v1")``) still match — ICE still needs a warrant, the FBI still
  gets the redacted record. (Before, such a prefix was logged and then ignored: fail open.)
* **Identity behind proxies.** With ``--proxy-headers --forwarded-allow-ips='*'`` a client that
  forges ``X-Forwarded-For: <the proxy's address>`` is not believed when it claims to be a local
  officer; a proxy that proves itself with the shared secret is believed, and the app never sees
  the secret. With the proxy alone trusted (``--forwarded-allow-ips 127.0.0.1``) uvicorn replaces
  the proxy's address by its client's, so address trust cannot recognise the proxy: its claims
  are ignored (fail closed, logged) — the documented configuration is the secret (R17).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from status_guard.asgi import TrustedProxy
from status_guard.errors import PolicyError

HERE = Path(__file__).resolve().parent
SECRET = "s3cret-for-tests-only-0123456789abcdefXYZ"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(mode: str, *args: str) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "SG_MODE": mode, "SG_SECRET": SECRET}
    env.pop("FORWARDED_ALLOW_IPS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "uvicorn_apps:app", "--app-dir", str(HERE), "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--lifespan", "auto", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # lifespan start-up warms the guard before uvicorn binds
    try:
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"uvicorn exited: {out[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("uvicorn did not start within 180 s")
                time.sleep(0.05)
        # a guarded app inside a Mount gets no lifespan: its first request waits for the guard's
        # warm-up (seconds on a loaded machine); make that request here, with room, not in the test
        for warm_path in ("/headers", "/v1/headers", "/api/headers"):
            try:
                httpx.get(base + warm_path, timeout=180)
            except httpx.HTTPError:
                pass
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def root_path_server() -> Iterator[str]:
    yield from _serve("root", "--root-path", "/api")


@pytest.fixture(scope="module")
def mounted_server() -> Iterator[str]:
    yield from _serve("mount")


@pytest.fixture(scope="module")
def spoofable_server() -> Iterator[str]:
    yield from _serve("proxy_addr", "--proxy-headers", "--forwarded-allow-ips", "*")


@pytest.fixture(scope="module")
def secret_server() -> Iterator[str]:
    yield from _serve("proxy_secret", "--proxy-headers", "--forwarded-allow-ips", "*")


@pytest.fixture(scope="module")
def direct_server() -> Iterator[str]:
    yield from _serve("proxy_addr", "--no-proxy-headers")


@pytest.fixture(scope="module")
def proxy_only_server() -> Iterator[str]:
    yield from _serve("proxy_addr", "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1")


@pytest.fixture(scope="module")
def proxy_only_secret_server() -> Iterator[str]:
    yield from _serve("proxy_secret", "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1")


@pytest.fixture(scope="module")
def root_prefixed_server() -> Iterator[str]:
    yield from _serve("root_prefixed", "--root-path", "/api")


@pytest.fixture(scope="module")
def mount_prefixed_server() -> Iterator[str]:
    yield from _serve("mount_prefixed")


ICE = {"authorization": "Bearer tok-ice"}
FED = {"authorization": "Bearer tok-federal"}


def test_custody_access_under_root_path_still_needs_a_judicial_warrant(root_path_server: str) -> None:
    with httpx.Client(base_url=root_path_server, timeout=10) as c:
        refused = c.get("/custody/visit", headers=ICE)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "custody_access_refused"
        ok = c.get("/custody/visit", headers={**ICE, "x-judicial-warrant": "1:26-mj-00042"})
        assert ok.status_code == 200  # (its body is then redacted for ICE, 040(e))
        # uvicorn put the root path into scope["path"]: the guard matched the app-relative path
        local = c.get("/custody/visit", headers={"authorization": "Bearer tok-local"})
        assert local.json()["path"] == "/api/custody/visit"


def test_federal_officer_redaction_under_root_path(root_path_server: str) -> None:
    with httpx.Client(base_url=root_path_server, timeout=10) as c:
        r = c.get("/police/booking", headers=FED)
    assert r.status_code == 200 and "Elm" not in r.text and r.json()["charge"] == "Trespass"


def test_custody_access_inside_a_starlette_mount_still_needs_a_judicial_warrant(mounted_server: str) -> None:
    with httpx.Client(base_url=mounted_server, timeout=10) as c:
        assert c.get("/v1/custody/visit", headers=ICE).status_code == 403
        assert c.get("/v1/custody/visit", headers={**ICE, "x-judicial-warrant": "1:26-mj-00042"}).status_code == 200
        r = c.get("/v1/police/booking", headers=FED)
    assert "Elm" not in r.text and "2026-12-01" not in r.text


def test_forged_forwarded_for_cannot_make_a_client_the_trusted_proxy(spoofable_server: str) -> None:
    forged = {"x-forwarded-for": "10.0.0.5", "x-status-guard-requester": "local"}
    with httpx.Client(base_url=spoofable_server, timeout=10) as c:
        seen = c.get("/headers", headers=forged).json()
        assert seen["client"] == "10.0.0.5"  # uvicorn did rewrite the client address from the header
        r = c.get("/police/booking", headers=forged)
    assert r.status_code == 200 and "Elm" not in r.text and "2026-12-01" not in r.text  # treated as unknown


def test_the_proxy_secret_proves_the_proxy_under_any_proxy_header_setting(secret_server: str) -> None:
    with httpx.Client(base_url=secret_server, timeout=10) as c:
        proxied = c.get("/police/booking", headers={"x-status-guard-proxy-secret": SECRET,
                                                    "x-status-guard-requester": "local",
                                                    "x-forwarded-for": "203.0.113.7"})
        assert proxied.json()["person"]["home_address"] == "12 Elm St"
        wrong = c.get("/police/booking", headers={"x-status-guard-proxy-secret": SECRET[:-1] + "!",
                                                 "x-status-guard-requester": "local"})
        assert "Elm" not in wrong.text
        seen = c.get("/headers", headers={"x-status-guard-proxy-secret": SECRET}).json()["seen"]
    assert "x-status-guard-proxy-secret" not in seen  # the app never sees the secret


def test_peer_address_is_believed_only_when_the_server_did_not_rewrite_it(direct_server: str) -> None:
    with httpx.Client(base_url=direct_server, timeout=10) as c:
        trusted = c.get("/police/booking", headers={"x-status-guard-requester": "local"})
        assert trusted.json()["person"]["home_address"] == "12 Elm St"
        # the same peer, but its address also appears in a forwarding header: it may be a rewrite
        doubtful = c.get("/police/booking", headers={"x-status-guard-requester": "local",
                                                     "x-forwarded-for": "127.0.0.1"})
    assert "Elm" not in doubtful.text


def test_trust_settings_that_cannot_be_made_safe_are_refused_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(PolicyError, match="any client"):
        TrustedProxy(clients=["*"])
    with pytest.raises(PolicyError, match="too broad"):
        TrustedProxy(clients=["0.0.0.0/0"])
    with pytest.raises(PolicyError, match="at least"):
        TrustedProxy(secret="short")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    with pytest.raises(PolicyError, match="FORWARDED_ALLOW_IPS"):
        TrustedProxy(clients=["10.0.0.5"])
    TrustedProxy(secret=SECRET)  # the secret holds whatever the server does
    assert "s3cret" not in repr(TrustedProxy(secret=SECRET))


def test_a_prefix_written_with_the_root_path_still_needs_a_judicial_warrant(root_prefixed_server: str) -> None:
    """R15 under ``uvicorn --root-path /api`` with ``RouteConfig("/api/custody", custody_access=True)``."""
    with httpx.Client(base_url=root_prefixed_server, timeout=10) as c:
        refused = c.get("/custody/visit", headers=ICE)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "custody_access_refused"
        assert c.get("/custody/visit", headers={**ICE, "x-judicial-warrant": "1:26-mj-00042"}).status_code == 200
        r = c.get("/police/booking", headers=FED)
    assert "Elm" not in r.text and "2026-12-01" not in r.text and r.json()["charge"] == "Trespass"


def test_a_prefix_written_with_the_mount_path_still_needs_a_judicial_warrant(mount_prefixed_server: str) -> None:
    """R15 inside ``Mount("/v1")`` with ``RouteConfig("/v1/custody", custody_access=True)``."""
    with httpx.Client(base_url=mount_prefixed_server, timeout=10) as c:
        assert c.get("/v1/custody/visit", headers=ICE).status_code == 403
        assert c.get("/v1/custody/visit", headers={**ICE, "x-judicial-warrant": "1:26-mj-00042"}).status_code == 200
        r = c.get("/v1/police/booking", headers=FED)
    assert "Elm" not in r.text and "2026-12-01" not in r.text


def test_address_trust_cannot_recognise_a_proxy_whose_address_the_server_replaced(proxy_only_server: str,
                                                                                   proxy_only_secret_server: str) -> None:
    """R17: the proxy on 127.0.0.1 appends its client's address; uvicorn (proxy headers trusted
    from 127.0.0.1 only) makes that client the peer, so the proxy is not recognised by address and
    its claim is ignored (fail closed: the restricted view). The secret holds under the same
    server setting."""
    claim = {"x-forwarded-for": "203.0.113.9", "x-status-guard-requester": "local"}
    with httpx.Client(base_url=proxy_only_server, timeout=10) as c:
        assert c.get("/headers", headers=claim).json()["client"] == "203.0.113.9"  # the rewrite
        r = c.get("/police/booking", headers=claim)
    assert r.status_code == 200 and "Elm" not in r.text
    with httpx.Client(base_url=proxy_only_secret_server, timeout=10) as c:
        ok = c.get("/police/booking", headers={**claim, "x-status-guard-proxy-secret": SECRET})
    assert ok.json()["person"]["home_address"] == "12 Elm St"

"""Two lines in FastAPI and in a Django ASGI project: the same guard, the same results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from status_guard import Guard, StatusGuardMiddleware
from status_guard.asgi import RouteConfig

pytestmark = pytest.mark.anyio
HERE = Path(__file__).resolve().parent


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _who(scope) -> str:
    # stands in for the app's own authentication (a trusted session); never a client header in production
    return dict(scope.get("headers") or []).get(b"x-test-session", b"unknown").decode()


async def test_fastapi_app_add_middleware_refuses_and_redacts() -> None:
    fastapi = pytest.importorskip("fastapi")
    app = fastapi.FastAPI()

    @app.post("/enroll")
    async def enroll(body: dict) -> dict:
        return {"received": sorted(body)}

    @app.get("/police/records/1")
    async def record() -> dict:
        return {"person": {"home_address": "9 Example Rd", "citizenship_status": "not a U.S. citizen"}}

    guard = Guard.default(audit="memory:")
    app.add_middleware(StatusGuardMiddleware, guard=guard, identify=_who, scope="schools",
                       routes=[RouteConfig("/police", "police")])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.post("/enroll", json={"student_name": "A", "parentCitizenship": "no"},
                         headers={"x-test-session": "local"})
        assert r.status_code == 422
        assert "2.129.040(k)" in r.text and "parentCitizenship" in r.text
        ok = await c.post("/enroll", json={"student_name": "A", "residency_proof": "lease"},
                          headers={"x-test-session": "local"})
        assert ok.json() == {"received": ["residency_proof", "student_name"]}
        fed = (await c.get("/police/records/1", headers={"x-test-session": "federal"})).json()
        assert fed["person"]["home_address"] == "[REDACTED]"
        assert fed["person"]["citizenship_status"] == "not a U.S. citizen"


DJANGO_DRIVER = r"""
import asyncio, json, os, sys
sys.path.insert(0, sys.argv[1])
os.environ["DJANGO_SETTINGS_MODULE"] = "django_site.settings"
import httpx
from django.core.asgi import get_asgi_application
from status_guard import Guard, StatusGuardMiddleware
from status_guard.asgi import RouteConfig

def who(scope):
    return dict(scope.get("headers") or []).get(b"x-test-session", b"unknown").decode()

app = StatusGuardMiddleware(get_asgi_application(), guard=Guard.default(audit="memory:"), identify=who,
                            scope="schools", routes=[RouteConfig("/records", "police")])

async def main():
    out = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.get("/records/1", headers={"x-test-session": "federal_immigration"})
        out["federal"] = [r.status_code, r.json()]
        r = await c.get("/records/1", headers={"x-test-session": "local"})
        out["local"] = [r.status_code, r.json()]
        r = await c.get("/form", headers={"x-test-session": "local"})
        out["form"] = [r.status_code, r.text, r.headers.get("content-length")]
        r = await c.post("/enroll", data={"student_name": "A", "student_citizen": "No"},
                         headers={"x-test-session": "local"})
        out["refused"] = [r.status_code, r.text]
        r = await c.post("/enroll", data={"student_name": "A", "residency_proof": "lease"},
                         headers={"x-test-session": "local"})
        out["allowed"] = [r.status_code, r.json()]
    print(json.dumps(out))

asyncio.run(main())
"""


def test_django_asgi_project_wrapped_by_the_guard() -> None:
    pytest.importorskip("django")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", DJANGO_DRIVER, str(HERE)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    status, fed = out["federal"]
    assert status == 200
    assert fed["person"]["home_address"] == "[REDACTED]" and fed["person"]["release_date"] == "[REDACTED]"
    assert fed["person"]["citizenship_status"] == "not a U.S. citizen"
    assert out["local"][1]["person"]["home_address"] == "9 Example Rd"
    status, page, length = out["form"]
    assert status == 200 and "student_citizen" not in page and "residency_proof" in page
    assert length is None or int(length) == len(page.encode())
    assert out["refused"][0] == 422 and "student_citizen" in out["refused"][1]
    assert out["allowed"] == [200, {"received": ["residency_proof", "student_name"]}]

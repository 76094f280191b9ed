"""Issue 15, start-up: no request pays for warming. Once ``lifespan.startup`` is complete, the
first request of every kind (local and federal JSON, a POST with free text, a page with a clean
form and one with a forbidden question, a route whose handler calls ``guard.check_sql``) imports
no module, parses no YAML, runs no ``lru_cache(maxsize=1)`` builder and builds no free-text
detector. Each probe runs in a fresh interpreter (in this one everything is long warm)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"


def _probe(mode: str, order: str | None = None) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, str(HERE / "startup_probe.py"), mode] + ([order] if order else [])
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _built(report: dict) -> dict[str, dict]:
    return {k: {w: v[w] for w in ("modules", "yaml", "builders", "detectors") if v[w]}
            for k, v in report["requests"].items() if any(v[w] for w in ("modules", "yaml", "builders", "detectors"))}


@pytest.mark.parametrize("order", [None, "sql,page_forbidden,page,post_free_text,json_federal,json_local"])
def test_no_request_pays_for_warming_after_lifespan_startup(order: str | None) -> None:
    report = _probe("warm", order)
    assert report["startup"] == ["lifespan.startup.complete"]
    assert all(v["status"] < 500 for v in report["requests"].values())
    assert _built(report) == {}


def test_the_probe_sees_what_a_cold_first_request_builds() -> None:
    """The counters are not blind: without warming, first requests import, parse and build."""
    built = _built(_probe("cold"))
    assert "json_federal" in built and "post_free_text" in built and "sql" in built
    assert any(v.get("yaml") for v in built.values())
    assert any(v.get("builders") for v in built.values())


def test_every_zero_argument_lru1_builder_of_the_package_is_found() -> None:
    import importlib
    import pkgutil

    import status_guard
    from status_guard.asgi.warm import lazy_builders

    for m in pkgutil.walk_packages(status_guard.__path__, "status_guard."):
        if not m.name.startswith(("status_guard.collection", "status_guard.disclose", "status_guard.classify")):
            continue  # the core request path; the extras (text, sql) are covered by the probe
        try:
            importlib.import_module(m.name)
        except ImportError:
            continue
    found = {f"{f.__module__}.{f.__qualname__}" for f in lazy_builders()}
    for expected in ("status_guard.collection.statements.words", "status_guard.collection.lookalikes.vocab",
                     "status_guard.disclose.keys._origin_words"):
        assert expected in found


@pytest.mark.parametrize("resource", ["status_guard/collection/vocabulary.yaml",
                                      "status_guard/text/default_recognizers.yaml"])
def test_the_c_yaml_loader_reads_the_packaged_data_as_the_python_loader_does(resource: str) -> None:
    text = (SRC / resource).read_text(encoding="utf-8")
    assert yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) == yaml.safe_load(text)  # noqa: S506


NO_LIFESPAN = """
import asyncio, json
import httpx
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from status_guard import Guard
from status_guard.asgi import StatusGuardMiddleware

async def record(request):
    return JSONResponse({"id": 1, "notes": "seen at the library"})

guarded = StatusGuardMiddleware(Starlette(routes=[Route("/record", record)]), guard=Guard.default(audit="memory:"),
                                identify=lambda scope: "local", scope="city")
outer = Starlette(routes=[Mount("/v1", app=guarded)])  # a Mount passes no lifespan on

async def main():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=outer), base_url="http://t") as c:
        r = await c.get("/v1/record")
    print(json.dumps({"status": r.status_code, "warming_after_first_response": guarded.warmer._thread.is_alive()}))

asyncio.run(main())
"""


def test_without_lifespan_the_first_request_waits_for_warming_instead_of_racing_it() -> None:
    """A guarded app inside a Starlette Mount (or a server run with lifespan off) never sees
    ``lifespan.startup``: its first request waits, off the event loop, for the warm-up that started
    when the middleware was built, rather than building beside it (issue 15)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", NO_LIFESPAN], env=env, capture_output=True, text=True, timeout=300,
                         check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report == {"status": 200, "warming_after_first_response": False}

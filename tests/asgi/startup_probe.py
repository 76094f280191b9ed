"""Run in a fresh interpreter by ``test_startup_warm.py``: start a guarded app through the ASGI
lifespan protocol, then send the first request of each kind and report, per request, what it
built — modules imported, YAML documents parsed, ``lru_cache(maxsize=1)`` builders run, free-text
detectors built. Prints one JSON object. ``argv[1]``: "warm" (the default middleware) or "cold"
(``warm=False``: shows that the probe sees the builds)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from typing import Any

MODE = sys.argv[1] if len(sys.argv) > 1 else "warm"
ORDER = sys.argv[2].split(",") if len(sys.argv) > 2 else None

from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import HTMLResponse, JSONResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from status_guard import Guard  # noqa: E402
from status_guard.asgi import RouteConfig, StatusGuardMiddleware  # noqa: E402

BOOKING = {"person": {"name": "Ana Pereira", "home_address": "12 Example St", "citizenship_status": "citizen",
                      "release_date": "2026-12-01", "notes": "Released to her sister after the hearing on Monday"},
           "charge": "Trespass"}
PAGE = ("<!DOCTYPE html><html lang='en'><head><title>Enrollment</title></head><body>"
        "<form action='/submit' method='post'><fieldset><legend>Student</legend>"
        "<label for='a'>First name</label><input id='a' name='first'>"
        "<label for='b'>Preferred language</label><select id='b' name='lang'><option>English</option></select>"
        "<label for='c'>Comments</label><textarea id='c' name='comments'></textarea>"
        "</fieldset><button>Send</button></form><p>Welcome to the district.</p></body></html>")
PAGE_BAD = PAGE.replace("</fieldset>", "<label for='d'>Citizenship status</label><input id='d' name='cit'></fieldset>")
FORM = ("first=Ana&last=Pereira&street=12+Example+Street+Apartment+4&comments=She+likes+to+read+and+wants+to+"
        "join+the+school+library+club&allergies=peanuts+and+tree+nuts%2C+carries+an+epipen")


async def json_ep(request: Request) -> Response:
    return JSONResponse(BOOKING)


async def page_ep(request: Request) -> Response:
    return HTMLResponse(PAGE)


async def page_bad_ep(request: Request) -> Response:
    return HTMLResponse(PAGE_BAD)


async def post_ep(request: Request) -> Response:
    await request.form()
    return Response(b"ok", media_type="text/plain")


def identify(scope: dict[str, Any]) -> str:
    for k, v in scope.get("headers") or ():
        if k == b"x-who":
            return v.decode()
    return "local"


audit = os.path.join(tempfile.mkdtemp(), "audit.jsonl")
guard = Guard.default(audit="jsonl:" + audit)


async def sql_ep(request: Request) -> Response:
    d = guard.check_sql("SELECT name, citizenship FROM people WHERE id = 7",
                        schema={"people": {"id": "integer", "name": "text", "citizenship": "text"}})
    return JSONResponse({"effect": str(d.effect)})


inner = Starlette(routes=[Route("/police/b", json_ep), Route("/page", page_ep), Route("/page_bad", page_bad_ep),
                          Route("/submit", post_ep, methods=["POST"]), Route("/sql", sql_ep)])
app = StatusGuardMiddleware(inner, guard=guard, identify=identify, scope="city", warm=MODE == "warm",
                            routes=[RouteConfig("/police", "police", public_record_fields=("charge",))])

KINDS = {
    "json_local": ("GET", "/police/b", "local", b""),
    "json_federal": ("GET", "/police/b", "federal", b""),
    "post_free_text": ("POST", "/submit", "local", FORM.encode()),
    "page": ("GET", "/page", "local", b""),
    "page_forbidden": ("GET", "/page_bad", "local", b""),
    "sql": ("GET", "/sql", "local", b""),
}

# -- counters ----------------------------------------------------------------------------------
import yaml  # noqa: E402

YAML_CALLS: list[str] = []
for _n in ("load", "safe_load", "compose", "full_load", "unsafe_load"):
    _orig = getattr(yaml, _n)

    def _wrap(*a: Any, _o: Any = _orig, _n: str = _n, **k: Any) -> Any:
        YAML_CALLS.append(_n)
        return _o(*a, **k)

    setattr(yaml, _n, _wrap)

DETECTOR_BUILDS: list[int] = []
try:
    from status_guard.text.engine import TextDetector

    _from = TextDetector.from_policy_data.__func__  # type: ignore[attr-defined]

    def _counted(cls: Any, *a: Any, **k: Any) -> Any:
        DETECTOR_BUILDS.append(1)
        return _from(cls, *a, **k)

    TextDetector.from_policy_data = classmethod(_counted)  # type: ignore[method-assign]
except ImportError:  # the text extra is absent
    pass


def lru1_misses() -> dict[str, int]:
    out = {}
    for name, mod in list(sys.modules.items()):
        if mod is None or not name.startswith("status_guard"):
            continue
        for attr, f in list(vars(mod).items()):
            params = getattr(f, "cache_parameters", None)
            if callable(params) and params().get("maxsize") == 1:
                out[f"{name}.{attr}"] = f.cache_info().misses
    return out


async def lifespan() -> list[dict[str, Any]]:
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await queue.put({"type": "lifespan.startup"})
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return await queue.get()

    async def send(m: dict[str, Any]) -> None:
        sent.append(m)

    asyncio.get_running_loop().create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send))
    while not sent:
        await asyncio.sleep(0.01)
    return sent


async def request(kind: str) -> int:
    method, path, who, body = KINDS[kind]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), (b"x-who", who.encode()),
                         (b"content-type", b"application/x-www-form-urlencoded"),
                         (b"content-length", str(len(body)).encode())],
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80)}
    done = False
    out: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal done
        if not done:
            done = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(m: dict[str, Any]) -> None:
        out.append(m)

    await app(scope, receive, send)
    return int(out[0]["status"])


async def main() -> None:
    started = await lifespan()
    report: dict[str, Any] = {"startup": [m["type"] for m in started], "requests": {}}
    for kind in ORDER or list(KINDS):
        mods = set(sys.modules)
        lru = lru1_misses()
        YAML_CALLS.clear()
        DETECTOR_BUILDS.clear()
        status = await request(kind)
        after = lru1_misses()
        report["requests"][kind] = {
            "status": status,
            "modules": sorted(set(sys.modules) - mods),
            "yaml": list(YAML_CALLS),
            "builders": sorted(n for n, m in after.items() if m != lru.get(n, 0)),
            "detectors": len(DETECTOR_BUILDS),
        }
    print(json.dumps(report))


asyncio.run(main())

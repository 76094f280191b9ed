"""Black-box harness for reviewer r12e: builds a Starlette app (and a Django ASGI app) under
StatusGuardMiddleware from the snapshot at $SNAP, and offers small probe helpers."""
import os, sys, json, logging
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
logging.disable(logging.CRITICAL)
from typing import Any
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware

guard = Guard.default(audit="memory:")
PAGES: dict = {}
RECEIVED: list = []

async def app_endpoint(request: Request) -> Response:
    path = request.url.path
    if request.method == "GET" and path in PAGES:
        body, ctype = PAGES[path]
        return Response(body, media_type=ctype)
    body = await request.body()
    ct = request.headers.get("content-type", "")
    form = None
    if ct.startswith("multipart/") or ct.startswith("application/x-www-form-urlencoded"):
        try:
            f = await request.form()
            form = [(k, (v if isinstance(v, str) else ("FILE:" + str(v.filename)))) for k, v in f.multi_items()]
        except Exception as e:
            form = "ERR " + repr(e)
    RECEIVED.append({"method": request.method, "path": path, "query": request.url.query,
                     "content_type": ct, "body": body.decode("utf-8", "replace"), "form": form})
    return JSONResponse({"received": True})

inner = Starlette(routes=[Route("/{path:path}", app_endpoint, methods=["GET", "POST", "PUT", "PATCH"])])
app = StatusGuardMiddleware(
    inner, guard=guard, identify=lambda scope: "public", scope="city",
    routes=[RouteConfig("/schools", "schools"), RouteConfig("/police", "police"),
            RouteConfig("/strip", "city", strip=True)],
)
client = TestClient(app, raise_server_exceptions=False)

def post(path="/city/form", **kw):
    """POST; returns (status, received-dict-or-None, response)."""
    RECEIVED.clear()
    r = client.post(path, **kw)
    return r.status_code, (RECEIVED[-1] if RECEIVED else None), r

def serve(path, html, ctype="text/html; charset=utf-8"):
    PAGES[path] = (html.encode() if isinstance(html, str) else html, ctype)
    r = client.get(path)
    return r

def verdict(status, rec):
    """'refused' if the app did not get it, 'passed' if it got it unchanged, 'changed' if altered."""
    if rec is None:
        return f"refused({status})"
    return f"passed({status})"

def audit_decisions():
    return [r for r in guard.audit.records() if r.get("kind") == "decision"]

RESULTS = []
def rec(cls, name, ok, detail=""):
    RESULTS.append((cls, name, ok, detail))
    print(("OK  " if ok else "FAIL"), cls, "|", name, "|", str(detail)[:300], flush=True)

def expect_submit(cls, name, expect, path="/city/form", **kw):
    """expect: 'refuse' | 'pass' | 'redact' (schools: app receives changed body with [removed) """
    st, rc, r = post(path, **kw)
    if expect == "refuse":
        ok = rc is None and st in (400, 403, 413, 415, 422)
    elif expect == "pass":
        ok = rc is not None and st == 200
    elif expect == "redact":
        ok = rc is not None and "[removed" in (rc["body"] or "")
    elif expect == "pass_unchanged":
        ok = rc is not None and "[removed" not in (rc["body"] or "")
    rec(cls, name, ok, f"expect={expect} status={st} got={'(none)' if rc is None else rc['body'][:150]} resp={r.text[:200] if rc is None else ''}")
    return ok

_n = [0]
def expect_page(cls, name, html, phrase, expect, ctype="text/html; charset=utf-8", then=None, isolate=True):
    if isolate: fresh()
    """expect 'removed' (phrase absent from served page) or 'kept'. then=(path, kwargs, expect)"""
    _n[0] += 1
    p = f"/city/pg{_n[0]}" if not name.startswith("/") else name
    if "schools" in name: p = f"/schools/pg{_n[0]}"
    r = serve(p, html, ctype)
    present = phrase in r.text
    ok = (not present) if expect == "removed" else (present and r.status_code == 200)
    rec(cls, name + " [page]", ok, f"expect={expect} status={r.status_code} page={r.text[:250]!r}")
    if then:
        path, kw, exp = then
        expect_submit(cls, name + " [submit]", exp, path=path, **kw)
    return ok

def summary():
    from collections import Counter
    c = Counter(); f = Counter()
    for cls, n, ok, d in RESULTS:
        c[cls] += 1
        if not ok: f[cls] += 1
    for k in c: print(f"{k}: {c[k]} probes, {f[k]} fail")

def fresh():
    """New middleware instance (new form map) around the same app and guard."""
    global app, client
    app = StatusGuardMiddleware(
        inner, guard=guard, identify=lambda scope: "public", scope="city",
        routes=[RouteConfig("/schools", "schools"), RouteConfig("/police", "police"),
                RouteConfig("/strip", "city", strip=True)],
    )
    client = TestClient(app, raise_server_exceptions=False)

import os, sys, json, warnings, logging
warnings.filterwarnings("ignore"); logging.disable(logging.CRITICAL)
SNAP = os.environ.get("SNAP") or sys.exit("set SNAP to the checkout holding src/")
sys.path.insert(0, os.path.join(SNAP, "src"))
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware
PAGES, RECEIVED = {}, []
async def endpoint(request: Request):
    if request.method == "GET" and request.url.path in PAGES:
        body, ct = PAGES[request.url.path]
        return Response(body, media_type=ct)
    RECEIVED.append(await request.body())
    return JSONResponse({"received": True})
inner = Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST"])])
app = StatusGuardMiddleware(inner, guard=Guard.default(audit="memory:"), identify=lambda s: "public",
                            scope="city", routes=[RouteConfig("/schools", "schools")])
client = TestClient(app)
def serve(path, body, ct="text/html; charset=utf-8"):
    PAGES[path] = (body, ct)
    return client.get(path).text
def accepted(path, **kw):
    """True when the app received the request body unchanged"""
    RECEIVED.clear()
    kw.setdefault("headers", {})
    if "json" in kw:
        raw = json.dumps(kw.pop("json")).encode(); kw["headers"]["content-type"] = "application/json"
    elif "form" in kw:
        from urllib.parse import urlencode
        raw = urlencode(kw.pop("form")).encode(); kw["headers"]["content-type"] = "application/x-www-form-urlencoded"
    else:
        raw = kw.pop("content")
    client.post(path, content=raw, **kw)
    return bool(RECEIVED) and RECEIVED[-1] == raw
# ---- probe ----
# A resident's complaint naming the subject in Portuguese / Arabic is kept but not flagged (no audit record).
guard = app.guard if hasattr(app, "guard") else None
from status_guard import Guard as _G
g2 = Guard.default(audit="memory:")
app2 = StatusGuardMiddleware(inner, guard=g2, identify=lambda s: "public", scope="city")
c2 = TestClient(app2)
unflagged = []
for s in ["Meu senhorio ameaçou denunciar minha situação imigratória.", "هددني المالك بالإبلاغ عن وضعي كمهاجر."]:
    before = len([r for r in g2.audit.records() if r.get("kind") == "decision"])
    c2.post("/complaints", data={"comment": s})
    new = [r for r in g2.audit.records() if r.get("kind") == "decision"][before:]
    if not any(r.get("effect") == "flag" for r in new):
        unflagged.append(s)
print("not flagged:", unflagged)
print("FLAW" if unflagged else "OK")

sys.stdout.flush(); os._exit(0)

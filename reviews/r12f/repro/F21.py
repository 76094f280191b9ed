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
# Schools scope: a parent's volunteered disclosure sent through GraphQL *variables* (plain JSON the
# guard could edit, as it does in every other JSON shape) makes the whole request refused — the
# parent is silenced instead of the clause being removed with a notice (040(k)).
refused = []
for s in ["I am undocumented. Leo needs the bus.", "No tengo papeles y necesito ayuda con el autobús."]:
    body = {"query": "mutation($n: String) { addNote(text: $n) { id } }", "variables": {"n": s}}
    RECEIVED.clear()
    client.post("/schools/gql", json=body)
    if not RECEIVED:
        refused.append(s)
# control: the same note in a plain JSON body is kept with the clause removed
RECEIVED.clear(); client.post("/schools/note", json={"note": "I am undocumented. Leo needs the bus."})
print("control (plain JSON) received:", RECEIVED[-1] if RECEIVED else None)
print("refused:", refused)
print("FLAW" if refused else "OK")

sys.stdout.flush(); os._exit(0)

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
# Open311 GeoReport v2: the service definition (JSON) asks in attributes[].description; the
# request then posts attribute[CODE]=value.
defn = json.dumps({"service_code": "033", "attributes": [{"variable": True, "code": "Q7", "datatype": "singlevaluelist",
        "required": True, "order": 1, "description": "Are you a U.S. citizen?",
        "values": [{"key": "Y", "name": "Yes"}, {"key": "N", "name": "No"}]}]})
out = serve("/open311/v2/services/033.json", defn, "application/json")
kept = "citizen" in out
acc = accepted("/open311/v2/requests.json", form={"service_code": "033", "attribute[Q7]": "N", "lat": "42.37"})
print("definition still asks:", kept, "| answer accepted:", acc)
print("FLAW" if (kept and acc) else "OK")

sys.stdout.flush(); os._exit(0)

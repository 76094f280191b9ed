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
# A question a page's script writes into the label (textContent / i18n dictionary / render call):
# docs/middleware.md says a script whose string literals ask a protected question is withheld.
flaws = []
pages = {
 "textContent": '<html><body><form action="/f01/a" method=post><label id=l></label><input name=q7 aria-labelledby=l><button>Go</button></form><script>document.getElementById("l").textContent = "What is your immigration status?";</script></body></html>',
 "i18n": '<html><head><script>var i18n={"q7":"Are you a U.S. citizen?"};</script></head><body><form action="/f01/b" method=post><label data-i18n=q7></label><input name=q7><button>Go</button></form></body></html>',
 "render": '<html><body><form action="/f01/c" method=post><div id=f></div></form><script>render({"label": "What is your immigration status?", "name": "q7"});</script></body></html>',
}
for k, html in pages.items():
    out = serve("/f01page/" + k, html)
    act = "/f01/" + {"textContent": "a", "i18n": "b", "render": "c"}[k]
    if out == html and accepted(act, form={"q7": "No"}):
        flaws.append(k)
print("question left in script and answer accepted:", flaws)
print("FLAW" if flaws else "OK")

sys.stdout.flush(); os._exit(0)

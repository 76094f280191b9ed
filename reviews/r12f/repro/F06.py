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
# The city's immigration legal-help intake / citizenship-application help offer: the page loses the
# question and the answer is refused.
LABELS = ["What do you need legal help with? (e.g. immigration, housing)",
          "Are you interested in free immigration legal consultations?",
          "¿Necesita ayuda legal de inmigración gratuita?",
          "Would you like help preparing your citizenship application?"]
refused = []
for i, lab in enumerate(LABELS):
    html = f'<html><body><form action="/f06/{i}" method=post><label for=a>{lab}</label><input id=a name=q7><button>Send</button></form></body></html>'
    out = serve(f"/f06page/{i}", html)
    if out != html or not accepted(f"/f06/{i}", form={"q7": "Yes"}):
        refused.append(lab)
EXTRA = {
 "legal help type (select of services)": ('<label for=t>What type of immigration legal help do you need?</label><select id=t name=help_type><option>Citizenship application (N-400)</option><option>Green card renewal</option><option>DACA renewal</option><option>Family petition</option><option>Other</option></select>', {"help_type": "Green card renewal"}),
 "N-400 fee waiver information": ('<label for=f>Do you want information about the N-400 fee waiver?</label><select id=f name=fw><option>Yes</option><option>No</option></select>', {"fw": "Yes"}),
}
for j, (k, (frag, sub)) in enumerate(EXTRA.items()):
    html = f'<html><body><form action="/f06x/{j}" method=post>{frag}<button>Send</button></form></body></html>'
    out = serve(f"/f06xpage/{j}", html)
    if out != html or not accepted(f"/f06x/{j}", form=sub):
        refused.append(k)
print("refused / removed:", refused)
print("FLAW" if refused else "OK")

sys.stdout.flush(); os._exit(0)

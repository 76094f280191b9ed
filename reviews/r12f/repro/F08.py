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
# A youth work permit upload is refused as if it were an immigration work permit (EAD).
B = "XyZ"
refused = []
for fn in ["youth_work_permit.pdf", "work_permit_application_minor.pdf", "permiso_de_trabajo_juvenil.pdf", "refugee_welcome_dinner.jpg"]:
    body = (f'--{B}\r\nContent-Disposition: form-data; name="attachment"; filename="{fn}"\r\n'
            f'Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--{B}--\r\n').encode()
    if not accepted("/f08", content=body, headers={"content-type": "multipart/form-data; boundary=" + B}):
        refused.append(fn)
# in schools scope (Massachusetts schools issue youth work permits) the page loses the question
for i, lab in enumerate(["Youth work permit: student's age", "Do you need a work permit for a summer job?"]):
    html = f'<html><body><form action="/schools/wp{i}" method=post><label for=a>{lab}</label><input id=a name=q7></form></body></html>'
    if serve(f"/schools/wpp{i}", html) != html:
        refused.append("schools page: " + lab)
print("refused:", refused)
print("FLAW" if refused else "OK")

sys.stdout.flush(); os._exit(0)

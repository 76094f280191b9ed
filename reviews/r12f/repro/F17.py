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
# Questions in served JSON form definitions that are not read: Typeform properties.description,
# SurveyJS matrix rows, a SurveyJS html element before a generic control. The definition keeps the
# question and the later answer is accepted.
defs = {
 "typeform_description": ({"fields": [{"id": "f7", "title": "Question 7", "properties": {"description": "What is your immigration status?"}, "type": "short_text"}]},
                          "/tfd/form.json", "/tfd/submit", {"answers": [{"type": "text", "text": "x", "field": {"id": "f7"}}]}),
 "surveyjs_matrix_rows": ({"elements": [{"type": "matrix", "name": "m1", "title": "Household", "columns": ["Yes", "No"], "rows": [{"value": "r1", "text": "Are you a U.S. citizen?"}]}]},
                          "/sjm/survey.json", "/sjm/results", {"m1": {"r1": "No"}}),
 "surveyjs_html_question": ({"elements": [{"type": "html", "html": "<b>Are you a U.S. citizen?</b>"}, {"type": "boolean", "name": "q7", "title": "Answer"}]},
                            "/sjh/survey.json", "/sjh/results", {"q7": False}),
}
missed = []
for k, (d, dp, sp, sub) in defs.items():
    out = serve(dp, json.dumps(d), "application/json")
    if "citizen" in out.lower() or "immigration" in out.lower():
        if accepted(sp, json=sub):
            missed.append(k)
print("question kept and answer accepted:", missed)
print("FLAW" if missed else "OK")

sys.stdout.flush(); os._exit(0)

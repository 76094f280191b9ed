"""Black-box harness: Starlette app under StatusGuardMiddleware. city default, /schools schools, /strip city strip."""
import os, sys, json, base64
SNAP = os.environ.get("SNAP", "/work/review/snap-r12g")
sys.path.insert(0, os.path.join(SNAP, "src"))
import logging; logging.disable(logging.CRITICAL)
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response, JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from status_guard import Guard, StatusGuardMiddleware
from status_guard.asgi import RouteConfig

PAGES = {}
RECEIVED = {}

async def handler(request: Request):
    path = request.url.path
    if request.method == "GET" and path in PAGES:
        body, mt = PAGES[path]
        return Response(body, media_type=mt)
    raw = await request.body()
    RECEIVED["last"] = raw
    return JSONResponse({"got": raw.decode("utf-8", "replace")})

def identify(scope):
    return {"class": "public", "agency": None}

def make_client():
    guard = Guard.default()
    routes = [RouteConfig("/schools", "schools"), RouteConfig("/strip", "city", strip=True)]
    app = Starlette(routes=[Route("/{p:path}", handler, methods=["GET", "POST", "PUT"])],
                    middleware=[Middleware(StatusGuardMiddleware, guard=guard, identify=identify, scope="city", routes=routes)])
    return TestClient(app, raise_server_exceptions=False)

_C = None
def client():
    global _C
    if _C is None:
        _C = make_client()
    return _C

def serve(path, body, mt="text/html; charset=utf-8"):
    """register and GET a page via the middleware; return (changed, text)"""
    b = body.encode() if isinstance(body, str) else body
    PAGES[path] = (b, mt)
    r = client().get(path)
    return (r.content != b), r

def post_form(path, data):
    RECEIVED.pop("last", None)
    r = client().post(path, data=data)
    return r

def post_json(path, obj):
    RECEIVED.pop("last", None)
    r = client().post(path, content=json.dumps(obj, ensure_ascii=False).encode(), headers={"content-type": "application/json"})
    return r

def post_files(path, files, data=None):
    RECEIVED.pop("last", None)
    return client().post(path, files=files, data=data or {})

def accepted(r):
    return r.status_code < 400

def unchanged(r, sent):
    """app received exactly sent bytes"""
    return accepted(r) and RECEIVED.get("last") == sent

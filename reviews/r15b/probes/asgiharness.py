import os, sys, json, asyncio, copy
sys.path.insert(0, os.environ.get("SNAP","/work/review/snap-r15b")+"/src")
import httpx
from starlette.applications import Starlette
from starlette.responses import Response, JSONResponse
from starlette.routing import Route, Mount
from status_guard import Guard, StatusGuardMiddleware
from status_guard.asgi import RouteConfig

def hdr(scope, name):
    return dict(scope.get("headers") or []).get(name.encode(), b"").decode() or None

def identify(scope):
    r = hdr(scope, "x-test-requester")
    if not r: return None
    ag = hdr(scope, "x-test-agency"); sub = hdr(scope, "x-test-subject")
    if ag or sub: return {"class": r, "agency": ag, "subject": sub} if sub else {"class": r, "agency": ag}
    return r
def purpose(scope): return hdr(scope, "x-test-purpose")

BODIES = {}
async def serve(request):
    key = request.query_params.get("b", "default")
    body, ctype, status, extra = BODIES[key]
    h = dict(extra or {})
    return Response(body, status_code=status, media_type=None, headers={"content-type": ctype, **h})

def make_app(guard, verdict_cache=True, **mw):
    routes = [Route("/{path:path}", serve, methods=["GET","POST","HEAD","PUT"])]
    app = Starlette(routes=routes)
    return StatusGuardMiddleware(app, guard=guard, identify=identify, purpose=purpose, verdict_cache=verdict_cache, **mw)

async def call(app, path, requester=None, method="GET", headers=None, body=None, **kh):
    h = dict(headers or {})
    if requester: h["x-test-requester"] = requester
    for k, v in kh.items():
        if v is not None: h["x-test-"+k] = v
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        r = await c.request(method, path, headers=h, content=body)
    return r.status_code, r.headers.get("content-type"), r.content

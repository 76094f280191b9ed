import os, sys
sys.path.insert(0, os.environ.get("SNAP","/work/review/snap-r15b")+"/src")
from starlette.applications import Starlette
from starlette.responses import Response, JSONResponse
from starlette.routing import Route
from status_guard import Guard, StatusGuardMiddleware
from status_guard.asgi import RouteConfig
AUDIT = os.environ.get("AUDIT", "jsonl:/work/review/r15b/work/audit.jsonl")
G = Guard.default(audit=AUDIT)
def identify(scope):
    h = dict(scope.get("headers") or [])
    return h.get(b"x-test-requester", b"").decode() or None
REC = {"booking_id":"B-1","charge":"theft","person":{"name":"Jean Baptiste","home_address":"48 Example Ave, Cambridge MA","citizenship_status":"not a U.S. citizen","release_date":"2026-11-29"}}
PAGE = os.environ.get("PAGE_FILE")
async def rec(request): return JSONResponse(REC)
async def ping(request): return Response(b"pong", media_type="application/json")
async def submit(request):
    b = await request.body(); return JSONResponse({"got": len(b)})
async def page(request):
    return Response(open(request.query_params.get("f")).read(), media_type="text/html")
async def gzpage(request):
    return Response(open(request.query_params.get("f"),"rb").read(), media_type="text/html", headers={"content-encoding":"gzip"})
inner = Starlette(routes=[Route("/rec", rec), Route("/ping", ping), Route("/submit", submit, methods=["POST"]), Route("/page", page), Route("/gzpage", gzpage)])
app = StatusGuardMiddleware(inner, guard=G, identify=identify, scope="police", routes=[RouteConfig("/submit", "schools")])
import random as _r
async def note(request):
    n = int(request.query_params.get("n", "2000"))
    return JSONResponse({"student": "Ana", "notes": "hello%d " % _r.randrange(10**9) + "x" * n})
inner.router.routes.append(Route("/snote", note))
app = StatusGuardMiddleware(inner, guard=G, identify=identify, scope="police", routes=[RouteConfig("/submit", "schools"), RouteConfig("/snote", "schools")])

from asgiharness import *
from norm import norm
import random
G = Guard.default()
REC = {"booking_id":"B-1","charge":"theft","person":{"name":"Jean Baptiste","home_address":"48 Example Ave, Cambridge MA","citizenship_status":"not a U.S. citizen","release_date":"2026-11-29"}}
async def ep(request):
    late = request.headers.get("x-late-user")
    if late: request.scope["late_user"] = late
    return JSONResponse(REC)
def ident(scope):
    return scope.get("late_user") or hdr(scope, "x-test-requester")
def mk(vc):
    return StatusGuardMiddleware(Starlette(routes=[Route("/r", ep)]), guard=G, identify=ident, scope="police", verdict_cache=vc)
W, C = mk(True), mk(False)
async def c(app, early, late):
    h = {}
    if early: h["x-test-requester"]=early
    if late: h["x-late-user"]=late
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as cl:
        r = await cl.get("/r", headers=h); return r.status_code, r.content
async def main():
    n=d=0
    cls=["local","federal","unknown","public","state",None]
    for _ in range(2):
      for e in cls:
        for l in cls:
            a = await c(W,e,l); b = await c(C,e,l); n+=1
            if (a[0],norm(a[1]))!=(b[0],norm(b[1])): d+=1; print("DIFF", e, l, a, b)
    print("probes", n, "diffs", d)
    print("early local, late federal:", await c(W,"local","federal"))
asyncio.run(main())

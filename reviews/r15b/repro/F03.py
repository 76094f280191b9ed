"""F03: an ordinary ~4 KB comment made of one long token (a pasted link, a base64 blob, a run of
characters) is refused as "free text that could not be read in time" (400): free-text detection is
super-linear on long tokens and hits its 2 s deadline. Prints FLAW if refused."""
import os, sys, json, asyncio
sys.path.insert(0, os.environ["SNAP"] + "/src")
import httpx
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from status_guard import Guard, StatusGuardMiddleware
G = Guard.default()
async def submit(request): return JSONResponse({"got": len(await request.body())})
app = StatusGuardMiddleware(Starlette(routes=[Route("/submit", submit, methods=["POST"])]), guard=G,
                            identify=lambda s: "local", scope="city")
async def go():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=120) as c:
        link = "https://example.org/share?token=" + "x" * 4000
        r = await c.post("/submit", json={"comment": "See the flyer for the library story hour: " + link})
        print(r.status_code, r.text[:200]); return r.status_code
st = asyncio.run(go())
print("FLAW" if st != 200 else "OK")

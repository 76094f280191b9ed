"""F05: controls inside <template> / <noscript> are counted more than once against
max_page_controls (1 000): a page with 600 controls, all inside one <noscript>, is withheld
(400 response_over_limit) although it has fewer than 1 000 controls; the same 600 controls outside
<noscript> pass. Prints FLAW if the <noscript> page is refused while the plain one passes."""
import os, sys, asyncio, random
sys.path.insert(0, os.environ["SNAP"] + "/src")
import httpx
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from status_guard import Guard, StatusGuardMiddleware
G = Guard.default()
BODY = {}
async def page(request): return Response(BODY["b"], media_type="text/html")
app = StatusGuardMiddleware(Starlette(routes=[Route("/p", page)]), guard=G, identify=lambda s: "local", scope="city")
u = random.randrange(10**9)
ctrls = "".join(f"<label>Question {i} ({u}) household size<input name=q{i}></label>" for i in range(600))
async def get(b):
    BODY["b"] = b.encode()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=600) as c:
        r = await c.get("/p"); return r.status_code, r.text[:160]
async def main():
    plain = await get(f"<html><body><form action=/x>{ctrls}</form></body></html>")
    nos = await get(f"<html><body><form action=/x><noscript>{ctrls}</noscript></form></body></html>")
    tpl = await get(f"<html><body><form action=/x><template>{ctrls}</template></form></body></html>")
    print("plain 600 controls:", plain[0]); print("600 controls in <noscript>:", nos); print("600 controls in <template>:", tpl)
    return plain[0] == 200 and (nos[0] != 200 or tpl[0] != 200)
print("FLAW" if asyncio.run(main()) else "OK")

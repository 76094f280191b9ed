"""F04: max_page_controls (1 000) is not applied to a form definition served as JSON
(SurveyJS pages[].elements[]): the same questions as an HTML page are refused above 1 000
controls, but a JSON definition of 4 000 questions is read question by question for many
seconds of CPU and sent. Prints FLAW if the 4 000-question JSON is checked (200) and takes > 3 s."""
import os, sys, json, asyncio, time, random
sys.path.insert(0, os.environ["SNAP"] + "/src")
import httpx
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from status_guard import Guard, StatusGuardMiddleware
G = Guard.default()
BODY = {}
async def page(request): return Response(BODY["b"], media_type=BODY["t"])
app = StatusGuardMiddleware(Starlette(routes=[Route("/survey", page)]), guard=G, identify=lambda s: "local", scope="city")
u = random.randrange(10**9)
def survey(n): return json.dumps({"pages": [{"elements": [{"type": "text", "name": f"q{i}", "title": f"Question {i} ({u}) about your household members and their jobs?"} for i in range(n)]}]}).encode()
def html(n): return ("<form action=/x method=post>" + "".join(f"<label for=c{i}>Question {i} ({u}) about your household members and their jobs?</label><input id=c{i} name=q{i}>" for i in range(n)) + "</form>").encode()
async def get(body, ctype):
    BODY["b"], BODY["t"] = body, ctype
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=600) as c:
        await c.get("/survey") if False else None
        t = time.process_time(); r = await c.get("/survey"); return r.status_code, time.process_time() - t
async def main():
    await get(survey(5), "application/json")  # warm-up
    hs, ht = await get(html(1001), "text/html")
    js, jt = await get(survey(4000), "application/json")
    print(f"HTML page, 1 001 controls: status {hs}, {ht:.2f} s CPU")
    print(f"JSON definition, 4 000 questions: status {js}, {jt:.2f} s CPU")
    return js == 200 and jt > 3.0
print("FLAW" if asyncio.run(main()) else "OK")

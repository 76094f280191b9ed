"""F07: the max_text_chars cost bound (2 000 000 characters of free text per check) still lets one
ordinary-looking response hold the guard for tens of seconds: a 2.1 MB school roster of 260
distinct harmless notes (8 000 chars each) served to school staff takes ~40 s (measured 41 s wall
on the review machine; the docs' own figure, ~3 ms per KiB, predicts ~6 s), after which the notes past
the bound are withheld. Prints FLAW if the response needs more than 15 s of CPU."""
import os, sys, json, asyncio, time, random
sys.path.insert(0, os.environ["SNAP"] + "/src")
import httpx
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from status_guard import Guard, StatusGuardMiddleware
G = Guard.default()
words = "the student enjoyed reading with friends during library time and art class today".split()
u = random.randrange(10**9)
def note(i):
    rnd = random.Random(i * 7919 + u); return " ".join(rnd.choice(words) for _ in range(8000 // 6))
BODY = json.dumps([{"id": i, "notes": note(i)} for i in range(260)]).encode()
async def roster(request): return Response(BODY, media_type="application/json")
app = StatusGuardMiddleware(Starlette(routes=[Route("/roster", roster)]), guard=G, identify=lambda s: "local", scope="schools")
async def main():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=900) as c:
        t, w = time.process_time(), time.perf_counter()
        r = await c.get("/roster")
        cpu, wall = time.process_time() - t, time.perf_counter() - w
    print(f"roster {len(BODY)} bytes -> {r.status_code}, {cpu:.1f} s CPU, {wall:.1f} s wall")
    return cpu > 15
print("FLAW" if asyncio.run(main()) else "OK")

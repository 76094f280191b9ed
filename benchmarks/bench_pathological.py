"""Pathological cost: how the guard's time grows with the number of form controls on a served page
and the number of keys in a submitted JSON body (issue 15, round f).

    PYTHONPATH=src python benchmarks/bench_pathological.py [--sizes 250,500,1000] [--json out.json]

Each size is measured on a fresh app with labels no earlier request used (no cache helps); the
time is the whole request through the middleware (ASGI, in process), median of ``--repeat``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

WORDS = ("your", "the", "home", "address", "favourite", "library", "branch", "we", "will", "contact", "you", "about",
         "please", "tell", "us", "how", "many", "people", "live", "in", "household", "what", "is", "preferred",
         "language", "for", "city", "services", "program", "date", "of", "visit", "school", "name", "phone",
         "citizenship", "class", "naturalization", "ceremony", "office", "immigrant", "affairs", "status", "permit")


def page(n: int, seed: int = 0) -> str:
    """A served page with ``n`` labelled controls, each label a fresh sentence."""
    rnd = random.Random(seed * 1_000_003 + n)
    rows = []
    for i in range(n):
        label = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 12))) + f" {i}?"
        rows.append(f'<p><label for="f{i}">{label}</label><input id="f{i}" name="field_{i}"></p>')
    return ("<!DOCTYPE html><html><body><form method=\"post\" action=\"/submit\">" + "".join(rows)
            + "<button>Send</button></form></body></html>")


def json_body(n: int, seed: int = 0) -> bytes:
    rnd = random.Random(seed * 7_000_003 + n)
    doc = {f"{rnd.choice(WORDS)}_{rnd.choice(WORDS)}_{i}": " ".join(rnd.choice(WORDS) for _ in range(3)) + f" {seed}-{i}"
           for i in range(n)}
    return json.dumps(doc).encode()


def make(audit: Path, html: str | None = None, **mw: Any) -> Any:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse
    from starlette.routing import Route

    from status_guard import Guard
    from status_guard.asgi import RouteConfig, StatusGuardMiddleware
    from status_guard.policy import load_policy

    async def served(request: Request) -> Any:
        return HTMLResponse(html or "")

    async def echo(request: Request) -> Any:
        await request.body()
        return JSONResponse({"ok": True})

    guard = Guard(load_policy(None), audit=f"jsonl:{audit}")
    guard._free_text_detector()  # built before any request, as lifespan start-up does (asgi/warm.py)
    return Starlette(routes=[Route("/page", served), Route("/echo", echo, methods=["POST"])],
                     middleware=[Middleware(StatusGuardMiddleware, guard=guard, identify=lambda s: "public",
                                            scope="city", routes=[RouteConfig("/", "city")], **mw)])


async def timed(app: Any, method: str, path: str, body: bytes | None = None) -> tuple[float, int]:
    """CPU seconds of the process (the check runs in a worker thread) and the status."""
    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=600) as c:
        t0 = time.process_time()
        r = await (c.get(path) if method == "GET" else
                   c.post(path, content=body, headers={"content-type": "application/json"}))
        return time.process_time() - t0, r.status_code


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="250,500,1000")
    ap.add_argument("--json-sizes", default="2000,4000,8000")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", dest="out")
    a = ap.parse_args()
    out: dict[str, Any] = {"page": {}, "json": {}}
    with tempfile.TemporaryDirectory() as d:
        warm = make(Path(d) / "warm.jsonl", page(20, 99))
        asyncio.run(timed(warm, "GET", "/page"))  # imports, pack
        asyncio.run(timed(make(Path(d) / "warm2.jsonl"), "POST", "/echo", json_body(20, 99)))
        for n in (int(x) for x in a.sizes.split(",")):
            ts = []
            for r in range(a.repeat):
                app = make(Path(d) / f"p{n}-{r}.jsonl", page(n, r))
                ts.append(asyncio.run(timed(app, "GET", "/page")))
            out["page"][n] = {"seconds": statistics.median(t for t, _ in ts), "status": ts[0][1]}
            print(f"page  {n:6d} controls: {out['page'][n]['seconds']:.3f} s CPU (HTTP {ts[0][1]})", flush=True)
        for n in (int(x) for x in a.json_sizes.split(",")):
            ts = []
            for r in range(a.repeat):
                app = make(Path(d) / f"j{n}-{r}.jsonl")
                ts.append(asyncio.run(timed(app, "POST", "/echo", json_body(n, r))))
            out["json"][n] = {"seconds": statistics.median(t for t, _ in ts), "status": ts[0][1]}
            print(f"json  {n:6d} keys:     {out['json'][n]['seconds']:.3f} s CPU (HTTP {ts[0][1]})", flush=True)
    if a.out:
        Path(a.out).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    sys.exit(main())

"""cProfile of the guarded app on each traffic kind of bench_server.py, driven straight through
the ASGI callable (no network), after a warm-up: where a request's CPU goes.

    python benchmarks/profile_paths.py [--kind post_form] [--n 300] [--top 25]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("SG_AUDIT", os.path.join(tempfile.mkdtemp(prefix="sg-prof-"), "audit.jsonl"))
os.environ["SG_BENCH"] = "guarded"

import server_app  # noqa: E402
from bench_server import KINDS  # noqa: E402


async def one(app: Any, kind: dict[str, Any]) -> None:
    body = server_app.FORM.encode() if kind.get("method") == "POST" else b""
    msgs = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return msgs.pop() if msgs else {"type": "http.disconnect"}

    async def send(m: dict[str, Any]) -> None:
        pass

    headers = [(b"x-bench-who", kind["who"].encode()), (b"host", b"127.0.0.1")]
    if body:
        headers += [(b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", str(len(body)).encode())]
    await app({"type": "http", "method": kind.get("method", "GET"), "path": kind["path"], "raw_path": kind["path"].encode(),
               "query_string": b"", "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
               "scheme": "http", "root_path": "", "http_version": "1.1", "asgi": {"version": "3.0"}}, receive, send)


async def main(kinds: list[str], n: int, top: int) -> None:
    app = server_app.app
    # every inspection on this thread, so that cProfile sees it (the server offloads large bodies)
    import dataclasses
    app.limits = dataclasses.replace(app.limits, offload_bytes=1 << 30)
    for k in kinds:
        for _ in range(20):
            await one(app, KINDS[k])
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        for _ in range(n):
            await one(app, KINDS[k])
        prof.disable()
        print(f"\n===== {k}: {(time.perf_counter() - t0) / n * 1e6:.0f} µs/request (profiled) =====")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(top)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", default=",".join(KINDS))
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--top", type=int, default=30)
    a = ap.parse_args()
    asyncio.run(main(a.kind.split(","), a.n, a.top))

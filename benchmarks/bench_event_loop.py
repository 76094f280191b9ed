"""Does a heavy response check freeze the worker's other requests? (issue 10, class 11)

A real uvicorn (one worker, loopback) serves a guarded app. While one client fetches a heavy
response — a roster of N records with free-text notes, redacted for school staff (040(k)), which
runs free-text detection on every note — another client fetches a tiny JSON response over and
over. We report the cheap request's latency (median, p95, max) while the heavy one runs, and the
heavy request's own time, for:

* ``inline``  — the check runs on the event loop (``Limits(offload_bytes=<huge>)``, the old way);
* ``off-32k`` — bodies over 32 KiB are checked in a worker thread (the first round's default);
* ``off-4k``  — bodies over 4 KiB are (the default since review round 1; requests too).

``--submissions 8`` measures eight concurrent ~30 KiB free-text submissions instead of the roster
(the review's R19: below 32 KiB, they were all checked on the loop).

Both are measured in the same run, alternating, on the same machine (2 shared cores: noisy).

    .venv/bin/python benchmarks/bench_event_loop.py [--records 1500] [--rounds 3] [--submissions 8]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx

APP = textwrap.dedent('''
    import os
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from status_guard import Guard
    from status_guard.asgi import Limits, RouteConfig, StatusGuardMiddleware

    N = int(os.environ["SG_RECORDS"])
    NOTES = ("Met with the family on Tuesday; the student is doing well in maths and reading, and the "
             "parent asked about the after-school programme and the bus schedule for next term.")
    ROSTER = {"students": [{"name": f"Student {i}", "grade": 5, "notes": NOTES + f" Visit {i}."}
                           for i in range(N)]}

    async def heavy(request):
        return JSONResponse(ROSTER)

    async def cheap(request):
        return JSONResponse({"ok": True})

    async def submit(request):
        return JSONResponse({"got": len(await request.body())})

    guard = Guard.default(audit="memory:")
    guard.detect_text("warm up the free-text detector at start-up", scope="schools")
    limits = Limits(offload_bytes=int(os.environ["SG_OFFLOAD"]))
    app = Starlette(routes=[Route("/schools/roster", heavy), Route("/ping", cheap),
                            Route("/schools/submit", submit, methods=["POST"])], middleware=[
        Middleware(StatusGuardMiddleware, guard=guard, identify=lambda s: "local", scope="city",
                   routes=[RouteConfig("/schools", "schools", strip=True)], limits=limits)])
''')


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(tmp: Path, records: int, offload: int) -> tuple[subprocess.Popen, str]:
    port = _port()
    env = {**os.environ, "SG_RECORDS": str(records), "SG_OFFLOAD": str(offload)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "bench_loop_app:app", "--app-dir", str(tmp),
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
                             "--lifespan", "off"], env=env)
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("uvicorn did not start")
            time.sleep(0.1)
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=120) as c:  # warm both paths
        c.get("/ping")
        c.get("/schools/roster")
    return proc, base


def measure(base: str) -> dict[str, float]:
    lat: list[float] = []
    heavy_time: list[float] = []
    done = threading.Event()

    def heavy() -> None:
        with httpx.Client(base_url=base, timeout=120) as c:
            t = time.perf_counter()
            r = c.get("/schools/roster")
            heavy_time.append(time.perf_counter() - t)
            assert r.status_code == 200
        done.set()

    with httpx.Client(base_url=base, timeout=120) as c:
        th = threading.Thread(target=heavy)
        th.start()
        time.sleep(0.02)
        while not done.is_set():
            t = time.perf_counter()
            c.get("/ping")
            lat.append(time.perf_counter() - t)
        th.join()
    lat.sort()
    return {"cheap_median_ms": statistics.median(lat) * 1000, "cheap_p95_ms": lat[int(len(lat) * 0.95) - 1] * 1000
            if len(lat) > 1 else lat[0] * 1000, "cheap_max_ms": lat[-1] * 1000, "cheap_n": len(lat),
            "heavy_s": heavy_time[0]}


SUBMISSION = ('{"note": "' + "I was told my son cannot enroll because we are undocumented. " * 500 + '"}').encode()


def measure_submissions(base: str, concurrent: int) -> dict[str, float]:
    """``concurrent`` free-text submissions of ~30 KiB at once (each checked, stripped of the
    volunteered status, re-checked) while a client hammers the cheap endpoint."""
    lat: list[float] = []
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(base_url=base, timeout=120) as c:
            while not stop.is_set():
                t = time.perf_counter()
                c.get("/ping")
                lat.append(time.perf_counter() - t)

    def post() -> None:
        with httpx.Client(base_url=base, timeout=120) as c:
            assert c.post("/schools/submit", content=SUBMISSION,
                          headers={"content-type": "application/json"}).status_code == 200

    th = threading.Thread(target=hammer)
    th.start()
    time.sleep(0.2)
    lat.clear()
    t0 = time.perf_counter()
    posts = [threading.Thread(target=post) for _ in range(concurrent)]
    for p in posts:
        p.start()
    for p in posts:
        p.join()
    total = time.perf_counter() - t0
    stop.set()
    th.join()
    lat.sort()
    return {"cheap_median_ms": statistics.median(lat) * 1000, "cheap_p95_ms": lat[max(0, int(len(lat) * 0.95) - 1)] * 1000,
            "cheap_max_ms": lat[-1] * 1000, "cheap_n": len(lat), "heavy_s": total}


def idle(base: str, n: int = 200) -> float:
    with httpx.Client(base_url=base, timeout=30) as c:
        lat = []
        for _ in range(n):
            t = time.perf_counter()
            c.get("/ping")
            lat.append(time.perf_counter() - t)
    return statistics.median(lat) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1500)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--submissions", type=int, default=0,
                    help="measure N concurrent ~30 KiB free-text submissions instead of the roster")
    args = ap.parse_args()
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"sg-bench-loop-{os.getpid()}"
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "bench_loop_app.py").write_text(APP)
    servers = {"inline": serve(tmp, args.records, 1 << 40), "off-32k": serve(tmp, args.records, 32 * 1024),
               "off-4k": serve(tmp, args.records, 4 * 1024)}
    results: dict[str, list[dict[str, float]]] = {k: [] for k in servers}
    try:
        base_ms = statistics.median(idle(b) for _p, b in servers.values())
        for _ in range(args.rounds):
            for name, (_proc, base) in servers.items():  # alternate, same run
                results[name].append(measure_submissions(base, args.submissions) if args.submissions
                                     else measure(base))
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=10)
    what = (f"{args.submissions} concurrent ~30 KiB free-text submissions (checked, stripped, re-checked)"
            if args.submissions else f"roster of {args.records} records with free-text notes, redacted for school staff")
    print(f"{what}; {args.rounds} rounds, alternating; the cheap request alone (baseline): median {base_ms:.1f} ms")
    for name, rows in results.items():
        med = statistics.median
        print(f"{name:8s} cheap request while the heavy one runs: median {med(r['cheap_median_ms'] for r in rows):7.1f} ms, "
              f"p95 {med(r['cheap_p95_ms'] for r in rows):7.1f} ms, max {med(r['cheap_max_ms'] for r in rows):7.1f} ms "
              f"({int(med(r['cheap_n'] for r in rows))} requests); heavy request {med(r['heavy_s'] for r in rows):5.2f} s")


if __name__ == "__main__":
    main()

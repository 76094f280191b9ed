"""Group commit of durable audit records from N concurrent writers (issue 15, round e).

Target: group commit from N threads or tasks ≥ 0.8× N plain append+fsync loops. Rows, alternated
round by round in one run (the machine is shared; medians with min–max):

* ``plain``   — N threads, each a plain loop: ``json.dumps`` + ``write`` (O_APPEND, one shared file)
  + ``fsync`` per record: the baseline;
* ``threads`` — N threads calling ``AuditLog.append`` (fsync "batch": leader/follower group commit);
* ``tasks``   — N asyncio tasks on one event loop awaiting ``AuditBatcher.record`` (the request path
  of the ASGI middleware: one flusher thread, ``Guard.record_each`` → ``append_each``, one fsync per
  batch), with each record's latency (p50/p99) and the event loop's worst stall;
* ``tasks_thread_per_record`` — the previous request path: each task hands its record to a worker
  thread (``record_off_loop``), for the p99 comparison.

    PYTHONPATH=src python benchmarks/bench_group_commit.py [--threads 8] [--records 400] [--rounds 3]

Writes benchmarks/results/group_commit.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from status_guard import Guard  # noqa: E402
from status_guard.asgi.audit_batch import AuditBatcher  # noqa: E402
from status_guard.asgi.middleware import record_off_loop  # noqa: E402


def _decision(guard: Guard) -> Any:
    return guard.check_access("police", "federal_immigration")


def plain(path: str, n_threads: int, per: int, rec: dict[str, Any]) -> float:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)

    def loop() -> None:
        for i in range(per):
            os.write(fd, (json.dumps({**rec, "i": i}) + "\n").encode())
            os.fsync(fd)

    ts = [threading.Thread(target=loop) for _ in range(n_threads)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    dt = time.perf_counter() - t0
    os.close(fd)
    return n_threads * per / dt


def threads(path: str, n_threads: int, per: int) -> float:
    guard = Guard.default(audit=f"jsonl:{path}")
    d = _decision(guard)
    guard.record(d, adapter="asgi")  # start marker out of the timing

    def loop() -> None:
        for _ in range(per):
            guard.record(d, adapter="asgi", route="GET /police/{id}")

    ts = [threading.Thread(target=loop) for _ in range(n_threads)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    dt = time.perf_counter() - t0
    guard.audit.close()
    return n_threads * per / dt


def tasks(path: str, n_tasks: int, per: int, old: bool = False, flushers: int | None = None) -> dict[str, float]:
    guard = Guard.default(audit=f"jsonl:{path}")
    d = _decision(guard)
    guard.record(d, adapter="asgi")
    batcher = AuditBatcher(guard, **({"flushers": flushers} if flushers else {}))
    kw = {"adapter": "asgi", "route": "GET /police/{id}"}
    lat: list[float] = []
    lags: list[float] = []

    async def one_task() -> None:
        for _ in range(per):
            t = time.perf_counter()
            if old:
                await record_off_loop(guard, d, **kw)
            else:
                await batcher.record([(d, kw)])
            lat.append(time.perf_counter() - t)

    async def heartbeat(stop: asyncio.Event) -> None:
        while not stop.is_set():
            t = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - t - 0.001)

    async def main() -> float:
        stop = asyncio.Event()
        hb = asyncio.create_task(heartbeat(stop))
        t0 = time.perf_counter()
        await asyncio.gather(*(one_task() for _ in range(n_tasks)))
        dt = time.perf_counter() - t0
        stop.set()
        await hb
        return dt

    cpu0 = time.process_time()
    dt = asyncio.run(main())
    cpu = time.process_time() - cpu0
    batcher.stop()
    guard.audit.close()
    lat.sort()
    n = n_tasks * per
    return {"rate": n / dt, "p50_ms": 1000 * lat[len(lat) // 2], "p99_ms": 1000 * lat[int(len(lat) * 0.99)],
            "max_loop_stall_ms": 1000 * max(lags, default=0.0), "cpu_us_per_record": 1e6 * cpu / n}


def med(xs: list[float]) -> dict[str, float]:
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=8, help="N: writer threads / tasks")
    ap.add_argument("--records", type=int, default=400, help="records per writer per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--flushers", type=int, default=None, help="flusher threads of the batcher (default: its own)")
    ap.add_argument("--only", default=None, help="comma-separated rows to run (plain always runs)")
    ap.add_argument("--out", default=str(HERE / "results" / "group_commit.json"))
    args = ap.parse_args()
    n, per = args.threads, args.records
    guard = Guard.default(audit="memory:")
    rec = guard.record_fields(_decision(guard), adapter="asgi", route="GET /police/{id}")
    rows: dict[str, list[Any]] = {"plain": [], "threads": [], "tasks": [], "tasks_thread_per_record": []}
    with tempfile.TemporaryDirectory(prefix="sg-gc-", dir=os.environ.get("SG_BENCH_DIR", "/tmp")) as tmp:
        for r in range(args.rounds):
            order = ["plain", "threads", "tasks", "tasks_thread_per_record"]
            if args.only:
                order = ["plain", *(o for o in order[1:] if o in args.only.split(","))]
            if r % 2:
                order.reverse()
            for name in order:
                path = os.path.join(tmp, f"{name}-{r}.jsonl")
                if name == "plain":
                    rows[name].append(plain(path, n, per, rec))
                elif name == "threads":
                    rows[name].append(threads(path, n, per))
                else:
                    rows[name].append(tasks(path, n, per, old=name != "tasks", flushers=args.flushers))
                print(f"round {r + 1} {name}: {rows[name][-1]}", file=sys.stderr, flush=True)
    base = statistics.median(rows["plain"])
    out: dict[str, Any] = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "writers": n,
                           "records_per_writer": per, "rounds": args.rounds, "target": "≥ 0.8× plain"}
    out["plain_records_per_s"] = med(rows["plain"])
    out["flushers"] = args.flushers
    if rows["threads"]:
        out["threads_records_per_s"] = med(rows["threads"])
        out["threads_ratio"] = statistics.median(rows["threads"]) / base
    for name in ("tasks", "tasks_thread_per_record"):
        if not rows[name]:
            continue
        out[name] = {k: med([x[k] for x in rows[name]]) for k in rows[name][0]}
        out[f"{name}_ratio"] = out[name]["rate"]["median"] / base
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

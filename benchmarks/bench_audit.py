"""Audit log throughput per sink, as ratios against a baseline measured in the same run.

Baseline: the record as plain ``json.dumps`` + ``write`` to a buffered file, no validation, no
chain, no fsync. Every other row validates the record against the allow-list, chains it (SHA-256
unless noted), and stores it with the given fsync mode. ``batch`` rows use several threads, since
group commit only helps when appends overlap; the matching ``always`` row uses the same threads.
Durable rows are also compared with a ``json.dumps`` + ``write`` + ``fsync`` baseline measured
right before each of them (the disk is shared and noisy; an adjacent baseline keeps the ratio fair).

    .venv/bin/python benchmarks/bench_audit.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from status_guard.audit import open_audit

PG_DSNS = ("postgresql://postgres@127.0.0.1:5432/test", "postgresql://root@127.0.0.1:5432/test")

RECORD: dict[str, Any] = {
    "action": "collect", "effect": "block", "citations": ["2.129.040(b)", "2.129.040(k)"],
    "categories": ["citizenship_status", "immigration_status"],
    "fields": ["guardian.citizenship", "student.immigration_status"], "scope": "schools",
    "requester": {"class": "local", "agency": "CPS"}, "purpose": None,
    "exceptions": [], "rules": ["no-status-inquiry", "school-enrollment"],
    "policy": {"id": "cambridge-2.129", "version": "2026.1", "hash": "ab" * 32},
    "monitor": False, "adapter": "asgi", "request_id": "req-0001", "route": "POST /enroll/{id}",
}


def rate(n: int, fn: Callable[[], None]) -> float:
    t = time.perf_counter()
    fn()
    return n / (time.perf_counter() - t)


def baseline(path: str, n: int, fsync: bool = False) -> float:
    def run() -> None:
        with open(path, "a", encoding="utf-8") as f:
            for _ in range(n):
                f.write(json.dumps(RECORD) + "\n")
                if fsync:
                    f.flush()
                    os.fsync(f.fileno())

    return rate(n, run)


SYNC_REFS: list[float] = []


def audit_rate(spec: str, n: int, fsync: str, threads: int = 1, **kw: Any) -> float:
    if fsync != "never":
        with tempfile.NamedTemporaryFile() as f:
            SYNC_REFS.append(baseline(f.name, 200, fsync=True))
    log = open_audit(spec, fsync=fsync, **kw)
    log.append(RECORD)  # open the session (start marker, table creation) outside the timing
    per = n // threads

    def work() -> None:
        for _ in range(per):
            log.append(RECORD)

    def run() -> None:
        ts = [threading.Thread(target=work) for _ in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    r = rate(per * threads, run)
    log.close()
    return r


def pg_dsn() -> str | None:
    try:
        import psycopg
    except ImportError:
        return None
    for dsn in PG_DSNS:
        try:
            with psycopg.connect(dsn, connect_timeout=3):
                return dsn
        except psycopg.Error:
            continue
    return None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer records (noisier)")
    args = ap.parse_args()
    n_fast = 2000 if args.quick else 10000
    n_sync = 300 if args.quick else 1500
    rows: list[tuple[str, str, int, float]] = []
    with tempfile.TemporaryDirectory() as d:
        def p(name: str) -> str:
            return os.path.join(d, f"{name}-{uuid.uuid4().hex[:6]}")

        base = baseline(p("base"), n_fast)
        base_sync = baseline(p("base-sync"), n_sync, fsync=True)
        rows.append(("baseline json.dumps+write", "never", 1, base))
        rows.append(("baseline json.dumps+write+fsync", "always", 1, base_sync))
        rows.append(("memory", "never", 1, audit_rate("memory:", n_fast, "never")))
        rows.append(("jsonl", "never", 1, audit_rate(f"jsonl:{p('j')}", n_fast, "never")))
        rows.append(("jsonl (HMAC chain)", "never", 1,
                     audit_rate(f"jsonl:{p('jh')}", n_fast, "never", hmac_key=secrets.token_bytes(32))))
        rows.append(("jsonl", "always", 1, audit_rate(f"jsonl:{p('j')}", n_sync, "always")))
        rows.append(("jsonl", "always", 4, audit_rate(f"jsonl:{p('j')}", n_sync, "always", threads=4)))
        rows.append(("jsonl", "batch", 4, audit_rate(f"jsonl:{p('j')}", n_sync * 2, "batch", threads=4)))
        rows.append(("sqlite", "never", 1, audit_rate(f"sqlite:{p('s')}", n_fast, "never")))
        rows.append(("sqlite", "always", 1, audit_rate(f"sqlite:{p('s')}", n_sync, "always")))
        rows.append(("sqlite", "always", 4, audit_rate(f"sqlite:{p('s')}", n_sync, "always", threads=4)))
        rows.append(("sqlite", "batch", 4, audit_rate(f"sqlite:{p('s')}", n_sync * 2, "batch", threads=4)))
        dsn = pg_dsn()
        if dsn is not None:
            import psycopg

            tables = []
            for mode, threads, n in (("never", 1, n_sync), ("always", 1, n_sync), ("always", 4, n_sync),
                                     ("batch", 4, n_sync * 2)):
                table = f"sg_bench_{uuid.uuid4().hex[:8]}"
                tables.append(table)
                rows.append(("postgres", mode, threads, audit_rate(f"{dsn}?table={table}", n, mode, threads=threads)))
            with psycopg.connect(dsn, autocommit=True) as conn:
                for t in tables:
                    conn.execute(f"DROP TABLE IF EXISTS {t}")
        else:
            print("(postgres not reachable: skipped)", file=sys.stderr)

        # verification speed over the jsonl log written above
        vpath = p("v")
        audit_rate(f"jsonl:{vpath}", n_fast, "never")
        vlog = open_audit(f"jsonl:{vpath}")
        t = time.perf_counter()
        report = vlog.verify()
        vrate = report.count / (time.perf_counter() - t)
        assert report.ok

    print(f"{'sink':34} {'fsync':7} {'thr':>3} {'records/s':>11} {'x baseline':>11}")
    for sink, mode, thr, r in rows:
        print(f"{sink:34} {mode:7} {thr:>3} {r:>11,.0f} {r / base:>11.3f}")
    print(f"{'verify (jsonl, sha256)':34} {'':7} {1:>3} {vrate:>11,.0f} {vrate / base:>11.3f}")
    durable = [(s, m, thr, r) for s, m, thr, r in rows if m != "never" and not s.startswith("baseline")]
    print("\ndurable rows vs a json.dumps+write+fsync baseline measured just before each:")
    for (sink, mode, thr, r), ref in zip(durable, SYNC_REFS):
        print(f"  {sink:8} {mode:7} x{thr}: {r:>7,.0f}/s vs {ref:>7,.0f}/s = {r / ref:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

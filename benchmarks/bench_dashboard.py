"""Dashboard page times on a large audit log, served by a real uvicorn on 127.0.0.1.

Builds (once, cached in --dir) a signed JSONL log of N records — refusals, flags, events with
person references, 040(g) obligations, heartbeats and a checkpoint every 1000 records — then
starts the dashboard with the public key and times its start-up (it verifies the whole log before
listening), each page, and the FIRST request of every page after new records were appended (20
decisions; or 19 decisions and one event) — the dashboard must verify and count only those. Charts
are fetched apart from their page (/charts/ID.svg) and timed apart. Times are wall-clock medians of
--repeat requests, with the maximum beside them (the target: every page, first request included,
under 1 s).

    .venv/bin/python benchmarks/bench_dashboard.py [--records 100000] [--repeat 5]

To compare with another checkout in the same run: --src /path/to/other/src (its create_app must
take DashboardConfig(audit_spec=..., public_key=...) or ignore unknown fields).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGES = ["/", "/records", "/records?kind=event", "/records/50000", "/obligations", "/report?from=2026-01-01&to=2026-06-30",
         "/events"]

DECISION = {"action": "collect", "effect": "block", "citations": ["2.129.040(b)", "2.129.040(k)"],
            "categories": ["citizenship_status"], "fields": ["guardian.citizenship"], "scope": "schools",
            "requester": {"class": "local"}, "rules": ["no-status-inquiry"], "monitor": False, "adapter": "asgi",
            "route": "POST /enroll", "department": "Cambridge Public Schools"}
FLAG = {**DECISION, "effect": "flag", "citations": ["2.129.040(a)"], "rules": ["equal-treatment-filter"],
        "scope": "police", "department": "Police Department"}


def build_log(path: Path, n: int, key_dir: Path) -> None:
    from status_guard.audit import open_audit
    from status_guard.audit.keys import write_signing_keypair

    write_signing_keypair(str(key_dir / "signing.pem"), str(key_dir / "signing.pem.pub"), force=True)
    log = open_audit(f"jsonl:{path}", signing_key=str(key_dir / "signing.pem"), fsync="never",
                     checkpoint_every=1000)
    batch = []
    month = 1
    for i in range(n):
        if i % 20 == 0:
            day = 1 + (i // 20) % 27
            month = 1 + (i // 20) % 6
            at = f"2026-{month:02d}-{day:02d}T1{i % 10}:00:00Z"
            kind = i // 20 % 4
            if kind == 0:
                ev = {"type": "detainer_request", "event_id": "evt" + secrets.token_hex(8), "citation": "2.129.060(a)",
                      "occurred_at": at, "person_ref": secrets.token_hex(32), "state": "in_custody",
                      "obligation_ref": "obl" + secrets.token_hex(8), "due_at": at, "department": "Police Department"}
            elif kind == 1:
                ev = {"type": "federal_reimbursement", "event_id": "evt" + secrets.token_hex(8),
                      "citation": "2.129.060(d)", "occurred_at": at, "case_ref": f"CPD-2026-{i % 40:03d}",
                      "amount": "125.50", "currency": "USD", "department": "Police Department"}
            elif kind == 2:
                ev = {"type": "notification_request", "event_id": "evt" + secrets.token_hex(8),
                      "citation": "2.129.060(a)", "occurred_at": at, "person_ref": secrets.token_hex(32)}
            else:
                ev = {"type": "transferred_to_ice_custody", "event_id": "evt" + secrets.token_hex(8),
                      "citation": "2.129.060(c)", "occurred_at": at, "person_ref": secrets.token_hex(32)}
            batch.append({"kind": "event", "adapter": "event", "event": ev})
        elif i % 7 == 0:
            batch.append(FLAG)
        else:
            batch.append(DECISION)
        if len(batch) >= 500:
            log.append_many(batch)
            batch = []
    if batch:
        log.append_many(batch)
    log.heartbeat()
    log.sink.close()  # no end marker: a live log


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVER = r"""
import sys, uvicorn
from status_guard.audit.keys import load_public_key
from status_guard.compliance.dashboard.app import DashboardConfig, create_app
import dataclasses
fields = {f.name for f in dataclasses.fields(DashboardConfig)}
kw = {"audit_spec": sys.argv[1]}
if "public_key" in fields:
    kw["public_key"] = load_public_key(sys.argv[3])
app = create_app(DashboardConfig(**kw))
if hasattr(app.state, "warm"):
    app.state.warm()  # what `status-guard dashboard` does before it listens
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def time_pages(spec: str, pub: Path, src: str | None, repeat: int, append: callable) -> dict[str, list[float]]:
    import httpx

    port = _free_port()
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, spec, str(port), str(pub)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                httpx.get(base + "/static/style.css", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        out: dict[str, list[float]] = {"start-up (verify the whole log, then listen)": [time.perf_counter() - started]}
        with httpx.Client(base_url=base, timeout=300) as c:
            t = time.perf_counter()
            r = c.get("/")
            out["first request (cold)"] = [time.perf_counter() - t]
            for page in PAGES:
                times = []
                for _ in range(repeat):
                    t = time.perf_counter()
                    r = c.get(page)
                    times.append(time.perf_counter() - t)
                out[f"{page} [{r.status_code}]"] = times
            # the FIRST request of each page after records were appended (what an officer sees when the log
            # grew since the page was last shown): 20 decisions, or 19 decisions and one event
            for with_event in (False, True):
                for page in PAGES:
                    times = []
                    for _ in range(repeat):
                        append(with_event)
                        t = time.perf_counter()
                        r = c.get(page)
                        times.append(time.perf_counter() - t)
                        if not with_event and page == "/":  # a chart the overview names after the append
                            src = re.search(r'src="(/charts/[0-9a-f]+\.svg)"', r.text)
                            if src:
                                t = time.perf_counter()
                                c.get(src.group(1))
                                out.setdefault("a chart picture after +20 records (apart from its page)", []).append(
                                    time.perf_counter() - t)
                    what = "+1 event, +19 records" if with_event else "+20 records"
                    out[f"{page} first after {what} [{r.status_code}]"] = times
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "sg-bench-dashboard"))
    ap.add_argument("--src", action="append", default=[], help="other source trees to time in the same run")
    args = ap.parse_args()
    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    log = d / f"audit-{args.records}.jsonl"
    if not log.exists():
        t = time.perf_counter()
        build_log(log, args.records, d)
        print(f"built {log} ({args.records} records, {log.stat().st_size // 1024} KiB) in "
              f"{time.perf_counter() - t:.1f} s")
    from status_guard.audit import open_audit

    def append(with_event: bool = False) -> None:
        w = open_audit(f"jsonl:{log}", signing_key=str(d / "signing.pem"), fsync="never")
        batch = [DECISION] * (19 if with_event else 20)
        if with_event:
            batch.append({"kind": "event", "adapter": "event", "event": {
                "type": "federal_reimbursement", "event_id": "evt" + secrets.token_hex(8), "citation": "2.129.060(d)",
                "occurred_at": "2026-03-03T12:00:00Z", "case_ref": "CPD-2026-999", "amount": "10.00",
                "currency": "USD", "department": "Police Department"}})
        w.append_many(batch)
        w.sink.close()

    for src in [None, *args.src]:
        print(f"\n== {src or 'this checkout'}")
        res = time_pages(f"jsonl:{log}", d / "signing.pem.pub", src, args.repeat, append)
        for page, times in res.items():
            print(f"  {page:<55} median {statistics.median(times) * 1000:8.0f} ms   max {max(times) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()

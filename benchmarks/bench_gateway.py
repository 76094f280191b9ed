"""The gateway in front of nginx vs nginx direct, over loopback with wrk, in the same run (ratios).

    .venv/bin/python benchmarks/bench_gateway.py [--seconds 5] [--rounds 2] [--connections 16] [--workers 1]

Three subjects, alternated round by round so that a noisy neighbour on this shared 2-core machine
hits all of them alike: nginx serving the JSON booking record directly (the baseline); the same
proxying app with no guard in front of it, in one uvicorn process (what proxying in Python costs
by itself); the gateway
in front for a local officer (identity verified, record passed through unchanged); the gateway in
front for a federal officer (identity verified, record buffered, redacted under 040(e) and one
durable audit record written per request). The medians of the rounds are reported as throughput
and p99-latency ratios to the baseline of the same run.

nginx, wrk and the gateway all share the same two cores; absolute numbers mean little, ratios
a little more. Needs Debian's nginx and wrk.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "gateway"))

import stack  # noqa: E402

PATH = "/police/records/1.json"

BARE_PROXY = r"""
import sys, uvicorn
from status_guard.gateway.config import Upstream
from status_guard.gateway.proxy import UpstreamProxy

proxy = UpstreamProxy(Upstream(url=sys.argv[1]))

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            m = await receive()
            if m["type"] == "lifespan.startup":
                await proxy.start(); await send({"type": "lifespan.startup.complete"})
            else:
                await proxy.stop(); await send({"type": "lifespan.shutdown.complete"}); return
    await proxy(scope, receive, send)

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False,
            server_header=False, date_header=False, proxy_headers=False)
"""


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str]) -> dict[str, float]:
    cmd = [shutil.which("wrk") or "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99 = _ms(m.group(1), m.group(2)) if m else float("nan")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p99_ms": p99, "non2xx": float(non2xx.group(1)) if non2xx else 0.0}


def main(seconds: int, rounds: int, connections: int, workers: int) -> dict[str, Any]:
    if not (shutil.which("wrk") and stack.NGINX):
        raise SystemExit("needs Debian's nginx and wrk (apt-get install nginx wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    ng = stack.start_nginx(tmp / "nginx")
    keys = stack.make_keys(tmp / "keys")
    port = stack.free_port()
    cfg = stack.gateway_config(ng.url, keys, f"jsonl:{tmp / 'audit.jsonl'}", port, workers=workers,
                               extra="").replace('level = "info"', 'level = "warning"')
    cfg = cfg.replace('format = "json"', 'format = "json"\naccess_log = false')
    gw = stack.start_gateway(cfg, tmp, port, workers=workers)
    bare_port = stack.free_port()
    bare = subprocess.Popen([sys.executable, "-c", BARE_PROXY, ng.url, str(bare_port)])
    stack.wait_port(bare_port, bare, 30)
    local = {"Authorization": "Bearer " + keys.token(stack.CLASS_CLAIMS["local"], ttl=3600)}
    federal = {"Authorization": "Bearer " + keys.token(stack.CLASS_CLAIMS["federal"], ttl=3600)}
    subjects = {"nginx direct": (ng.url + PATH, {}),
                "same proxy without the guard (1 process)": (f"http://127.0.0.1:{bare_port}" + PATH, {}),
                "gateway, local officer": (gw.url + PATH, local),
                "gateway, federal officer (redacted + audited)": (gw.url + PATH, federal)}
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in subjects}
    try:
        for name, (url, h) in subjects.items():  # warm-up, not counted
            wrk(url, 1, 4, h)
        for _ in range(rounds):
            for name, (url, h) in subjects.items():
                runs[name].append(wrk(url, seconds, connections, h))
    finally:
        gw.stop()
        bare.terminate()
        bare.wait(10)
        ng.stop()
    base = runs["nginx direct"]
    b_rps = statistics.median(r["rps"] for r in base)
    b_p99 = statistics.median(r["p99_ms"] for r in base)
    out: dict[str, Any] = {"seconds": seconds, "rounds": rounds, "connections": connections, "workers": workers}
    for name, rs in runs.items():
        rps = statistics.median(r["rps"] for r in rs)
        p99 = statistics.median(r["p99_ms"] for r in rs)
        out[name] = {"rps": round(rps), "p99_ms": round(p99, 2), "rps_ratio": round(rps / b_rps, 3),
                     "p99_ratio": round(p99 / b_p99, 1), "non2xx": sum(r["non2xx"] for r in rs),
                     "rps_runs": [round(r["rps"]) for r in rs]}
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    res = main(a.seconds, a.rounds, a.connections, a.workers)
    for k, v in res.items():
        print(f"{k:48s} {v}")

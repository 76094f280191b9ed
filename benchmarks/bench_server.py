"""The guard on a real server: uvicorn (1 worker, uvloop + httptools) serving the bare app and the
guarded app side by side, wrk on 127.0.0.1 with 8 connections, the two apps alternated round by
round in ONE run. Per traffic kind: throughput (requests/s), p99 latency (wrk --latency) and CPU
per request of the server process (utime + stime from /proc/<pid>/stat, audit threads included),
medians over the rounds with min–max. Guarded/bare ratios are the figures to read (issue 15):
absolute numbers depend on the machine and on whatever else runs on it.

    python benchmarks/bench_server.py [--rounds 5] [--seconds 3] [--connections 8]

Writes benchmarks/results/server.json and benchmarks/results/server.md. The guarded app writes a
JSONL audit log with the default fsync (group commit, durable before the response is sent).
The server is pinned to CPU 0 and wrk to CPU 1 (``--no-pin`` to let them float).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TICK = os.sysconf("SC_CLK_TCK")

#: traffic kind -> (path, who, method, lua body or None, target ratio or None)
KINDS: dict[str, dict[str, Any]] = {
    "json_local": {"path": "/police/b", "who": "local", "what": "GET 2 KB JSON record, local officer",
                   "target": "≥ 0.9× throughput, p99 ≤ 1.2×", "min_ratio": 0.9, "max_p99": 1.2},
    "json_federal": {"path": "/police/b", "who": "federal", "what": "same record, federal requester (redacted)",
                     "target": "≥ 0.35× throughput; guard ≤ 120 µs CPU", "min_ratio": 0.35, "max_added_us": 120},
    "post_form": {"path": "/submit", "who": "local", "method": "POST", "what": "POST 20-field form, local, clean",
                  "target": "≥ 0.8× throughput", "min_ratio": 0.8},
    "post_form_unique": {"path": "/submit", "who": "local", "method": "POST", "unique": True,
                         "what": "POST 20-field form, every long value unique (worst case)",
                         "target": "(issue: ≥ 0.8× for the form)", "min_ratio": 0.8},
    "page_clean": {"path": "/page", "who": "local", "what": "GET 50 KB page, clean form, seen before",
                   "target": "≥ 0.8× throughput", "min_ratio": 0.8},
    "page_forbidden": {"path": "/page_bad", "who": "local", "what": "same page, one forbidden question",
                       "target": "(none stated)"},
    "page_fresh": {"path": "/fresh", "who": "local", "what": "50 KB clean page never seen before",
                   "target": "guard adds ≤ 250 µs CPU", "max_added_us": 250},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def lua_script(tmp: Path, kind: dict[str, Any]) -> Path:
    sys.path.insert(0, str(HERE))
    import server_app  # noqa: PLC0415 — the same bodies the server uses

    lines = [f'wrk.headers["x-bench-who"] = "{kind["who"]}"']
    if kind.get("method") == "POST":
        lines += ['wrk.method = "POST"', 'wrk.headers["content-type"] = "application/x-www-form-urlencoded"',
                  f"wrk.body = {json.dumps(server_app.FORM)}"]
    if kind.get("unique"):
        lines += [f"base = {json.dumps(server_app.FORM_UNIQUE)}", "counter = 0",
                  "math.randomseed(os.time())", "run = math.random(1, 1000000000)",
                  "request = function()", "  counter = counter + 1",
                  '  return wrk.format(nil, nil, nil, (string.gsub(base, "NONCE", run .. "x" .. counter)))', "end"]
    p = tmp / f"{kind['path'].strip('/').replace('/', '_')}_{kind['who']}{'_u' if kind.get('unique') else ''}.lua"
    p.write_text("\n".join(lines) + "\n")
    return p


class Server:
    def __init__(self, mode: str, audit: Path, pin: bool, text: str = "auto") -> None:
        self.mode = mode
        self.port = free_port()
        env = dict(os.environ, SG_BENCH=mode, SG_AUDIT=str(audit), SG_TEXT=text,
                   PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
        cmd = [sys.executable, "-m", "uvicorn", "server_app:app", "--app-dir", str(HERE), "--host", "127.0.0.1",
               "--port", str(self.port), "--workers", "1", "--loop", "uvloop", "--http", "httptools",
               "--no-access-log", "--log-level", "warning"]
        if pin and shutil.which("taskset"):
            cmd = ["taskset", "-c", "0", *cmd]
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.pid = self.proc.pid
        self.startup_s = self._wait(t0)
        self.first_request_ms: dict[str, float] = {}

    def _wait(self, t0: float) -> float:
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.mode} server died: {self.proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return time.perf_counter() - t0
            except OSError:
                time.sleep(0.05)
        raise SystemExit(f"{self.mode} server did not start")

    def first_request(self, name: str, kind: dict[str, Any]) -> None:
        """The first request of each kind, timed: no request should pay for warming anything."""
        sys.path.insert(0, str(HERE))
        import server_app  # noqa: PLC0415

        data = server_app.FORM.encode() if kind.get("method") == "POST" else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{kind['path']}", data=data,
                                     headers={"x-bench-who": kind["who"],
                                              "content-type": "application/x-www-form-urlencoded"})
        t0 = time.perf_counter()
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
        self.first_request_ms[name] = round((time.perf_counter() - t0) * 1e3, 2)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


_LAT = re.compile(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_REQS = re.compile(r"(\d+) requests in")
_ERR = re.compile(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)")


def wrk(port: int, kind: dict[str, Any], script: Path, seconds: float, conns: int, pin: bool) -> dict[str, float]:
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{int(seconds)}s", "--latency", "-s", str(script),
           f"http://127.0.0.1:{port}{kind['path']}"]
    if pin and shutil.which("taskset"):
        cmd = ["taskset", "-c", "1", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = _LAT.search(out)
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}
    errs = _ERR.search(out)
    return {"rps": float(_RPS.search(out).group(1)),  # type: ignore[union-attr]
            "requests": int(_REQS.search(out).group(1)),  # type: ignore[union-attr]
            "p99_ms": float(m.group(1)) * scale[m.group(2)] if m else float("nan"),
            "errors": errs.group(0) if errs else ""}


def summary(xs: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(xs), 3), "min": round(min(xs), 3), "max": round(max(xs), 3)}


def run(rounds: int, seconds: float, conns: int, pin: bool, kinds: list[str]) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="sg-bench-"))
    servers = {m: Server(m, tmp / f"audit-{m}.jsonl", pin) for m in ("bare", "guarded")}
    try:
        scripts = {k: lua_script(tmp, KINDS[k]) for k in kinds}
        for s in servers.values():
            for k in kinds:
                s.first_request(k, KINDS[k])
        # a short warm-up round each (JIT-free Python still fills caches and page cache)
        for k in kinds:
            for s in servers.values():
                wrk(s.port, KINDS[k], scripts[k], 1, conns, pin)
        raw: dict[str, dict[str, list[dict[str, float]]]] = {k: {"bare": [], "guarded": []} for k in kinds}
        for r in range(rounds):
            for k in kinds:
                order = ("bare", "guarded") if r % 2 == 0 else ("guarded", "bare")
                for m in order:
                    s = servers[m]
                    c0 = cpu_seconds(s.pid)
                    res = wrk(s.port, KINDS[k], scripts[k], seconds, conns, pin)
                    res["cpu_us_per_req"] = (cpu_seconds(s.pid) - c0) / max(res["requests"], 1) * 1e6
                    raw[k][m].append(res)
            print(f"round {r + 1}/{rounds} done", file=sys.stderr)
        rss = {m: round(rss_mb(s.pid), 1) for m, s in servers.items()}
        # memory without free-text detection (no Presidio loaded): a third server, each kind once
        no_text = Server("guarded", tmp / "audit-notext.jsonl", pin, text="off")
        try:
            for k in kinds:
                for _ in range(20):
                    no_text.first_request(k, KINDS[k])
            rss["guarded_without_text"] = round(rss_mb(no_text.pid), 1)
        finally:
            no_text.stop()
        audit_lines = sum(1 for _ in open(tmp / "audit-guarded.jsonl", "rb")) if (tmp / "audit-guarded.jsonl").exists() else 0
    finally:
        for s in servers.values():
            s.stop()
    out: dict[str, Any] = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python benchmarks/bench_server.py " + " ".join(sys.argv[1:]),
        "machine": f"{os.cpu_count()} CPUs (shared with other work), {'server on CPU 0, wrk on CPU 1' if pin else 'unpinned'}",
        "rounds": rounds, "seconds_per_round": seconds, "connections": conns,
        "startup_s": {m: round(s.startup_s, 2) for m, s in servers.items()},
        "first_request_ms": {m: s.first_request_ms for m, s in servers.items()},
        "rss_mb": rss, "audit_records_written": audit_lines, "kinds": {},
    }
    for k in kinds:
        b, g = raw[k]["bare"], raw[k]["guarded"]
        ratios = [gg["rps"] / bb["rps"] for bb, gg in zip(b, g)]
        p99r = [gg["p99_ms"] / bb["p99_ms"] for bb, gg in zip(b, g)]
        cpur = [gg["cpu_us_per_req"] / bb["cpu_us_per_req"] for bb, gg in zip(b, g)]
        added = [gg["cpu_us_per_req"] - bb["cpu_us_per_req"] for bb, gg in zip(b, g)]
        entry = {
            "what": KINDS[k]["what"], "target": KINDS[k]["target"],
            "bare_rps": summary([x["rps"] for x in b]), "guarded_rps": summary([x["rps"] for x in g]),
            "throughput_ratio": summary(ratios),
            "bare_p99_ms": summary([x["p99_ms"] for x in b]), "guarded_p99_ms": summary([x["p99_ms"] for x in g]),
            "p99_ratio": summary(p99r),
            "bare_cpu_us": summary([x["cpu_us_per_req"] for x in b]),
            "guarded_cpu_us": summary([x["cpu_us_per_req"] for x in g]),
            "cpu_ratio": summary(cpur), "added_cpu_us": summary(added),
            "errors": sorted({x["errors"] for x in b + g if x["errors"]}),
        }
        entry["met"] = verdict(KINDS[k], entry)
        out["kinds"][k] = entry
    return out


def verdict(kind: dict[str, Any], e: dict[str, Any]) -> str:
    checks = []
    if "min_ratio" in kind:
        checks.append(e["throughput_ratio"]["median"] >= kind["min_ratio"])
    if "max_p99" in kind:
        checks.append(e["p99_ratio"]["median"] <= kind["max_p99"])
    if "max_added_us" in kind:
        checks.append(e["added_cpu_us"]["median"] <= kind["max_added_us"])
    if not checks:
        return "—"
    return "met" if all(checks) else "MISSED"


def markdown(res: dict[str, Any]) -> str:
    rows = ["| traffic | bare req/s | guarded / bare throughput (min–max) | p99 guarded / bare | CPU/request bare → guarded (µs) | CPU ratio | target | |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for e in res["kinds"].values():
        t, p, c = e["throughput_ratio"], e["p99_ratio"], e["cpu_ratio"]
        rows.append(f"| {e['what']} | {e['bare_rps']['median']:.0f} | {t['median']:.2f}× ({t['min']:.2f}–{t['max']:.2f}) "
                    f"| {p['median']:.2f}× | {e['bare_cpu_us']['median']:.0f} → {e['guarded_cpu_us']['median']:.0f} "
                    f"| {c['median']:.2f}× | {e['target']} | {e['met']} |")
    head = (f"{res['date']} · `{res['command'].strip()}` · {res['machine']} · {res['rounds']} rounds × "
            f"{res['seconds_per_round']} s per app and kind, {res['connections']} connections, uvicorn 1 worker "
            f"(uvloop + httptools), JSONL audit with the default fsync ({res['audit_records_written']} records written)\n\n")
    tail = (f"\n\nStart-up (spawn → port open): bare {res['startup_s']['bare']} s, guarded {res['startup_s']['guarded']} s. "
            f"First request of each kind (ms), guarded: {res['first_request_ms']['guarded']}; bare: "
            f"{res['first_request_ms']['bare']}. RSS after the run: bare {res['rss_mb']['bare']} MB, guarded "
            f"{res['rss_mb']['guarded']} MB (without free-text detection, after 20 requests of each kind: "
            f"{res['rss_mb'].get('guarded_without_text')} MB).\n")
    return head + "\n".join(rows) + tail


def startup(kinds: list[str], audit_dir: Path, pin: bool, texts: tuple[str, ...] = ("auto", "off")) -> dict[str, Any]:
    """Start-up only (no wrk): for every kind, a FRESH server (bare, guarded with and without
    free-text detection), its start-up time (spawn → port open, which waits for lifespan
    start-up), the first and the second request of that kind, and RSS after them — the first
    request must cost what the second does (nothing is built on first use)."""
    out: dict[str, Any] = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "kinds": {}}
    for k in kinds:
        row: dict[str, Any] = {}
        for mode, text in [("bare", "auto")] + [("guarded", t) for t in texts]:
            s = Server(mode, audit_dir / f"startup-{mode}-{text}.jsonl", pin, text=text)
            try:
                s.first_request(k, KINDS[k])
                first = s.first_request_ms[k]
                s.first_request(k, KINDS[k])
                row[mode if mode == "bare" else f"guarded_text_{text}"] = {
                    "startup_s": round(s.startup_s, 2), "first_ms": first, "second_ms": s.first_request_ms[k],
                    "rss_mb": round(rss_mb(s.pid), 1)}
            finally:
                s.stop()
        out["kinds"][k] = row
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--no-pin", action="store_true")
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated subset of " + ",".join(KINDS))
    ap.add_argument("--out", default=str(HERE / "results" / "server.json"))
    ap.add_argument("--startup", action="store_true",
                    help="start-up only: a fresh server per kind, start-up time, first vs second request, RSS")
    a = ap.parse_args()
    if a.startup:
        with tempfile.TemporaryDirectory() as tmp:
            res = startup(a.kinds.split(","), Path(tmp), not a.no_pin)
        out = Path(a.out if a.out != str(HERE / "results" / "server.json") else HERE / "results" / "startup.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res, indent=2) + "\n")
        print(json.dumps(res, indent=2))
        return
    for tool in ("wrk",):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed (Debian: apt-get install {tool})")
    res = run(a.rounds, a.seconds, a.connections, not a.no_pin, a.kinds.split(","))
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    md = markdown(res)
    out.with_suffix(".md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()

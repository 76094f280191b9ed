"""F03: the dashboard given a file that is not an audit log (a CSV export) shows the red
'TAMPERING OR DAMAGE DETECTED' alarm; docs/compliance.md: 'a file that is not an audit log at all is refused
with exit 2 (... it looks like a CSV file), never the red alarm' (the CLI does refuse it)."""
import os, sys, time, socket, subprocess
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict, SNAP, PY
import httpx
d, env = newenv()
csv = f"{d}/refusals.csv"
open(csv, "w").write("seq,occurred,time\n13,2026-04-21T08:00:00-04:00,2026-12-02T07:43:12Z\n")
rc, o, e = sg(["audit", "verify", "--audit", csv], env)
print("CLI audit verify rc", rc, e.strip()[:120])
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
e2 = {k: v for k, v in os.environ.items() if not k.startswith("STATUS_GUARD_")}
e2["PYTHONPATH"] = SNAP + "/src"
p = subprocess.Popen([PY, "-m", "status_guard.cli", "dashboard", "--audit", csv, "--port", str(port)],
                     env=e2, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
body, started = "", time.time()
try:
    while time.time() - started < 40:
        try:
            r = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
            body = r.text
            if "Checking the audit log" not in body:
                break
        except Exception:
            pass
        if p.poll() is not None:
            break
        time.sleep(1)
finally:
    if p.poll() is None:
        p.terminate(); p.wait(10)
red = "TAMPERING OR DAMAGE DETECTED" in body
print("dashboard exit:", p.returncode, "| red alarm on page:", red)
verdict(red)

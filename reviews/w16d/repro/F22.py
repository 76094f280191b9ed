"""F22 (high): a dashboard started with the walkthrough's settings (docs/compliance.md step 2 sets
STATUS_GUARD_AUDIT_SIGNING_KEY_FILE in the officer's window) keeps showing green 'Log verified' after the log is cut back
to an earlier end marker (the records entered while it runs removed) -- its banner keeps '6 tree head(s) held by the
witness' from start-up. `audit verify`, every listing and a restarted dashboard: TRUNCATED / red. docs/compliance.md:
'Anything unusual — an edited, removed or reordered record — makes it verify the whole log again, so the banner is always
the full verifier's answer'. (Without the signing key in its environment the same cut turns red.) w16c F01 class."""
import os, sys, time, socket, subprocess, re, html
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict, SNAP, PY
import httpx
def attempt():
    d, env = newenv()
    for i in (1, 2, 3):
        sg(["events", "add", "federal_reimbursement", "--case", f"L-{i}", "--amount", f"{i}.00",
            "--occurred-at", f"2026-03-0{i+2} 14:00 America/New_York"], env)
    log = env["STATUS_GUARD_AUDIT"]
    before = open(log, "rb").read()
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    e2 = {k: v for k, v in os.environ.items() if not k.startswith("STATUS_GUARD_")}
    e2.update(env); e2["PYTHONPATH"] = SNAP + "/src"
    p = subprocess.Popen([PY, "-m", "status_guard.cli", "dashboard", "--port", str(port)], env=e2,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def banner():
        for _ in range(40):
            try:
                t = httpx.get(f"http://127.0.0.1:{port}/?from=2026-01-01&to=2026-06-30", timeout=10).text
                if "Checking the audit log" not in t:
                    i = t.find("<main")
                    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", t[i:i + 1200])))[:160]
            except Exception:
                pass
            time.sleep(1)
        return ""
    try:
        print("start:", banner())
        sg(["events", "add", "federal_reimbursement", "--case", "L-4", "--amount", "4.00",
            "--occurred-at", "2026-03-06 14:00 America/New_York"], env)
        print("after an entry:", banner())
        tmp = log + ".tmp"                       # the insider puts back the file as it was before the entry
        open(tmp, "wb").write(before); os.replace(tmp, log)   # (a cut back to an earlier end marker, as a replaced file)
        b = banner(); time.sleep(2); b = banner()
        print("after the cut:", b)
    finally:
        p.terminate(); p.wait(10)
    rc, o, e = sg(["audit", "verify"], env)
    print("audit verify:", rc, [l for l in (o + e).splitlines() if l.startswith("Result")])
    return rc == 1 and "Log verified" in b and "TAMPERING" not in b

# timing-dependent on a loaded machine: up to 3 attempts, FLAW if any shows green on the cut log
flaw = False
for _ in range(3):
    if attempt():
        flaw = True
        break
verdict(flaw)

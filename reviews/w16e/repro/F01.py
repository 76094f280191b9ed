#!/usr/bin/env python3
"""F01 (high): re-entering an event after a mistaken void, with its idempotency key, prints 'recorded' but is never counted (lost record)."""
import json, os, subprocess, sys, tempfile
SNAP = os.environ.get("SNAP", "/work/review/snap-w16e")
PY = os.environ.get("PY", "/work/main/.venv/bin/python")
T = tempfile.mkdtemp(prefix="w16e-")
def sg(*args, env=None, check=False):
    e = {k: v for k, v in os.environ.items() if not k.startswith("STATUS_GUARD")}
    e["PYTHONPATH"] = os.path.join(SNAP, "src"); e["NO_COLOR"] = "1"
    e.update(env or {})
    r = subprocess.run([PY, "-c", "import sys; from status_guard.cli import main; sys.argv[0]='status-guard'; sys.exit(main())", *args],
                       env=e, capture_output=True, text=True, timeout=600, cwd=T)
    return r.returncode, r.stdout + r.stderr
def setup(hmac=False):
    os.makedirs(f"{T}/wit", exist_ok=True)
    if hmac:
        sg("audit", "keygen", "--hmac-key", f"{T}/h.key", "--person-key", f"{T}/p.key")
        return {"STATUS_GUARD_AUDIT": f"{T}/audit.jsonl", "STATUS_GUARD_AUDIT_HMAC_KEY_FILE": f"{T}/h.key",
                "STATUS_GUARD_PERSON_KEY_FILE": f"{T}/p.key", "STATUS_GUARD_AUDIT_WITNESS": f"dir:{T}/wit"}
    sg("audit", "keygen", "--signing-key", f"{T}/s.pem", "--person-key", f"{T}/p.key")
    return {"STATUS_GUARD_AUDIT": f"{T}/audit.jsonl", "STATUS_GUARD_AUDIT_SIGNING_KEY_FILE": f"{T}/s.pem",
            "STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE": f"{T}/s.pem.pub", "STATUS_GUARD_PERSON_KEY_FILE": f"{T}/p.key",
            "STATUS_GUARD_AUDIT_WITNESS": f"dir:{T}/wit"}
def report(env, name="r.json"):
    rc, out = sg("report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30", "--out", f"{T}/{name}", env=env)
    return json.load(open(f"{T}/{name}")), out
env = setup()
sg("events", "add", "federal_reimbursement", "--case", "C-2", "--amount", "50.00", "--occurred-at", "2026-02-02 10:00 EST", "--idempotency-key", "POL-2026-000003", env=env)
rc, out = sg("events", "void", "1", "--reason", "entered_in_error", env=env); print(out.strip().splitlines()[0])
# docs: "A void made by mistake is not undone: record the event again (events add ..., with its original --occurred-at); the report counts the new entry"
rc, out = sg("events", "add", "federal_reimbursement", "--case", "C-2", "--amount", "50.00", "--occurred-at", "2026-02-02 10:00 EST", "--idempotency-key", "POL-2026-000003", env=env)
print("re-entry:", rc, out.strip().splitlines()[0])
j, _ = report(env)
print("report reimbursements:", j["reimbursement_totals"])
said_recorded = rc == 0 and "recorded" in out
counted = j["reimbursement_totals"].get("USD") == "50.00"
print("FLAW" if said_recorded and not counted else "OK")

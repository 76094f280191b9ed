#!/usr/bin/env python3
"""F15 (low): events correct accepts a field the event type does not have (--not-in-custody on a federal reimbursement) and lists "custody status none -> not in custody" as a correction in the Clerk's report; --hold-basis on the wrong type is refused."""
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
sg("events", "add", "federal_reimbursement", "--case", "S-1", "--amount", "5.00", "--occurred-at", "2026-02-01 10:00 EST", env=env)
rc, out = sg("events", "correct", "1", "--reason", "wrong_custody_status", "--not-in-custody", env=env)
print(rc, out.strip().splitlines()[0])
j, _ = report(env)
print(j["corrections"])
print("FLAW" if rc == 0 and any("custody" in " ".join(c["changes"]) for c in j["corrections"]) else "OK")

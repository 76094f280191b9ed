#!/usr/bin/env python3
"""F12 (low): a misspelled suppression ('status-guard: alow ...') is silently ignored: no 'did you mean allow'."""
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
os.makedirs(f"{T}/app", exist_ok=True)
open(f"{T}/app/m.py", "w").write("from sqlalchemy import Column, String\nclass E:\n    __tablename__='e'\n    # status-guard: alow no-status-inquiry -- 8 U.S.C. §1324a (Form I-9)\n    citizenship = Column(String)\n")
rc, out = sg("scan", f"{T}/app", "--scope", "city")
print(rc, out.strip().splitlines()[-1])
print("FLAW" if "alow" not in out and "did you mean" not in out.lower() else "OK")

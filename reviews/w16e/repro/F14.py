#!/usr/bin/env python3
"""F14 (high): case references are case-sensitive while booking numbers are not: `inv-1` and `INV-1` are two investigations / two reimbursement cases; a lower-case entry of an investigation that has a non-disclosable part is counted in 060(e)."""
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
for case, flag, at in [("INV-1", "--disclosable", "2026-02-01 10:00 EST"), ("INV-1", "--not-disclosable", "2026-04-01 10:00 EDT"), ("inv-1", "--disclosable", "2026-04-02 10:00 EDT")]:
    print(sg("events", "add", "ice_cooperation", "--case", case, flag, "--occurred-at", at, env=env)[1].strip().splitlines()[0])
sg("events", "add", "federal_reimbursement", "--case", "CPD-2026-001", "--amount", "100.00", "--occurred-at", "2026-04-02 10:00 EDT", env=env)
sg("events", "add", "federal_reimbursement", "--case", "cpd-2026-001", "--amount", "0.20", "--occurred-at", "2026-04-03 10:00 EDT", env=env)
# booking numbers ARE folded: bk-1 and BK-1 are one individual
sg("events", "add", "detained_on_ice_hold", "--person-id", "BK-1", "--hold-basis", "court_order", "--occurred-at", "2026-03-11 10:00 EDT", env=env)
sg("events", "add", "detained_on_ice_hold", "--person-id", "bk-1", "--hold-basis", "court_order", "--occurred-at", "2026-03-12 10:00 EDT", env=env)
j, _ = report(env)
print("060(e) investigations:", j["cooperation_investigations"], "withheld:", j["cooperation_withheld"])
print("060(d) cases:", [r["case"] for r in j["reimbursements"]], "| 060(b) individuals (bk-1/BK-1):", j["detained_individuals"])
inconsistent = j["detained_individuals"] == 1 and (j["cooperation_investigations"] >= 1 or len(j["reimbursements"]) == 2)
print("FLAW" if inconsistent else "OK")

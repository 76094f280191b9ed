"""F14: verifying with the WRONG key file (another public key, or another HMAC key) gives the red alarm
'Result: INVALID', exit 1 -- docs/audit.md: exit '2 when the input could not be read or used (..., a wrong
key file, ...)'; the officer who picked up the wrong .pub file is told the log was tampered with."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict
d, env = newenv()
sg(["events", "add", "federal_reimbursement", "--case", "C-1", "--amount", "1.00",
    "--occurred-at", "2026-03-03 14:00 America/New_York"], env)
sg(["audit", "keygen", "--signing-key", f"{d}/keys/other.pem"])
e = dict(env, STATUS_GUARD_AUDIT_SIGNING_KEY_FILE=None, STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE=f"{d}/keys/other.pem.pub")
rc, o, er = sg(["audit", "verify"], e)
res = [l for l in (o + er).splitlines() if l.startswith("Result")]
print("rc", rc, res)
verdict(rc == 1 and any("INVALID" in r for r in res))

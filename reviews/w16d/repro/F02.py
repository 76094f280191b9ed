"""F02: a signed log read WITHOUT the public key but WITH the witness verifies as VALID (exit 0) / green
'Log verified' -- even when records after the witness's last head are unauthenticated. docs/audit.md:
'exit 3 ... Result: CANNOT VERIFY (key not supplied) ... a log carrying signed tree heads without --public-key'."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict
d, env = newenv()
sg(["events", "add", "federal_reimbursement", "--case", "C-1", "--amount", "100.00",
    "--occurred-at", "2026-03-03 14:00 America/New_York"], env)
# a second entry written by a writer without the witness setting: its records are not witnessed
sg(["events", "add", "federal_reimbursement", "--case", "C-2", "--amount", "200.00",
    "--occurred-at", "2026-03-04 14:00 America/New_York"], dict(env, STATUS_GUARD_AUDIT_WITNESS=None))
nokey = dict(env, STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE=None, STATUS_GUARD_AUDIT_SIGNING_KEY_FILE=None)
rc, o, e = sg(["audit", "verify"], nokey)
res = [l for l in (o + e).splitlines() if l.startswith("Result")]
print("audit verify without key, with witness: rc", rc, res)
rc2, o2, e2 = sg(["events", "list", "--from", "2026-01-01", "--to", "2026-06-30"], nokey)
print("events list last line:", (o2 + e2).strip().splitlines()[-1][:120])
verdict(rc == 0 and any("VALID" in r and "CANNOT" not in r for r in res))

"""F13: `audit witness pull` -- the officer's end-of-day routine (docs/compliance.md step 2/4) -- run on a log
cut back to an earlier end marker answers rc 0 'the witness already holds the log's latest tree head
(N record(s))' (N = the size before the cut); the doc calls that message 'fine'. The cut is only seen by a
separate `audit verify`."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict
d, env = newenv()
for i in (1, 2, 3):
    sg(["events", "add", "federal_reimbursement", "--case", f"P-{i}", "--amount", f"{i}.00",
        "--occurred-at", f"2026-03-0{i+2} 14:00 America/New_York"], env)
p = env["STATUS_GUARD_AUDIT"]
lines = open(p).readlines()
open(p, "w").writelines(lines[:6])          # back to the end marker of the second entry
rc, o, e = sg(["audit", "witness", "pull"], env)
out = (o + e).strip()
print("rc", rc, "|", out[:200])
rcv, ov, ev = sg(["audit", "verify"], env)
print("audit verify rc", rcv)
verdict(rc == 0 and "already holds" in out and rcv == 1)

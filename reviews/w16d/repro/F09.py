"""F09: deleting ONE middle line of the log makes `audit verify` also report that the end was cut
('record seq N (that end marker) was cut from the end'), which is false and sends the officer looking for
missing records at the end; still red, message misleading."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict
d, env = newenv()
for i, amt in enumerate(["1.00", "2.00", "3.00"]):
    sg(["events", "add", "federal_reimbursement", "--case", f"C-{i}", "--amount", amt,
        "--occurred-at", f"2026-03-0{i+3} 14:00 America/New_York"], env)
p = env["STATUS_GUARD_AUDIT"]
lines = open(p).readlines()
del lines[4]
open(p, "w").writelines(lines)
rc, o, e = sg(["audit", "verify"], env)
out = o + e
trunc = [l.strip() for l in out.splitlines() if "cut from the end" in l]
print("rc", rc, trunc[:1])
verdict(rc == 1 and bool(trunc))

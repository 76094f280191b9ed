"""F12: a retry with the same --idempotency-key but a DIFFERENT time is accepted and confirmed as
'recorded ... occurred 15:00 ... (due 2026-03-03 15:00 EST)', yet the stored/counted fact and the obligation
keep 14:00: the confirmation contradicts the record (a conflicting retry should be refused, as
Idempotency-Key conventions do)."""
import os, sys, re
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict
d, env = newenv()
a = ["events", "add", "detainer_request", "--person-id", "BK-1", "--in-custody", "--idempotency-key", "POL-2026-000077"]
sg(a + ["--occurred-at", "2026-03-02 14:00 America/New_York"], env)
rc, o, e = sg(a + ["--occurred-at", "2026-03-02 15:00 America/New_York"], env)
said = o + e
print("retry rc", rc, "|", said.strip().splitlines()[0] if said.strip() else "")
rc2, o2, e2 = sg(["obligations", "--format", "csv"], env)
print(o2.strip().splitlines()[-1][:160])
stored_due_14 = "2026-03-03T14:00:00-05:00" in o2
verdict(rc == 0 and "15:00" in said and stored_due_14)

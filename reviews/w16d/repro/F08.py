"""F08 (F12 variant): `audit query --since 2026-02-30` answers 'time must be ISO 8601' instead of saying the
date does not exist, as --from does elsewhere ('February 2026 has 28 days')."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict
d, env = newenv()
sg(["events", "add", "federal_reimbursement", "--case", "C-1", "--amount", "1.00",
    "--occurred-at", "2026-03-03 14:00 America/New_York"], env)
rc, o, e = sg(["audit", "query", "--since", "2026-02-30"], env)
print("rc", rc, e.strip()[:160])
verdict("does not exist" not in e and "28 days" not in e)

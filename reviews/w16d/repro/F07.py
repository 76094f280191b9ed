"""F07: `audit verify` has --format (table|json|jsonl|csv) but no --out, while docs/compliance.md says
'One rule for --out FILE, in every command' (the officer cannot save the verification the way every other
listing is saved)."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict
d, env = newenv()
sg(["events", "add", "federal_reimbursement", "--case", "C-1", "--amount", "1.00",
    "--occurred-at", "2026-03-03 14:00 America/New_York"], env)
rc, o, e = sg(["audit", "verify", "--format", "json", "--out", f"{d}/verify.json"], env)
print("rc", rc, e.strip().splitlines()[-1][:120] if e.strip() else "")
verdict(rc == 2 and "No such option" in e)

"""F19: given the witness's heads.jsonl as --audit (the doc's own troubleshooting example), only `audit verify`
says 'is not a status-guard audit log' (exit 2); `events list`, `obligations`, `audit query`, `audit tail` and
`report semiannual` raise the red 'TAMPERING OR DAMAGE DETECTED' alarm, exit 1. docs/compliance.md: 'a file that
is not an audit log at all is refused with exit 2 (...), never the red alarm'."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict
d, env = newenv()
sg(["events", "add", "federal_reimbursement", "--case", "C-1", "--amount", "1.00",
    "--occurred-at", "2026-03-03 14:00 America/New_York"], env)
heads = f"{d}/witness/heads.jsonl"
red = []
for cmd in (["events", "list", "--from", "2026-01-01", "--to", "2026-06-30"], ["obligations", "--all"],
            ["audit", "query"], ["report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30", "--out", f"{d}/r.html"],
            ["audit", "verify"]):
    rc, o, e = sg(cmd + ["--audit", heads], env)
    alarm = rc == 1 and ("TAMPERING" in e or "did not verify" in e)
    print(" ".join(cmd[:2]), "rc", rc, "red alarm" if alarm else "")
    if alarm:
        red.append(cmd[0])
verdict(bool(red))

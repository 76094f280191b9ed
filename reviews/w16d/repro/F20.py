"""F20: a 060 report for a period that has not ended yet (made today for a half-year ending in the future) reads
as final: nothing says the period is still running or that the figures are 'so far'; the Clerk could publish
an incomplete semiannual report (issue 16 §7: a report the Clerk can publish; coverage wording)."""
import os, sys, datetime, re
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict
d, env = newenv()
sg(["events", "add", "federal_reimbursement", "--case", "C-1", "--amount", "1.00",
    "--occurred-at", "2026-03-03 14:00 America/New_York"], env)
today = datetime.date.today()
# the half-year that contains today (it ends in the future)
if today.month <= 6:
    start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 6, 30)
else:
    start, end = datetime.date(today.year, 7, 1), datetime.date(today.year, 12, 31)
if end == today:
    end = end.replace(year=end.year + 1)
rc, o, e = sg(["report", "semiannual", "--from", start.isoformat(), "--to", end.isoformat(), "--out", f"{d}/r.md"], env)
txt = open(f"{d}/r.md").read() if os.path.exists(f"{d}/r.md") else ""
marks = re.search(r"not (yet )?(over|ended|complete)|still (running|open)|so far|partial|incomplete|has not ended|in the future|ends after", txt, re.I)
print("rc", rc, "| period", start, "to", end, "| marked as unfinished:", bool(marks))
verdict(rc == 0 and not marks)

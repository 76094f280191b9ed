"""F18: correcting a detainer's time to after the notice already given is accepted without a word about
the notice: the recorded notice silently stops counting, the obligation re-opens as OVERDUE and the 060
report says 'NOT GIVEN' -- whereas `events add notice_delivered` refuses a notice dated before its detainer.
The correction should be refused (or name the notice it orphans)."""
import os, sys, re
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, obl, verdict
d, env = newenv()
rc, o, e = sg(["events", "add", "detainer_request", "--person-id", "BK-1", "--in-custody",
               "--occurred-at", "2026-03-02 14:00 America/New_York"], env)
ref = obl(o + e); seq = re.search(r"seq (\d+)", o + e).group(1)
sg(["events", "add", "notice_delivered", "--obligation", ref, "--occurred-at", "2026-03-03 09:00 America/New_York"], env)
rc, o, e = sg(["events", "correct", seq, "--reason", "wrong_time", "--occurred-at", "2026-03-05 14:00 America/New_York"], env)
said = o + e
names_notice = bool(re.search(r"(record|seq) 4\b", said)) or "before" in said.lower() or "no longer" in said.lower()
print("correct rc", rc, "| output names the orphaned notice (seq 4):", names_notice)
rc2, o2, e2 = sg(["report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30", "--format", "csv"], env)
notgiven = [l for l in o2.splitlines() if l.startswith("notice,") and "NOT GIVEN" in l]
print(notgiven[:1])
verdict(rc == 0 and bool(notgiven) and not names_notice)

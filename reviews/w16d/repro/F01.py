"""F01: an event recorded with a different person key is accepted silently; one booking becomes two
individuals in 060(b) (docs/compliance.md: 'keep the same key for at least a whole reporting period';
listings warn on a mismatched key, writes do not)."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, verdict
d, env = newenv()
rc, o, e = sg(["audit", "keygen", "--person-key", f"{d}/keys/p2.key"])
rc1, o1, e1 = sg(["events", "add", "detained_on_ice_hold", "--person-id", "BK-300", "--hold-basis", "criminal_warrant",
                  "--occurred-at", "2026-03-06 16:00 America/New_York"], env)
env2 = dict(env, STATUS_GUARD_PERSON_KEY_FILE=f"{d}/keys/p2.key")
rc2, o2, e2 = sg(["events", "add", "detained_on_ice_hold", "--person-id", "BK-300", "--hold-basis", "court_order",
                  "--occurred-at", "2026-03-07 16:00 America/New_York"], env2)
print("second add rc", rc2, "| stderr:", e2.strip()[:200])
rc3, o3, e3 = sg(["report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30", "--format", "csv"], env)
line = [l for l in o3.splitlines() if "Individuals detained" in l]
print(line)
warned = rc2 != 0 or "person key" in (o2 + e2).lower()
verdict(not warned and line and line[0].endswith(",2"))

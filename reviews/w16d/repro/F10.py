"""F10: with the wrong person key in the window, a notice that repeats the right booking
(--person-id) is refused as 'names a different person' -- the message blames the person, not the key
(docs/compliance.md troubleshooting maps that message to 'leave out --person-id')."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, newenv, obl, verdict
d, env = newenv()
sg(["audit", "keygen", "--person-key", f"{d}/keys/p2.key"])
rc, o, e = sg(["events", "add", "detainer_request", "--person-id", "BK-300", "--in-custody",
               "--occurred-at", "2026-03-06 14:00 America/New_York"], env)
ref = obl(o + e)
env2 = dict(env, STATUS_GUARD_PERSON_KEY_FILE=f"{d}/keys/p2.key")
rc, o, e = sg(["events", "add", "notice_delivered", "--obligation", ref, "--person-id", "BK-300",
               "--occurred-at", "2026-03-06 15:00 America/New_York"], env2)
print("rc", rc, e.strip()[:200])
verdict("different person" in e and "key" not in e.lower())

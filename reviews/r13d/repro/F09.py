# F09: A-number forms missed in notes: 'Alien Reg No 098-765-432' (no colon), 'Reg. No. (USCIS): ...', ALIEN_REG_NBR key.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import warnings; warnings.filterwarnings("ignore")
from status_guard import Guard
g = Guard.default(audit="memory:")
def cats(name, label=None):
    return set((g.classify(name, label) if label is not None else g.classify(name)).categories)
bad = []

notes = ["Alien Reg No 098-765-432", "Alien Reg No 201-555-778 noted on the form.", "Reg. No. (USCIS): 098765432", "ALIEN_REG_NBR: 201555778"]
for n in notes:
    if "alien_registration_number" not in {f.category for f in g.detect_text(n)}:
        bad.append(n)
print(len(bad), "missed:", bad)
print("FLAW" if bad else "OK")

# F10: 'REL' read as release where no date follows (REL_TO_VICTIM, REL_TYPE): docs say rel is relationship otherwise.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import warnings; warnings.filterwarnings("ignore")
from status_guard import Guard
g = Guard.default(audit="memory:")
def cats(name, label=None):
    return set((g.classify(name, label) if label is not None else g.classify(name)).categories)
bad = []

for n in ["REL_TO_VICTIM", "REL_TYPE", "VICT_REL_TO_SUSP"]:
    if "release_date" in cats(n):
        bad.append(n)
print(len(bad), "flagged:", bad)
print("FLAW" if bad else "OK")

# F06: release-date labels and notes missed in French, Russian and Kabuverdianu.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import warnings; warnings.filterwarnings("ignore")
from status_guard import Guard
g = Guard.default(audit="memory:")
def cats(name, label=None):
    return set((g.classify(name, label) if label is not None else g.classify(name)).categories)
bad = []

labels = ["Date de sortie de prison", "Дата выхода на свободу", "Data di saída di kadia", "Data di libertason"]
for l in labels:
    if "release_date" not in cats("q", l):
        bad.append(l)
for n in ["Il sort de prison le 3 janvier.", "Он выходит на свободу 3 января."]:
    if "release_date" not in {f.category for f in g.detect_text(n)}:
        bad.append("note: " + n)
print(len(bad), "missed:", bad)
print("FLAW" if bad else "OK")

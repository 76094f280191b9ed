# F12: look-alikes flagged in other languages: a citizens' committee in a Spanish note, a Visa payment / a company address in Kabuverdianu.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import warnings; warnings.filterwarnings("ignore")
from status_guard import Guard
g = Guard.default(audit="memory:")
def cats(name, label=None):
    return set((g.classify(name, label) if label is not None else g.classify(name)).categories)
bad = []

if "citizenship_status" in {f.category for f in g.detect_text("La reunión del comité ciudadano es el nueve de diciembre.")}:
    bad.append("es note: comité ciudadano")
for l in ["Pagamentu ku Visa", "Pagu ku Visa", "Enderesu di kompanha", "Enderesu di empreza"]:
    if cats("q", l):
        bad.append("kea label: " + l)
print(len(bad), "flagged:", bad)
print("FLAW" if bad else "OK")

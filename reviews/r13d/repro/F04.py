# F04: release look-alikes in notes (property / evidence / tow / software release, hospital discharge) are found as release_date.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import warnings; warnings.filterwarnings("ignore")
from status_guard import Guard
g = Guard.default(audit="memory:")
def cats(name, label=None):
    return set((g.classify(name, label) if label is not None else g.classify(name)).categories)
bad = []

notes = ["Property release scheduled for Dec 9 at the evidence room.", "Tow release: vehicle released to owner on 12/09.",
         "Software release date: December 9.", "Evidence released to owner on December 9th.",
         "Property room: release of bicycle on Dec 9.", "Patient released from hospital on Dec 9.",
         "Liberación del vehículo remolcado el 9 de diciembre.", "Liberação do carro guinchado em 9 de dezembro."]
for n in notes:
    if "release_date" in {f.category for f in g.detect_text(n)}:
        bad.append(n)
print(len(bad), "flagged:", bad)
print("FLAW" if bad else "OK")

# F08: hearing/release dates written in words are missed in notes (en ordinals, es/pt/fr/ru number words).
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import warnings; warnings.filterwarnings("ignore")
from status_guard import Guard
g = Guard.default(audit="memory:")
def cats(name, label=None):
    return set((g.classify(name, label) if label is not None else g.classify(name)).categories)
bad = []

notes = {"Arraignment set for the ninth of January.": "hearing_information",
         "Arraignment on January ninth.": "hearing_information",
         "Client says she is undocumented and her hearing is on the ninth.": "hearing_information",
         "La audiencia es el nueve de diciembre.": "hearing_information",
         "Audiência no dia nove de dezembro.": "hearing_information"}
for n, c in notes.items():
    if c not in {f.category for f in g.detect_text(n)}:
        bad.append(n)
print(len(bad), "missed:", bad)
print("FLAW" if bad else "OK")

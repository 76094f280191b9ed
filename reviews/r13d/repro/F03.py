# F03: status questions in ordinary wording are missed: deportation history (en, es, ru), lawful presence (es, pt, ru, fr), Russian instrumental case of 'citizen'.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import warnings; warnings.filterwarnings("ignore")
from status_guard import Guard
g = Guard.default(audit="memory:")
def cats(name, label=None):
    return set((g.classify(name, label) if label is not None else g.classify(name)).categories)
bad = []

want = {"immigration_status", "citizenship_status"}
labels = ["Have you ever been deported?", "Has the student ever been deported?", "¿Ha sido deportado alguna vez?",
          "Были ли вы депортированы?", "¿Está usted en el país legalmente?", "Você está no país legalmente?",
          "Вы находитесь в стране легально?", "Êtes-vous en situation régulière ?",
          "Являетесь ли вы гражданином США?", "Ребёнок является гражданином США?"]
for l in labels:
    if not (cats("q3", l) & want):
        bad.append(l)
print(len(bad), "missed:", bad)
print("FLAW" if bad else "OK")

# F05: 'Passport' parking (the city's parking app) is a look-alike in English only; in es/pt/fr/ht/vi/ru it is visa_or_passport and the scanner blocks a city form.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import warnings; warnings.filterwarnings("ignore")
from status_guard import Guard
g = Guard.default(audit="memory:")
def cats(name, label=None):
    return set((g.classify(name, label) if label is not None else g.classify(name)).categories)
bad = []

labels = ["Zona de estacionamiento con pasaporte", "Estacionamento Passport", "Stationnement Passport (application)",
          "Zòn pakin Passport", "Khu đậu xe Passport", "Парковка через приложение Passport"]
assert not cats("q2", "Passport Parking"), "english control"
for l in labels:
    if cats("q2", l):
        bad.append(l)
import tempfile, pathlib
from status_guard.scan import scan_paths, Limits
d = tempfile.mkdtemp()
pathlib.Path(d, "parking.html").write_text('<form method="post"><label for="q2">Estacionamento Passport</label><input id="q2" name="q2"></form>')
rep = scan_paths(g, [d], scope="city", scope_map={}, purpose=None, limits=Limits())
if rep.findings:
    bad.append("scan city: %s" % [str(getattr(f, "effect", "")) for f in rep.findings])
print(len(bad), "flagged:", bad)
print("FLAW" if bad else "OK")

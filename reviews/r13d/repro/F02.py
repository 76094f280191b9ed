# F02: place-of-birth asked as a sentence is not classified (en, fr, ru, pt, zh, zh-Hant, ko); the scanner passes a school registration form.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import warnings; warnings.filterwarnings("ignore")
from status_guard import Guard
g = Guard.default(audit="memory:")
def cats(name, label=None):
    return set((g.classify(name, label) if label is not None else g.classify(name)).categories)
bad = []

labels = ["In what country were you born?", "In which city were you born?", "Where was the child born?",
          "Where was your mother born?", "Country where you were born", "Were you born outside the U.S.?",
          "Dans quel pays êtes-vous né ?", "В какой стране вы родились?", "Em que país você nasceu?",
          "Onde você nasceu?", "你在哪里出生？", "你在哪裡出生？", "어디에서 태어났습니까?"]
for l in labels:
    if not (cats("q7", l) & {"place_of_birth", "national_origin"}):
        bad.append(l)
import tempfile, pathlib
from status_guard.scan import scan_paths, Limits
d = tempfile.mkdtemp()
pathlib.Path(d, "register.html").write_text('<form method="post"><label for="b">In what country was the student born?</label><input id="b" name="b"></form>')
rep = scan_paths(g, [d], scope="schools", scope_map={}, purpose=None, limits=Limits())
if not rep.findings:
    bad.append("scan: schools form 'In what country was the student born?' -> no finding")
print(len(bad), "missed:", bad)
print("FLAW" if bad else "OK")

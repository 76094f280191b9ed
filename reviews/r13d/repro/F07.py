# F07: police-export abbreviations and run-together names missed; SQL in schools scope lets a federal requester read NATL_CD while NATIONALITY_CD is blocked.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap")
sys.path.insert(0, SNAP + "/src")
import warnings; warnings.filterwarnings("ignore")
from status_guard import Guard
g = Guard.default(audit="memory:")
def cats(name, label=None):
    return set((g.classify(name, label) if label is not None else g.classify(name)).categories)
bad = []

exp = {"SENT_EXP_DT": "release_date", "ARNG_DT": "hearing_information", "NATL_CD": "national_origin",
       "CITIZ_IND": "citizenship_status", "incustody": "incarceration_status", "dataprisao": "incarceration_status",
       "numerodeA": "alien_registration_number"}
for n, c in exp.items():
    if c not in cats(n):
        bad.append(n)
schema = {"students": {"id": "int", "NATL_CD": "text", "NATIONALITY_CD": "text"}}
d1 = g.check_sql('SELECT id, "NATIONALITY_CD" FROM students', dialect="postgres", scope="schools", requester="federal", schema=schema)
d2 = g.check_sql('SELECT id, "NATL_CD" FROM students', dialect="postgres", scope="schools", requester="federal", schema=schema)
print("sql NATIONALITY_CD:", d1.effect, " NATL_CD:", d2.effect)
if str(d1.effect) != str(d2.effect):
    bad.append("sql NATL_CD %s vs NATIONALITY_CD %s" % (d2.effect, d1.effect))
print(len(bad), "missed:", bad)
print("FLAW" if bad else "OK")

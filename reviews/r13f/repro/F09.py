import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# 'year of birth' field in Somali / Haitian Creole is blocked on a school form (read as citizenship / place of birth)
cases=["Sanadka dhalashada","sanadka_dhalashada","Sannadka dhalashada","Ane ou fèt"]
bad=0
for n in cases:
    d=g.check_submission({n:"2015"},scope="schools",requester="local")
    e=str(d.effect).split(".")[-1].lower(); print(n,e,sorted(d.categories))
    if e!="allow": bad+=1
print("control Año de nacimiento:",g.check_submission({"Año de nacimiento":"2015"},scope="schools",requester="local").effect)
finish(bad,len(cases))

import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# status stated in a declared narrative reaches a federal / federal_immigration requester (redacted for unknown/public)
cases=[("Incident reviewed. He is undocumented. Officer Doe filed.","undocumented"),
("Incident reviewed. No tiene papeles. Officer Doe filed.","papeles"),
("Incident reviewed. Li pa gen papye. Officer Doe filed.","papye"),
("Incident reviewed. 他是非法移民。 Officer Doe filed.","非法移民"),
("Incident reviewed. Subject is an illegal alien. Officer Doe filed.","illegal alien"),
("Incident reviewed. He overstayed his B-2 visa. Officer Doe filed.","overstayed"),
("Incident reviewed. Он нелегал. Officer Doe filed.","нелегал"),
("Incident reviewed. Il est sans papiers. Officer Doe filed.","sans papiers")]
bad=0
for t,sec in cases:
    for req in ("federal","federal_immigration"):
        out=fed(t,req)
        if sec in out: bad+=1; print("LEAK",req,repr(out))
    print("  unknown gets:",fed(t,"unknown"))
finish(bad,len(cases)*2)

import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# work address / address sentences in Arabic, Korean, Somali not found (returned to a federal requester)
W=lambda s:"Incident 24-118 reviewed. "+s+" Officer Doe filed the report."
cases=[("يعمل في 55 Broadway.","55 Broadway"),("그는 55 Broadway에서 일합니다.","55 Broadway"),("Wuxuu ka shaqeeyaa 55 Broadway.","55 Broadway"),("Lives at forty-five Windsor Street.","forty-five Windsor")]
bad=0
for s,sec in cases:
    out=fed(W(s))
    if sec in out: bad+=1; print("LEAK",repr(out[26:-30]))
finish(bad,len(cases))

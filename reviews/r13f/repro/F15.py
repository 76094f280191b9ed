import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# an employer / kind of workplace with no address is redacted as work_address, and the span runs past the period into the next sentence (the officer's name is removed)
W=lambda s:"Incident 24-118 reviewed. "+s+" Officer Doe filed the report."
cases=["He works for Harvard University.","Ele trabalha na Dunkin.","Li travay pou lopital la.","他在一家餐馆工作。","Он работает в строительной компании.","يعمل في مطعم.","The Cambridge District Court is located at 4040 Mystic Valley Pkwy in Medford.","Call the Housing Court clerk at 617-555-0100 for forms."]
bad=0
for s in cases:
    t=W(s); out=fed(t)
    if out!=t: bad+=1; print(repr(out[26:]))
finish(bad,len(cases))

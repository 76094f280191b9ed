import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# place of birth phrasings missed: 'natural de', 'oriundo de', 'originaire de', 'уроженец', 'مسقط رأسه', 'Born: X', 'Place of birth is X'
W=lambda s:"Incident 24-118 reviewed. "+s+" Officer Doe filed the report."
cases=[("Place of birth is Praia.","Praia"),("Born: Port-au-Prince.","Port-au-Prince"),("B. 1990 in Kabul.","Kabul"),
("Es natural de Tegucigalpa.","Tegucigalpa"),("Oriundo de Guatemala.","Guatemala"),("Natural de Praia, Cabo Verde.","Praia"),
("Nasedu na Mindelu.","Mindelu"),("مسقط رأسه بيروت.","بيروت"),("Уроженец Одессы.","Одессы"),("Originaire de Bamako.","Bamako")]
bad=0
for s,sec in cases:
    out=fed(W(s))
    if sec in out: bad+=1; print("LEAK",repr(out[26:-30]))
finish(bad,len(cases))

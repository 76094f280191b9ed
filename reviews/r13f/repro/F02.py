import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# key-value redaction lands on the NEXT line's first word; the value itself stays
cases=[("<BirthPlace>Jacmel</BirthPlace>\nEnd of paste.","Jacmel"),
("Pasted from JMS:\n<Booking><ReleaseDate>2027-01-14</ReleaseDate><BirthPlace>Jacmel</BirthPlace></Booking>\nEnd of paste.","Jacmel"),
("N° écrou: 24-01187 - Date de libération: 14/01/2027 - Lieu de naissance: Dakar\nEnd of paste.","Dakar")]
bad=0
for t,sec in cases:
    out=fed(t); print(repr(out))
    if sec in out: bad+=1
# over-reach shown (not counted): 'Place of birth: Dakar\nNothing further.' ->
print("over-reach:",repr(fed("Place of birth: Dakar\nNothing further.")))
finish(bad,len(cases))

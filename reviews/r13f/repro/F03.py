import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# pasted export layouts other than KEY: value are not read (XML, SQL INSERT, query string, fixed-width columns, JMS abbreviations)
cases=[("<ReleaseDate>2027-01-14</ReleaseDate><NextCourtDate>2026-12-09</NextCourtDate>",["2027-01-14","2026-12-09"]),
("INSERT INTO bookings (bkg_no, rls_dt, crt_dt) VALUES ('24-01187','2027-01-14','2026-12-09');",["2027-01-14","2026-12-09"]),
("bkg=24-01187&rls_dt=2027-01-14&crt_dt=2026-12-09&pob=Jacmel",["2027-01-14","2026-12-09","Jacmel"]),
("BOOKING   RELEASE DT  COURT DT    BIRTHPLACE\n24-01187  01/14/2027  12/09/2026  JACMEL HT",["JACMEL"]),
("BK 24-01187 PRJ_REL 011427 NXT_APP 120926",["011427","120926"])]
bad=0;tot=0
for t,secs in cases:
    out=fed("Pasted from JMS:\n"+t+"\nNothing further.")
    for s in secs:
        tot+=1
        if s in out: bad+=1; print("LEAK",s,"in",repr(out))
finish(bad,tot)

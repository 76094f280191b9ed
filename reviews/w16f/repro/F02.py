# F02: docs say case references are compared "trimmed" and NFKC; input with surrounding spaces or
# full-width letters is refused instead (booking numbers with spaces are accepted).
import os, sys; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); import sg
d=sg.setup(); bad=0; n=0
for c in [" INV-1 ","INV-1 "," CPD-2026-001","ＩＮＶ-2","CPD-2026-001\t"]:
    n+=1; r=sg.sg(d,"events","add","ice_cooperation","--case",c,"--disclosable","--occurred-at","2026-04-02 10:00 EDT","--allow-duplicate")
    print(repr(c),r.returncode,r.stderr.strip()[:100]); bad+= r.returncode!=0
r=sg.sg(d,"events","add","ice_hold","--person-id"," BK-1 ","--occurred-at","2026-04-02 10:00 EDT"); print("person ' BK-1 ' rc",r.returncode)
print(f"{bad}/{n} refused"); print("FLAW" if bad else "OK")

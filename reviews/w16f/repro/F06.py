# F06: the person-key check can be bypassed by back-dating: after a --new-person-key entry in H2, the new key
# records an H1 entry for a booking already in H1 under the old key, with no --new-person-key and no refusal;
# 060(b) for H1 counts one person as 2 individuals (report only warns).
import os, sys, json; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); import sg
d=sg.setup(); other=sg.setup()
assert sg.sg(d,"events","add","detained_on_ice_hold","--person-id","BK-1","--hold-basis","criminal_warrant","--occurred-at","2026-03-02 10:00 EST").returncode==0
e=sg.env_for(d,STATUS_GUARD_PERSON_KEY_FILE=other+"/keys/p.key")
r0=sg.sg(d,"events","add","detained_on_ice_hold","--person-id","BK-1","--hold-basis","criminal_warrant","--occurred-at","2026-03-03 10:00 EST","--new-person-key",env=e)
print("new key, same half-year (docs: refused):",r0.returncode)
r1=sg.sg(d,"events","add","detained_on_ice_hold","--person-id","BK-2","--hold-basis","criminal_warrant","--occurred-at","2026-07-03 10:00 EDT","--new-person-key",env=e)
r2=sg.sg(d,"events","add","detained_on_ice_hold","--person-id","BK-1","--hold-basis","criminal_warrant","--occurred-at","2026-06-03 10:00 EDT",env=e)
print("new key, back-dated into H1 without --new-person-key:",r2.returncode,r2.stdout.strip()[:100])
sg.sg(d,"report","semiannual","--from","2026-01-01","--to","2026-06-30","--out","r.json",env=e); j=json.load(open(d+"/r.json"))
print("H1 detained_individuals:",j["detained_individuals"],"(true: 1 booking, BK-1)")
print("FLAW" if (r2.returncode==0 and j["detained_individuals"]!=1) else "OK")

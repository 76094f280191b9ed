# F09: an honest log verified against the witness folder of ANOTHER log (a wrong setting) is the red alarm
# "SWAPPED … this log was swapped", exit 1 - while a wrong .pub / HMAC key is a yellow "wrong key" (exit 2).
import os, sys; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); import sg
a=sg.setup(); b=sg.setup()
for d in (a,b): assert sg.sg(d,"events","add","ice_hold","--person-id","BK-1","--occurred-at","2026-03-02 10:00 EST").returncode==0
r=sg.sg(a,"audit","verify","--witness","dir:"+b+"/witness"); t=r.stdout+r.stderr
print("rc",r.returncode,[l.strip()[:160] for l in t.splitlines() if "SWAPPED" in l or l.startswith("Result")])
print("FLAW" if r.returncode==1 else "OK")

# F03: a correction may set a field the event type does not have (--person-id on a federal
# reimbursement, --case on an ICE hold); the report's corrections table then lists it for the Clerk.
import os, sys, re, json; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); import sg
d=sg.setup(); acc=0
r=sg.sg(d,"events","add","federal_reimbursement","--case","C-6","--amount","10.00","--occurred-at","2026-03-04 10:00 EST"); s=re.search(r"seq (\d+)",r.stdout).group(1)
r=sg.sg(d,"events","correct",s,"--reason","wrong_person","--person-id","BK-1"); print("person on reimbursement rc",r.returncode); acc+=r.returncode==0
r=sg.sg(d,"events","add","ice_hold","--person-id","BK-9","--occurred-at","2026-03-04 10:00 EST"); s=re.search(r"seq (\d+)",r.stdout).group(1)
r=sg.sg(d,"events","correct",s,"--reason","wrong_details","--case","C-8"); print("case on ice_hold rc",r.returncode); acc+=r.returncode==0
sg.sg(d,"report","semiannual","--from","2026-01-01","--to","2026-06-30","--out","r.json")
print(json.dumps(json.load(open(d+"/r.json"))["corrections"])[:400])
print("FLAW" if acc else "OK")

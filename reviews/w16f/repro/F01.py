# F01: a cut log + an empty/new witness folder: verify says "not a sign of tampering: run witness pull";
# following that advice makes the cut log VALID and the report "verified" with a lower total.
import os, sys, json; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); import sg
d=sg.setup()
for i,amt in enumerate(["100.00","200.00","300.00"]):
    assert sg.sg(d,"events","add","federal_reimbursement","--case","CPD-%d"%i,"--amount",amt,"--occurred-at","2026-03-0%d 10:00 EST"%(i+1)).returncode==0
p=d+"/log/audit.jsonl"; ls=open(p,"rb").read().split(b"\n")[:-1]
open(p,"wb").write(b"\n".join(ls[:-3])+b"\n")          # insider cuts the last session (the $300 payment)
os.remove(d+"/witness/heads.jsonl")                      # witness share not mounted / folder re-made (docs: mkdir -p)
r1=sg.sg(d,"audit","verify"); msg=r1.stdout+r1.stderr
print("verify rc",r1.returncode, [l for l in msg.splitlines() if l.startswith("Result")])
sg.sg(d,"audit","witness","pull")                        # the advice printed
r2=sg.sg(d,"audit","verify")
sg.sg(d,"report","semiannual","--from","2026-01-01","--to","2026-06-30","--out","r.json"); j=json.load(open(d+"/r.json"))
print("after pull: verify rc",r2.returncode,"report state",j["verification"]["state"],"total",j["reimbursement_totals"])
print("FLAW" if ("not a sign of tampering" in msg and r2.returncode==0) else "OK")

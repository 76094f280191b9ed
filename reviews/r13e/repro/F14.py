# F14: a pasted jail-system row without ':'/'=' (space-, pipe- or comma-separated, or JSON) inside a narrative is not read; release/court dates reach a federal officer
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
PRE="Officers responded to Mass Ave at 14:10. Copied from JMS: "; POST=" Report by Sgt. Doe, unit 4."
T=["BKG_NO 24-01187 RLS_DT 01/14/2027 NEXT_CRT_DT 12/09/2026 EMP_ADDR 55 BROADWAY",
   "BKG_NO|RLS_DT|NEXT_CRT_DT|POB\n24-01187|01/14/2027|12/09/2026|HAITI",
   "BKG_NO,RLS_DT,NEXT_CRT_DT,POB\n24-01187,01/14/2027,12/09/2026,HAITI",
   '{"RLS_DT":"01/14/2027","NEXT_CRT_DT":"12/09/2026","POB":"HAITI"}',
   "Subj. DOB 3/4/90, POB Jacmel HT, CITZ HT."]
n=0
for t in T:
    out=fed_narrative(PRE+t+POST)
    leaked = out is not None and any(v in out for v in ["01/14/2027","12/09/2026","Jacmel","HAITI"])
    print("LEAK " if leaked else "ok   ",repr(t),"->",repr(out)[:160]); n+=leaked
print("control:",fed_narrative(PRE+"BKG_NO=24-01187; RLS_DT=01/14/2027; NEXT_CRT_DT=12/09/2026"+POST))
print(n,"of",len(T),"leak")
print("FLAW" if n else "OK")

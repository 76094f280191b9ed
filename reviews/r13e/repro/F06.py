# F06: place of birth, release, home address and detention basis sentences in ar/am/kea/es narratives are not found; they reach a federal requester
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
PRE="Officers responded to Mass Ave at 14:10. "; POST=" Report by Sgt. Doe, unit 4."
T=["ولدت الأم في حلب، سوريا.","እናቷ የተወለደችው አዲስ አበባ ነው።","Mai di mininu nasi na Praia, Kabu Verdi.","Sale libre el 14 de enero.",
   "Vive en 45 calle Windsor, apartamento 3.","Lo detuvieron por una orden de ICE.","Inmate was transferred to Plymouth after 30 days in our facility."]
n=0
for t in T:
    out=fed_narrative(PRE+t+POST); leaked = out is not None and t in out
    print("LEAK " if leaked else "ok   ",t,"| detector:",sorted({f.category for f in guard().detect_text(t)}))
    n+=leaked
print(n,"of",len(T),"reach the federal requester")
print("FLAW" if n else "OK")

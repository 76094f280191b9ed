# F05: hearing/release dates in Somali, Kabuverdianu and in number words (zh numerals, fr, ht) are not found; in a police narrative they reach a federal requester
import os,sys; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__))); from _common import *
PRE="Officers responded to Mass Ave at 14:10. "; POST=" Report by Sgt. Doe, unit 4."
T=["Maxkamadda waxaa loo ballansan yahay 9 Disembar.","Dhageysiga maxkamadda waa 9-ka Disembar.","Waxaa la sii deynayaa 9 Disembar.",
   "El ten audiénsia na tribunal dia 9 di dezembru.","Audiénsia na tribunal é dia nove di dezembru.",
   "出庭日期是十二月九日。","将于十二月九日释放。","Il a une audience au tribunal le neuf décembre.","Li gen odyans nan tribinal nèf desanm."]
n=0
for t in T:
    full=PRE+t+POST; out=fed_narrative(full); leaked = out is not None and t in out
    print("LEAK " if leaked else "ok   ",t,"| detector:",sorted({f.category for f in guard().detect_text(t)}))
    n+=leaked
print(n,"of",len(T),"reach the federal requester")
print("FLAW" if n else "OK")

import os, sys
SNAP=os.environ.get("SNAP","/work/review/snap-r13f"); sys.path.insert(0, SNAP+"/src")
from status_guard import Guard
g=Guard.default(audit="memory:")
def fed(t, req="federal"):
    return g.redact({"narrative":t},scope="police",requester=req,public_record_fields=["narrative"]).document["narrative"]
def finish(bad,total):
    print(f"{bad}/{total} cases flawed")
    print("FLAW" if bad else "OK")
# a date or A-number written with a typographic dash / other separator (en dash from word processors, U+2011, U+2212, middle dot, space) is not found
W=lambda s:"Report. "+s+" Officer Doe filed."
cases=[]
for sep in ["\u2013","\u2011","\u2010","\u2014","\u2212","\u00b7"," "]:
    d="01"+sep+"14"+sep+"2027"; cases.append(("He will be released on "+d+".",d)); cases.append(("Next court date "+d+".",d))
for sep in ["\u2013","\u2011","\u2010","\u2212","."]:
    a="A"+sep+"204"+sep+"113"+sep+"998"; cases.append(("Alien Registration No. "+a+".",a))
bad=0
for s,sec in cases:
    out=fed(W(s))
    if sec in out: bad+=1; print("LEAK",repr(out[8:-20]))
print("control:",fed(W("He will be released on 01-14-2027.")))
finish(bad,len(cases))

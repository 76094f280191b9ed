from asgiharness import *
import random
random.seed(11)
GW = Guard.default(audit="jsonl:/work/review/r15b/work/aw.jsonl"); GC = Guard.default(audit="jsonl:/work/review/r15b/work/ac.jsonl")
REC = {"booking_id":"B-1","charge":"theft","person":{"name":"Jean Baptiste","home_address":"48 Example Ave, Cambridge MA","citizenship_status":"not a U.S. citizen","release_date":"2026-11-29","place_of_birth":"Haiti"},"notes":"Released 2026-11-29 to 77 Elm St. He is undocumented."}
HTML_F = "<html><body><form action='/x/submit' method=post><label for=a>Are you a U.S. citizen?</label><input id=a name=q7><label for=b>Name</label><input id=b name=name></form></body></html>"
BODIES.update({"json": (json.dumps(REC).encode(), "application/json", 200, None), "htmlf": (HTML_F.encode(), "text/html", 200, None),
  "csv": (b"name,home_address,charge\nAna,77 Elm St,theft\n", "text/csv", 200, None)})
ROUTES = [RouteConfig("/police", "police"), RouteConfig("/schools", "schools"), RouteConfig("/city", "city"), RouteConfig("/polmon", "police", monitor=True)]
W = make_app(GW, verdict_cache=True, scope="police", routes=ROUTES, public_record_fields=["charge"])
C = make_app(GC, verdict_cache=False, scope="police", routes=ROUTES, public_record_fields=["charge"])
async def main():
    for _ in range(600):
        p = random.choice(["/police/a","/schools/a","/city/a","/polmon/a"]); b = random.choice(["json","htmlf","csv"])
        r = random.choice(["local","state","federal","federal_immigration","unknown","public",None]); pu = random.choice([None,"ell_services"])
        await call(W, p+"?b="+b, requester=r, purpose=pu); await call(C, p+"?b="+b, requester=r, purpose=pu)
asyncio.run(main())
import time; time.sleep(2)
def load(f):
    out=[]
    for l in open(f):
        r=json.loads(l)
        if r.get("kind")!="decision": continue
        for k in ("hash","prev_hash","time","seq","request_id","writer","log"): r.pop(k,None)
        out.append(json.dumps(r, sort_keys=True))
    return out
a, c = load("aw.jsonl"), load("ac.jsonl")
print("records warm", len(a), "cold", len(c))
from collections import Counter
ca, cc = Counter(a), Counter(c)
print("only warm:", list((ca-cc).items())[:3]); print("only cold:", list((cc-ca).items())[:3])
print("same sequence order:", a==c)

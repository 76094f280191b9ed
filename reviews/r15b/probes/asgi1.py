from asgiharness import *
import random, itertools
random.seed(7)
G = Guard.default()
REC = {"booking_id":"B-1","charge":"theft","person":{"name":"Jean Baptiste","home_address":"48 Example Ave, Cambridge MA","citizenship_status":"not a U.S. citizen","release_date":"2026-11-29","place_of_birth":"Haiti","a_number":"A123456789"},"notes":"Released 2026-11-29 to 77 Elm St. He is undocumented."}
CSV = "name,home_address,citizenship_status,charge,place_of_birth\nAna,77 Elm St,undocumented,theft,Haiti\n"
HTML_T = "<html><body><table><tr><th>name</th><th>home_address</th><th>citizenship_status</th><th>charge</th></tr><tr><td>Ana</td><td>77 Elm St</td><td>undocumented</td><td>theft</td></tr></table></body></html>"
HTML_F = "<html><body><form action='/x/submit' method=post><label for=a>Are you a U.S. citizen?</label><input id=a name=q7><label for=b>Name</label><input id=b name=name><label for=c>País de nacimiento</label><input id=c name=q8></form></body></html>"
XML = "<?xml version='1.0'?><rec><name>Ana</name><HomeAddress>77 Elm St</HomeAddress><CitizenshipStatus>undocumented</CitizenshipStatus><ChargeText>theft</ChargeText></rec>"
NDJ = json.dumps(REC)+"\n"+json.dumps(REC)+"\n"
BODIES.update({
 "json": (json.dumps(REC).encode(), "application/json", 200, None),
 "json404": (json.dumps(REC).encode(), "application/json", 404, None),
 "jsonlatin": (json.dumps(REC).encode(), "application/json; charset=utf-8", 200, None),
 "csv": (CSV.encode(), "text/csv", 200, None),
 "htmlt": (HTML_T.encode(), "text/html; charset=utf-8", 200, None),
 "htmlf": (HTML_F.encode(), "text/html; charset=utf-8", 200, None),
 "xml": (XML.encode(), "application/xml", 200, None),
 "ndjson": (NDJ.encode(), "application/x-ndjson", 200, None),
 "text": (REC["notes"].encode(), "text/plain", 200, None),
 "jsonp": (("cb("+json.dumps(REC)+");").encode(), "application/javascript", 200, None),
 "jsonhdr": (json.dumps(REC).encode(), "application/json", 200, {"x-home": "77 Elm St", "location": "/people/77-Elm-St"}),
 "json_cd": (json.dumps(REC).encode(), "application/json", 200, {"content-disposition": "attachment; filename=undocumented-ana.json"}),
 "json_redirect": (json.dumps(REC).encode(), "application/json", 302, {"location": "/x/Jean-Baptiste"}),
 "json_201": (json.dumps(REC).encode(), "application/json", 201, None),
})
ROUTES = [RouteConfig("/police", "police"), RouteConfig("/schools", "schools"), RouteConfig("/city", "city"),
          RouteConfig("/pol2", "police", public_record_fields=["**.home_address"]),
          RouteConfig("/polmon", "police", monitor=True), RouteConfig("/poltab", "police", restricted_html="tables"),
          RouteConfig("/ell", "schools", purpose="ell_services"),
          RouteConfig("/es", "city", language="es")]
REQS = ["local","state","federal","federal_immigration","unknown","public", None]
def mk(vc): return make_app(G, verdict_cache=vc, scope="police", routes=ROUTES, public_record_fields=["charge","booking_id","**.ChargeText"])
warm = mk(True); cold = mk(False)
async def main():
    n=0; diffs=[]
    prefixes = ["/police/a","/police/b","/schools/a","/city/a","/pol2/a","/polmon/a","/poltab/a","/ell/a","/es/a","/other/a","/police.json","/police/a/"]
    reqs = []
    for _ in range(2500):
        reqs.append((random.choice(prefixes), random.choice(list(BODIES)), random.choice(REQS),
                     random.choice([None,None,"ell_services","equity_statistics"]), random.choice([None,None,"FBI","ICE ERO"]),
                     random.choice([None,None,"s1","s2"]), random.choice(["GET","GET","HEAD","POST"]), random.choice([None,"es","fr","en"])))
    for (p,b,r,pu,ag,sub,meth,lang) in reqs:
        h = {"accept-language": lang} if lang else {}
        args = dict(requester=r, method=meth, headers=h, purpose=pu, agency=ag if r else None, subject=sub if r else None)
        a = await call(warm, p+"?b="+b, **args)
        c = await call(cold, p+"?b="+b, **args)
        n+=1
        from norm import norm
        if (a[0],a[1],norm(a[2]))!=(c[0],c[1],norm(c[2])):
            diffs.append((p,b,r,pu,ag,sub,meth,lang))
            print("DIFF", (p,b,r,pu,ag,sub,meth,lang), "\n warm", a[0], a[2][:200], "\n cold", c[0], c[2][:200], flush=True)
    print("probes", n, "diffs", len(diffs))
asyncio.run(main())

from asgiharness import *
from norm import norm
G = Guard.default()
REC = {"booking_id":"B-1","charge":"theft","person":{"name":"Jean Baptiste","home_address":"48 Example Ave, Cambridge MA","citizenship_status":"not a U.S. citizen","release_date":"2026-11-29"}}
HTML_F = "<html><body><form action='/x/submit' method=post><label for=a>Are you a U.S. citizen?</label><input id=a name=q7></form></body></html>"
sts = [200,201,202,203,206,207,226,299,300,301,302,303,304,307,400,401,403,404,409,410,422,500,503]
for s in sts:
    BODIES[f"j{s}"] = (json.dumps(REC).encode(), "application/json", s, {"content-range": "bytes 0-10/100"} if s==206 else None)
    BODIES[f"h{s}"] = (HTML_F.encode(), "text/html", s, None)
    BODIES[f"c{s}"] = (b"name,home_address,charge\nAna,77 Elm St,theft\n", "text/csv", s, None)
W = make_app(G, verdict_cache=True, scope="police", routes=[RouteConfig("/s","schools"), RouteConfig("/c","city")])
C = make_app(G, verdict_cache=False, scope="police", routes=[RouteConfig("/s","schools"), RouteConfig("/c","city")])
async def main():
    n=d=0
    import itertools
    for p in ["/p","/s","/c"]:
      for kind in "jhc":
        for r in ["federal","local","unknown","public"]:
          for m in ["GET","HEAD","POST"]:
            for s in [200]+sts:   # 200 first seeds the cache
                b = f"{kind}{s}"
                a = await call(W, p+"?b="+b, requester=r, method=m); c = await call(C, p+"?b="+b, requester=r, method=m); n+=1
                if (a[0],norm(a[2]))!=(c[0],norm(c[2])): d+=1; print("DIFF", p, b, r, m, a[0], a[2][:150], "| cold", c[0], c[2][:150])
    print("probes", n, "diffs", d)
asyncio.run(main())

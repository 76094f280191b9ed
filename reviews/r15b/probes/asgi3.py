from asgiharness import *
from norm import norm
G = Guard.default()
PAGE = "<html><body><h1>Thanks</h1><form action='/schools/next' method=post><label for=a>Comments</label><textarea id=a name=comments></textarea></form></body></html>"
BODIES["page"] = (PAGE.encode(), "text/html; charset=utf-8", 200, None)
BODIES["js"] = (json.dumps({"ok": True, "note": "Your comment was received"}).encode(), "application/json", 200, None)
def mk(vc): return make_app(G, verdict_cache=vc, scope="schools", routes=[RouteConfig("/schools","schools"), RouteConfig("/city","city")])
W, C = mk(True), mk(False)
n=d=0
async def main():
    global n,d
    seq = []
    for route in ["/schools/a","/city/a"]:
      for b in ["page","js"]:
        for r in ["local","public","federal",None]:
          seq.append(("GET", route, b, r, None))
          for txt in ["I am undocumented and my son too.", "Yo no tengo papeles.", "We love the library.", "Mwen pa gen papye.", "My green card expired last year."]:
            seq.append(("POST", route, b, r, json.dumps({"comments": txt}).encode()))
            seq.append(("POST", route, b, r, ("comments="+txt.replace(" ","+")).encode()))
    for rep in range(2):
      for (m,route,b,r,body) in seq:
        h = {"content-type": "application/json" if body and body[:1]==b"{" else "application/x-www-form-urlencoded", "accept":"text/html"}
        a = await call(W, route+"?b="+b, requester=r, method=m, headers=h, body=body)
        c = await call(C, route+"?b="+b, requester=r, method=m, headers=h, body=body)
        n+=1
        if (a[0],norm(a[2]))!=(c[0],norm(c[2])):
            d+=1; print("DIFF", m, route, b, r, body, "\n W", a[0], a[2][:300], "\n C", c[0], c[2][:300])
    print("probes", n, "diffs", d)
asyncio.run(main())

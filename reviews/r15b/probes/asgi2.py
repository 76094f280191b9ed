from asgiharness import *
G = Guard.default()
REC = {"booking_id":"B-1","charge":"theft","person":{"name":"Jean Baptiste","home_address":"48 Example Ave, Cambridge MA","citizenship_status":"not a U.S. citizen","release_date":"2026-11-29"}}
BODIES["json"] = (json.dumps(REC).encode(), "application/json", 200, None)
async def main():
    cases = [
      (dict(scope="city"), dict(scope="police")),
      (dict(scope="police", public_record_fields=["**.home_address","**.release_date","**.name"]), dict(scope="police")),
      (dict(scope="police", monitor=True), dict(scope="police")),
      (dict(scope="schools"), dict(scope="police")),
      (dict(scope="police", routes=[RouteConfig("/", "city")]), dict(scope="police")),
      (dict(scope="police", purpose="x"), dict(scope="police")),
    ]
    for a_kw, b_kw in cases:
        for r in ["federal","unknown","public","federal_immigration"]:
            A = make_app(G, **a_kw); B = make_app(G, **b_kw); Bc = make_app(G, verdict_cache=False, **b_kw)
            ra = await call(A, "/rec?b=json", requester=r)
            rb = await call(B, "/rec?b=json", requester=r)
            rc = await call(Bc, "/rec?b=json", requester=r)
            print("DIFF" if rb[2]!=rc[2] or rb[0]!=rc[0] else "ok", a_kw, r, rb[0], rb[2][:150], "| cold", rc[2][:150])
asyncio.run(main())

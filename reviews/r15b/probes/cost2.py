from asgiharness import *
import time, random
G = Guard.default()
app = make_app(G, scope="schools")
words = "the student enjoyed reading with friends during library time and art class today".split()
def note(i, n):
    random.seed(i); return " ".join(random.choice(words) for _ in range(n//6))
async def main():
    for nnotes, size in [(260, 8000)]:
        docs = [{"id": i, "notes": note(i, size)} for i in range(nnotes)]
        docs.append({"id": 9999, "notes": "Her mother is undocumented and lives at 77 Elm Street; A-number A123456789."})
        BODIES["x"] = (json.dumps(docs).encode(), "application/json", 200, None)
        t=time.perf_counter(); st,_,body = await call(app, "/r?b=x", requester="local"); dt=time.perf_counter()-t
        out = json.loads(body) if st==200 else body[:200]
        print(nnotes, size, "bytes", len(BODIES["x"][0]), st, f"{dt:.1f}s")
        if st==200: print("last:", out[-1], "| withheld notes:", sum(1 for o in out if o["notes"]!=docs[out.index(o)]["notes"]))
asyncio.run(main())

import os, sys, itertools
sys.path.insert(0, os.environ.get("SNAP","/work/review/snap-r15b")+"/src")
import regex
print("regex (?i)i vs ı", bool(regex.search("(?i)illegal","ıllegal")))
from status_guard import Guard
texts = ["Mother said they are undocumented. She lives at 77 Elm Street and was released on 2026-11-29.", "His A-number is A123456789; born in Haiti; ICE detainer.",
  "Está sin papeles y vive en 12 Calle Main.", "Court date December 5; in custody at Middlesex jail."]
kws = [dict(), dict(scope="police"), dict(scope="schools"), dict(scope="city"), dict(min_score=0.9), dict(min_score=0.1), dict(categories={"home_address"}), dict(categories={"release_date","home_address"}), dict(scope="schools", min_score=0.9)]
def fs(G, t, kw):
    try: return sorted((f.category, f.start, f.end, round(f.score,3)) for f in G.detect_text(t, **kw))
    except Exception as e: return ("EXC", type(e).__name__)
G = Guard.default(); n=d=0
fresh = {}
for t in texts:
    for kw in kws:
        G2 = Guard.default(text_detection="auto")
        fresh[(t,repr(kw))] = None
for t in texts:
    for k1, k2 in itertools.permutations(kws, 2):
        fs(G, t, k1); a = fs(G, t, k2)
        b = fs(Guard.default(), t+"", k2) if False else None
        n+=1
        key=(t,repr(k2))
        if fresh[key] is None:
            # fresh guard per distinct key (memo is per detector? use new text variant by appending unique invisible? no: compute once on fresh guard)
            fresh[key] = fs(Guard.default(), t, k2)
        if a != fresh[key]: d+=1; print("DIFF", t[:30], k1, k2, a, fresh[key])
print("probes", n, "diffs", d)

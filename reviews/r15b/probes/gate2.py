import os, sys
sys.path.insert(0, os.environ.get("SNAP","/work/review/snap-r15b")+"/src")
from status_guard import Guard
G = Guard.default()
texts = ["Mother said they are undocumented.", "ICE detainer lodged today.", "His A-number is A123456789.", "Released on 2026-11-29.",
         "He lives at 77 Elm Street, Cambridge.", "She is a lawful permanent resident.", "Está sin papeles.", "He was born in Haiti.", "He is in custody at the county jail.",
         "She overstayed her visa.", "Court date December 5, 2026."]
inv = ["\u200b","\u00ad","\u200d","\u2060","\ufeff","\u202e","\u200e","\u034f","\u180e"]
def fs(t): return sorted({f.category for f in G.detect_text(t)})
n=d=0
for t in texts:
    base = fs(t)
    for ch in inv:
        for pos in range(1, len(t)-1, 2):
            v = t[:pos]+ch+t[pos:]; n+=1
            got = fs(v)
            if set(got) < set(base): d+=1; print("MISS", repr(v), base, got)
    # fullwidth whole text
    fw = "".join(chr(ord(c)+0xFEE0) if "!"<=c<="~" else c for c in t); n+=1
    if set(fs(fw)) < set(base): d+=1; print("MISS fw", repr(fw), base, fs(fw))
print("probes", n, "misses", d)

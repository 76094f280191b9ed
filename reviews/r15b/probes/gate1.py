import os, sys
sys.path.insert(0, os.environ.get("SNAP","/work/review/snap-r15b")+"/src")
import regex
from status_guard import Guard
G = Guard.default()
texts = ["Mother said they are undocumented.", "He is an illegal alien.", "She has a green card.", "He has no papers.",
 "ICE detainer lodged today.", "His A-number is A123456789.", "Released on 2026-11-29.", "He lives at 77 Elm Street, Cambridge.",
 "She is a lawful permanent resident.", "Deportation hearing is on December 5.", "He was born in Haiti.", "Tiene estatus migratorio irregular.",
 "Está sin papeles.", "She overstayed her visa.", "His asylum case is pending.", "He is in custody at the county jail.", "Release date: 11/29/2026",
 "The student is a refugee.", "He has DACA status.", "Immigration status: undocumented"]
subs = {"s":"ſ","k":"\u212a","K":"\u212a","i":"ı","I":"İ","ss":"ß","A":"\u0391".lower() and "A"}
def fs(t): return sorted({f.category for f in G.detect_text(t)})
n=0; d=0
for t in texts:
    base = fs(t)
    for a,b in [("s","ſ"),("k","\u212a"),("K","\u212a"),("i","ı"),("I","İ"),("e","\u0435"),("a","\u0430"),("o","\u03bf"),(" ","\u00a0"),(" ","\u2009"),(" ","\u3000"),("-","\u2011"),("-","\u2013")]:
        if a not in t: continue
        v = t.replace(a,b); n+=1
        got = fs(v)
        if set(got) != set(base):
            d+=1; print("DIFF", repr(t), a, "->", repr(b), base, got)
    for v in [t.upper(), t.lower(), t.title()]:
        n+=1; got=fs(v)
        if set(got)!=set(base): d+=1; print("CASE", repr(v), base, got)
print("probes", n, "diffs", d)
print("regex (?i)s vs ſ:", bool(regex.search(r"(?i)status","ſtatus")), "(?i)k vs kelvin:", bool(regex.search(r"(?i)ken","\u212aen")))

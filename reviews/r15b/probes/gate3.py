import os, sys, unicodedata
sys.path.insert(0, os.environ.get("SNAP","/work/review/snap-r15b")+"/src")
from status_guard import Guard
G = Guard.default()
T = ["Está sin papeles.", "Su situación migratoria es irregular.", "Fue detenido por inmigración.", "Ele não tem documentos, é imigrante ilegal.", "A audiência de deportação é amanhã.", "Nació en México.", "Está en la cárcel del condado.", "Liberación el 29 de noviembre de 2026.", "Vive en la calle Elm número 77."]
def fs(t): return sorted({f.category for f in G.detect_text(t)})
n=d=0
for t in T:
    b=fs(t)
    for form in ["NFD","NFKD"]:
        v=unicodedata.normalize(form,t); n+=1
        if set(fs(v))!=set(b): d+=1; print("DIFF", form, t, b, fs(v))
    for v in [t.upper(), t.replace("á","a").replace("é","e").replace("ó","o").replace("í","i").replace("ã","a")]:
        n+=1
        if set(fs(v))!=set(b): d+=1; print("DIFF", repr(v), b, fs(v))
print("probes", n, "diffs", d)

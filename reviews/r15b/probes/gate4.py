import os, sys, unicodedata
sys.path.insert(0, os.environ.get("SNAP","/work/review/snap-r15b")+"/src")
from status_guard import Guard
G = Guard.default()
def fs(t): return sorted((f.category, f.start, f.end) for f in G.detect_text(t))
for t in ["A audiência de deportação é amanhã.", "A audiência é amanhã.", "A audiência é amanhã às 9h.", "audiência amanhã", "A audiencia de deportacao e amanha.", "Audiência marcada para 5 de dezembro.", "La audiencia es mañana.", "La audiencia de deportación es el 5 de diciembre."]:
    for form in ["NFC","NFD"]:
        v = unicodedata.normalize(form, t); print(form, repr(t), fs(v))

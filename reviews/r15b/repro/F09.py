"""F09: free-text detection depends on the Unicode normalisation form of the text: the same
sentence typed in NFD (decomposed accents, as macOS file names and some keyboards/clipboards
produce) loses findings that NFC finds: "A audiência é amanhã." / "La audiencia es mañana."
(hearing date) are found in NFC, nothing in NFD. The docs promise NFKC folding. Whether the
prefilter gate or the recognizer misses it cannot be told black-box. Prints FLAW if any differ."""
import os, sys, unicodedata
sys.path.insert(0, os.environ["SNAP"] + "/src")
from status_guard import Guard
G = Guard.default()
bad = 0
for t in ["A audiência é amanhã.", "La audiencia es mañana.", "A audiência de deportação é amanhã."]:
    a = sorted({f.category for f in G.detect_text(unicodedata.normalize("NFC", t))})
    b = sorted({f.category for f in G.detect_text(unicodedata.normalize("NFD", t))})
    print(repr(t), "NFC:", a, "NFD:", b); bad += a != b
print("FLAW" if bad else "OK")

"""F05: Spanish/Portuguese 'when were you naturalized' questions pass the scanner while the English one is
blocked (docs/scan.md: 'A field that asks for the person's own naturalization is one, in every language')."""
import os, sys, tempfile, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, verdict
d = tempfile.mkdtemp(prefix="w16d-scan-")
labels = {"en": "When did you become a citizen?", "es": "¿Cuándo se naturalizó?", "pt": "Quando se naturalizou?",
          "es2": "¿En qué fecha se naturalizó usted?"}
for k, lab in labels.items():
    open(f"{d}/{k}.html", "w").write(f'<form><label for="x">{lab}</label><input id="x" name="q_{k}"></form>\n')
rc, o, e = sg(["scan", d, "--scope", "city", "--format", "json"])
doc = json.loads(o)
hit = {f["file"].split("/")[-1].split(".")[0] for f in doc["findings"] if f.get("effect") == "block"}
print({k: (k in hit) for k in labels})
verdict("en" in hit and not {"es", "pt"} <= hit)

"""F15: a naturalization-ceremony RSVP stored in a model with Spanish/Portuguese field names is BLOCKED
(`asistira_ceremonia_naturalizacion`, `cerimonia_naturalizacao_presenca`) while the English
`naturalization_ceremony_date` passes -- issue 16 point 10 / docs/scan.md 'Look-alikes in other languages':
an RSVP for a naturalization ceremony is not a citizenship question."""
import os, sys, tempfile, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, verdict
d = tempfile.mkdtemp(prefix="w16d-scan-")
open(f"{d}/m.py", "w").write(
    "from django.db import models\nclass Rsvp(models.Model):\n"
    "    naturalization_ceremony_date = models.DateField()\n"
    "    asistira_ceremonia_naturalizacion = models.BooleanField()\n"
    "    cerimonia_naturalizacao_presenca = models.BooleanField()\n")
rc, o, e = sg(["scan", d, "--scope", "city", "--format", "json"])
blocked = {f.get("field") or f.get("name") for f in json.loads(o)["findings"] if f.get("effect") == "block"}
print("blocked:", sorted(x for x in blocked if x))
verdict("naturalization_ceremony_date" not in blocked and
        ({"asistira_ceremonia_naturalizacion", "cerimonia_naturalizacao_presenca"} & blocked))

"""F04: the scanner finds nothing in docs/scan.md's own Form I-9 example -- a status question
`<label>Citizenship or immigration status</label> <select name="status">` -- and calls its suppression
stale; without the suppression the question passes CI (docs/scan.md 'A question the law requires')."""
import os, sys, tempfile, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, verdict
d = tempfile.mkdtemp(prefix="w16d-scan-")
open(f"{d}/i9.html", "w").write(
    "<form>\n<label>Citizenship or immigration status</label> <select name=\"status\">"
    "<option>A citizen of the United States</option><option>A noncitizen national of the United States</option>"
    "</select>\n</form>\n")
rc, o, e = sg(["scan", d, "--scope", "city", "--format", "json"])
doc = json.loads(o)
found = [f for f in doc["findings"] if f.get("kind") == "form-field"]
print("scan rc", rc, "form-field findings:", len(found))
verdict(rc == 0 and not found)

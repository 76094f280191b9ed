"""F06: a baseline file that is not UTF-8 crashes `scan --baseline` with a Python traceback and exit 1
(docs/scan.md: 'a malformed baseline is an error naming --baseline'; exit 2 is a usage error)."""
import os, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, verdict
d = tempfile.mkdtemp(prefix="w16d-scan-")
os.makedirs(f"{d}/app")
open(f"{d}/app/a.html", "w").write('<form><label for="x">Immigration status</label><input id="x" name="s"></form>\n')
open(f"{d}/bl.json", "wb").write(b"\xff\xfe{\x00")
rc, o, e = sg(["scan", f"{d}/app", "--scope", "city", "--baseline", f"{d}/bl.json"])
print("rc", rc, "| last stderr line:", e.strip().splitlines()[-1][:150] if e.strip() else "")
verdict("Traceback" in e or rc != 2 or "--baseline" not in e)

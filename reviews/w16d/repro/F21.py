"""F21: in schools scope a suppression (no-status-inquiry -- 8 U.S.C. §1324a) cannot lift 040(k) and the finding stays
BLOCK -- correctly -- but the output says 'allowed: declared legal basis …' under the BLOCK line and the summary counts
it among 'allowed by a declared legal basis' (docs/scan.md: 'the finding stays in every output with the basis (text:
`allowed: declared legal basis …`)' -- i.e. 'allowed' is what a reviewer reads)."""
import os, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _h import sg, verdict
d = tempfile.mkdtemp(prefix="w16d-scan-")
open(f"{d}/school.html", "w").write(
    "<form>\n<!-- status-guard: allow no-status-inquiry -- 8 U.S.C. §1324a -->\n"
    "<label for=\"a\">Student's citizenship</label><input id=\"a\" name=\"cit\">\n</form>\n")
rc, o, e = sg(["scan", d, "--scope", "schools"])
out = o + e
print(out.strip().splitlines()[0][:120]); print(out.strip().splitlines()[-1][:160])
lines = out.splitlines()
blk = [i for i, l in enumerate(lines) if " BLOCK form-field" in l]
contradiction = any(i + 1 < len(lines) and "allowed: declared legal basis" in lines[i + 1] for i in blk)
verdict(rc == 1 and (contradiction or "1 allowed by a declared legal basis" in out))

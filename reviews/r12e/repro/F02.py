# F02 (high): a question written as label-style text in a <div> followed by help text before the
# input (no '?', no heading) is neither removed from the served page nor remembered: q7 is accepted.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    for q in ["Immigration status", "Alien Registration Number", "Visa type", "Estatus migratorio"]:
        harness.fresh()
        html = (f"<!doctype html><html><body><form action='/city/intake/submit' method=post>"
                f"<div class=q>{q}</div><div class=help>As shown on your documents.</div><input name=q7>"
                f"<label>Name <input name=name></label><button>Send</button></form></body></html>")
        r = harness.serve("/city/intake", html)
        st, rc, _ = harness.post("/city/intake/submit", data={"q7": "x1", "name": "Ana"})
        if q in r.text or rc is not None:
            bad.append(f"{q!r}: still on page={q in r.text}, answer accepted={rc is not None}")
    finish(bool(bad), "; ".join(bad) or "label-style questions removed and refused")
run(main)

# F17 (low): a form whose action is written with backslashes (browsers read '\' as '/' in http(s)
# URLs) posts to /city/intake/send, but the form map does not learn it: the removed question's
# answer is accepted.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    harness.fresh()
    r = harness.serve("/city/intake/form", "<form action='\\city\\intake\\send' method=post><label for=q7>Are you a U.S. citizen?</label><input id=q7 name=q7><label>Name <input name=name></label></form>")
    st, rc, _ = harness.post("/city/intake/send", data={"q7": "no", "name": "A"})
    finish(rc is not None, f"question removed={'U.S. citizen' not in r.text}; answer accepted={rc is not None} ({st})")
run(main)

# F06 (medium): one script-built form that asked status under a generic id (SurveyJS q7) makes
# every other form's q7 anywhere in the route refused for 24 h - here a library-hold SurveyJS form
# whose own q7 is "Which branch?" and whose script names its own post path.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    harness.fresh()
    harness.serve("/city/intake", "<script>new Survey.Model({elements:[{type:'text',name:'q7',title:'Are you a US citizen?'}]}).onComplete.add(s=>fetch('/city/intake/send',{method:'POST',body:JSON.stringify(s.data)}));</script>")
    harness.serve("/city/library/hold", "<script>new Survey.Model({elements:[{type:'text',name:'q7',title:'Which branch should hold your book?'}]}).onComplete.add(s=>fetch('/city/library/api/holds',{method:'POST',body:JSON.stringify(s.data)}));</script>")
    st, rc, r = harness.post("/city/library/api/holds", json={"q7": "Central Square"})
    finish(rc is None, f"library hold q7='Central Square' -> {st} {r.text[:160] if rc is None else 'accepted'}")
run(main)

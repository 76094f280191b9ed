# F01 (high): SurveyJS definitions whose titles are localized objects {"default": ...} are not read
# (served as JSON: the question reaches the person unchanged; in a script: the answer to the
# removed question is accepted later under its generic name).
import os, sys, json
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    for title in [{"default": "What is your immigration status?"}, {"default": "Question 7", "es": "¿Cuál es su estatus migratorio?"}]:
        harness.fresh()
        d = {"pages": [{"name": "page1", "elements": [{"type": "text", "name": "q7", "title": title}]}]}
        r = harness.serve("/city/intake/survey.json", json.dumps(d), "application/json")
        if "status" in r.text or "estatus" in r.text:
            bad.append(f"JSON definition served unchanged: {r.text[:120]}")
        st, rc, _ = harness.post("/city/intake/survey.json", json={"q7": "TPS holder"})
        if rc is not None:
            bad.append(f"answer q7 accepted after JSON definition ({st})")
        harness.fresh()
        harness.serve("/city/intake", "<script>new Survey.Model(" + json.dumps(d) + ").onComplete.add(s => fetch('/city/intake/submit', {method: 'POST', body: JSON.stringify(s.data)}));</script>")
        st, rc, _ = harness.post("/city/intake/submit", json={"q7": "TPS holder"})
        if rc is not None:
            bad.append(f"answer q7 accepted after script definition ({st})")
    finish(bool(bad), "; ".join(bad) or "localized titles read")
run(main)

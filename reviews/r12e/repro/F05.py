# F05 (medium): a choice whose options are visa classes (H-1B, F-1, J-1, B-2) under a neutral
# question is not read as a status question (page kept, answer accepted); a Google Forms item with
# an empty title whose options are statuses (DACA/TPS/Asylum/Refugee) is not read in a submission.
import os, sys, json
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    harness.fresh()
    html = "<form action='/city/intake/send' method=post><fieldset><legend>Which applies to you?</legend>" + "".join(
        f"<label><input type=radio name=q7 value=o{i}> {o}</label>" for i, o in enumerate(["H-1B", "F-1", "J-1", "B-2"])) + "</fieldset><input name=name></form>"
    r = harness.serve("/city/intake", html)
    st, rc, _ = harness.post("/city/intake/send", data={"q7": "o1", "name": "Ana"})
    if "F-1" in r.text or rc is not None: bad.append(f"visa-class radios: kept={'F-1' in r.text}, accepted={rc is not None}")
    for opts in [["H-1B", "F-1", "J-1", "B-2"]]:
        d = {"items": [{"title": "Select one", "questionItem": {"question": {"questionId": "1a2b", "choiceQuestion": {"type": "RADIO", "options": [{"value": o} for o in opts]}}}}]}
        st, rc, _ = harness.post("/city/gforms/hook", json={"form": d, "response": {"answers": {"1a2b": {"questionId": "1a2b", "textAnswers": {"answers": [{"value": "F-1"}]}}}}})
        if rc is not None: bad.append("Google Forms visa-class options accepted")
    d = {"items": [{"title": "", "questionItem": {"question": {"questionId": "1a2b", "choiceQuestion": {"type": "RADIO", "options": [{"value": o} for o in ["DACA", "TPS", "Asylum", "Refugee"]]}}}}]}
    st, rc, _ = harness.post("/city/gforms/hook", json={"form": d, "response": {"answers": {"1a2b": {"questionId": "1a2b", "textAnswers": {"answers": [{"value": "TPS"}]}}}}})
    if rc is not None: bad.append("untitled Google Forms status options accepted")
    harness.fresh()
    tf = {"title": "Intake", "fields": [{"id": "abc", "ref": "q7", "title": "Which describes you?", "type": "multiple_choice", "properties": {"choices": [{"label": "U.S. citizen"}, {"label": "Permanent resident"}, {"label": "Other"}]}}]}
    r = harness.serve("/city/intake/typeform.json", json.dumps(tf), "application/json")
    if "Permanent resident" in r.text: bad.append("Typeform JSON definition with status choices served unchanged")
    finish(bool(bad), "; ".join(bad) or "status options read")
run(main)

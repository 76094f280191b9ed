# F13 (low): schools scope - a parent's complaint that only names the subject (the landlord
# threatened to report them to immigration) is removed as though it disclosed a status (zh, bn).
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    harness.fresh()
    for t in ["房东威胁要向移民局举报我。", "বাড়িওয়ালা আমার অভিবাসন অবস্থা জানিয়ে দেওয়ার হুমকি দিয়েছে।"]:
        st, rc, _ = harness.post("/schools/enroll", json={"child": "B", "parent_note": t})
        if rc is None or "[removed" in rc["body"]: bad.append(f"topic removed: {rc['body'] if rc else st}")
    finish(bool(bad), "; ".join(bad) or "kept")
run(main)

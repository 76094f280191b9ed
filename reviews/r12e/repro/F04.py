# F04 (medium): other immigrant services stripped/refused: citizenship interview practice,
# free immigration legal help, a citizenship-test study group sign-up.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    for q in ["Would you like to attend a free citizenship interview practice session?", "Would you like information about free immigration legal help?",
              "Which language do you want for the citizenship interview practice session?"]:
        harness.fresh()
        r = harness.serve("/city/oia/signup", f"<form action='/city/oia/signup/send' method=post><label for=q7>{q}</label><input id=q7 name=q7><button>Send</button></form>")
        st, rc, _ = harness.post("/city/oia/signup/send", data={"q7": "yes"})
        if q not in r.text or rc is None: bad.append(f"{q[:45]!r}: kept={q in r.text}, accepted={rc is not None}")
    for b in [{"citizenship_interview_practice": "yes"}, {"citizenship_test_study_group": "Thursday"}]:
        st, rc, _ = harness.post("/city/oia/signup/send", json=b)
        if rc is None: bad.append(f"refused {b}")
    finish(bool(bad), "; ".join(bad) or "services work")
run(main)

# F10 (medium): run-together names not read although the separated names are refused.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    harness.fresh()
    for glued, sep in [("asylumstatus", "asylum_status"), ("refugeestatus", "refugee_status"), ("legal_statuscode", "legal_status_code")]:
        st1, rc1, _ = harness.post("/city/intake", data={sep: "x"})
        st2, rc2, _ = harness.post("/city/intake", data={glued: "x"})
        if rc1 is None and rc2 is not None: bad.append(f"{glued} accepted while {sep} refused")
    finish(bool(bad), "; ".join(bad) or "read")
run(main)

# F11 (medium): Massachusetts youth employment permits ("work permit" for 14-17-year-olds, issued
# through the schools; the city's summer youth jobs) are refused as immigration status.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    harness.fresh()
    for path, b in [("/city/youth-jobs/apply", {"youth_name": "Sam", "age": "15", "work_permit": "yes", "program": "Summer Youth Employment"}),
                    ("/city/youth-jobs/apply", {"has_work_permit": "yes", "school": "CRLS"}),
                    ("/schools/work-permits", {"student": "Sam", "age": "15", "work_permit_request": "yes", "employer": "Cambridge Public Library"})]:
        st, rc, _ = harness.post(path, json=b)
        if rc is None: bad.append(f"{path} refused {list(b)}")
    harness.fresh()
    q = "Do you have a work permit from your school?"
    r = harness.serve("/city/youth-jobs", f"<form action='/city/youth-jobs/send' method=post><h3>Youth employment</h3><label>{q}</label><input name=q1><label>Name <input name=name></label></form>")
    st, rc, _ = harness.post("/city/youth-jobs/send", data={"q1": "yes", "name": "Sam"})
    if q not in r.text or rc is None: bad.append(f"page question kept={q in r.text}, answer accepted={rc is not None}")
    finish(bool(bad), "; ".join(bad) or "youth work permits pass")
run(main)

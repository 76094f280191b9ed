# F12 (low): survey numbering - i94 beside i95, a GraphQL mutation and Salesforce Question__c runs
# are refused as I-94; and a lone i797 field (a form that really asks it) is not read at all.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    harness.fresh()
    for b in [{"data": {"i94": "2", "i95": "5"}}, {"query": "mutation { submit(i93: 3, i94: 4, i95: 5) { ok } }"},
              {"records": [{"Question__c": f"i{n}", "Answer__c": "3"} for n in (93, 94, 95)]}]:
        st, rc, _ = harness.post("/city/survey", json=b)
        if rc is None: bad.append(f"refused {str(b)[:60]}")
    st, rc, _ = harness.post("/city/survey", json={"i797": "EAC1234567890"})
    if rc is not None: bad.append("lone i797 accepted")
    finish(bool(bad), "; ".join(bad) or "numbering read")
run(main)

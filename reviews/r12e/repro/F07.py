# F07 (medium): a body that is JSON encoded twice (a top-level JSON string holding JSON - the
# common double JSON.stringify) is not read; nor base64 of a doubly-encoded string.
import os, sys, json, base64
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    harness.fresh()
    s2 = json.dumps(json.dumps({"citizenship": "no", "name": "Ana"}))
    st, rc, _ = harness.post("/city/intake", content=s2.encode(), headers={"content-type": "application/json"})
    if rc is not None: bad.append(f"double-encoded body accepted ({st})")
    st, rc, _ = harness.post("/city/intake", content=json.dumps(s2).encode(), headers={"content-type": "application/json"})
    if rc is not None: bad.append(f"triple-encoded body accepted ({st})")
    st, rc, _ = harness.post("/city/intake", json={"p": base64.b64encode(s2.encode()).decode()})
    if rc is not None: bad.append(f"base64 of double-encoded accepted ({st})")
    finish(bool(bad), "; ".join(bad) or "read")
run(main)

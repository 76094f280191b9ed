# F08 (medium): [name, value] pairs sent the way jQuery.param / qs serialise a list of pairs
# (pairs[0][]=citizenship&pairs[0][]=no) are not read.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    harness.fresh()
    for body in [b"pairs%5B0%5D%5B%5D=citizenship&pairs%5B0%5D%5B%5D=no", b"data[0][]=immigration_status&data[0][]=TPS&data[1][]=name&data[1][]=Ana"]:
        st, rc, _ = harness.post("/city/intake", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
        if rc is not None: bad.append(f"accepted {body.decode()[:50]} ({st})")
    finish(bool(bad), "; ".join(bad) or "read")
run(main)

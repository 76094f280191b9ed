# F15 (low): upload names in Haitian Creole / Arabic / Somali or "PR card" not classified.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    harness.fresh()
    for n in ["kat rezidan.jpg", "PR_card_scan.png", "بطاقة_الإقامة.jpg", "kaadhka_deganaanshaha.jpg"]:
        st, rc, _ = harness.post("/city/intake", files={"doc": (n, b"\xff\xd8\xff\xe0x", "image/jpeg")})
        if rc is not None: bad.append(f"accepted {n}")
    finish(bool(bad), "; ".join(bad) or "classified")
run(main)

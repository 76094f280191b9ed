# F03 (high): the City Clerk's passport-acceptance appointment (a city service the issue names)
# is refused: passport_type / number_of_passports fields, and a "Passport type" label is stripped.
import os, sys
SNAP = os.environ.get("SNAP", "/work/review/snap"); sys.path.insert(0, SNAP + "/src")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from _h import harness, finish, run
def main():
    bad = []
    harness.fresh()
    for b in [{"passport_type": "renewal"}, {"number_of_passports": "2"}, {"passport_book_or_card": "book"}, {"expedited_passport": "yes"}]:
        st, rc, _ = harness.post("/city/clerk/passport-appointment", json=dict(b, name="Ana", appointment="2026-12-10 10:00"))
        if rc is None: bad.append(f"refused {b} ({st})")
    for q in ["Passport type", "How many people in your family are applying for passports?"]:
        harness.fresh()
        r = harness.serve("/city/clerk/passport", f"<form action='/city/clerk/passport/book' method=post><label for=q3>{q}</label><input id=q3 name=q3><button>Book</button></form>")
        st, rc, _ = harness.post("/city/clerk/passport/book", data={"q3": "2"})
        if q not in r.text or rc is None: bad.append(f"{q!r}: kept on page={q in r.text}, answer accepted={rc is not None}")
    finish(bool(bad), "; ".join(bad) or "passport service works")
run(main)

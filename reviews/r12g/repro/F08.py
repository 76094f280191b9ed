import _h
from harness import post_form, accepted
bad = 0
for n in ["natlty", "gcard", "prc", "pr_card_no", "f1_status", "doc_status_imm", "dacamented"]:
    r = post_form("/c/f08", {n: "no"}); print(n, r.status_code); bad += accepted(r)
print("FLAW" if bad else "OK")

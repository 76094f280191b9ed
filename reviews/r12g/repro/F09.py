import _h
from harness import post_form, accepted
bad = 0
for a in ["Sin estatus", "绿卡持有者", "没有合法身份", "Muwaadin Mareykan ah", "Sem papel"]:
    r = post_form("/c/f09", {"q7": a}); print(repr(a), r.status_code); bad += accepted(r)
print("FLAW" if bad else "OK")

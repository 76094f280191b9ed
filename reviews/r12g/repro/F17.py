import _h, html
from harness import serve, post_form, post_json, accepted
bad = 0
for i, q in enumerate(["How long have you had permanent residency?", "When does your authorized stay expire?", "您是否有权在美国工作？", "هل يحق لك العمل في الولايات المتحدة؟"]):
    act = f"/c/f17_{i}/s"
    changed, r = serve(f"/c/f17_{i}", f'<form action="{act}" method="post"><label for="x">{html.escape(q)}</label><input id="x" name="q7"></form>')
    p = post_form(act, {"q7": "No"}); b = post_json("/c/f17h", {"question": q, "answer": "No"})
    print(repr(q), "page changed:", changed, "q7 ->", p.status_code, "pair ->", b.status_code)
    bad += (not changed) and accepted(p) and accepted(b)
print("FLAW" if bad else "OK")

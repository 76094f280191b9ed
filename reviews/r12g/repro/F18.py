import _h, html
from harness import serve, post_form, post_json, accepted
bad = 0
for i, q in enumerate(["¿Es usted residente de Cambridge?", "¿Es usted residente de Cambridge para el permiso de estacionamiento?"]):
    act = f"/c/f18_{i}/s"
    changed, r = serve(f"/c/f18_{i}", f'<form action="{act}" method="post"><label for="x">{html.escape(q)}</label><input id="x" name="q7"></form>')
    p = post_form(act, {"q7": "Sí"}); b = post_json("/c/f18h", {"question": q, "answer": "Sí"})
    print(repr(q), "page changed:", changed, "q7 ->", p.status_code, "pair ->", b.status_code)
    bad += changed or not accepted(p) or not accepted(b)
print("FLAW" if bad else "OK")

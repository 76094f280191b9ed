import _h
from harness import serve, post_form, post_json, accepted
bad = 0
for i, q in enumerate(["When did you immigrate to the United States?", "Èske ou legal Ozetazini?", "Bu tem papel?", "Ma haysataa sharci?", "ما نوع تأشيرتك؟"]):
    page = f'<form action="/c/f01_{i}/s" method="post"><label for="x">{q}</label><input id="x" name="q7"></form>'
    changed, r = serve(f"/c/f01_{i}", page)
    p = post_form(f"/c/f01_{i}/s", {"q7": "No"})
    b = post_json("/c/f01hook", {"question": q, "answer": "No"})
    print(repr(q), "page changed:", changed, "q7=No ->", p.status_code, "| pair ->", b.status_code)
    bad += (not changed) and accepted(p) and accepted(b)
print("FLAW" if bad else "OK")

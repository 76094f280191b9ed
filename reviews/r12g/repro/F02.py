import _h
from harness import serve, post_form, post_json, accepted
bad = 0
for i, q in enumerate(["أين ولد طفلك؟", "Peyi kote elèv la fèt", "Téra di nasimentu di alunu", "ልጅዎ የተወለደው የት ነው?"]):
    page = f'<form action="/schools/f02_{i}/s" method="post"><label for="x">{q}</label><input id="x" name="q7"></form>'
    changed, r = serve(f"/schools/f02_{i}", page)
    kept = q in r.text
    p = post_form(f"/schools/f02_{i}/s", {"q7": "Mexico"})
    print(repr(q), "question kept on page:", kept, "q7=Mexico ->", p.status_code)
    bad += kept and accepted(p)
print("FLAW" if bad else "OK")

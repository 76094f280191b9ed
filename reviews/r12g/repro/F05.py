import _h
from harness import serve, post_form, accepted
bad = 0
for i, q in enumerate(["Avez-vous besoin d'une aide juridique gratuite en immigration ?", "您需要免費的移民法律協助嗎？",
                       "Ogolaanshaha shaqada dhalinyarada: da'da ardayga", "Which immigration legal service do you need?"]):
    page = f'<form action="/c/f05_{i}/s" method="post"><label for="x">{q}</label><input id="x" name="q7"></form>'
    changed, r = serve(f"/c/f05_{i}", page)
    p = post_form(f"/c/f05_{i}/s", {"q7": "2026-12-10"})
    print(repr(q), "page changed:", changed, "answer ->", p.status_code)
    bad += changed or not accepted(p)
print("FLAW" if bad else "OK")

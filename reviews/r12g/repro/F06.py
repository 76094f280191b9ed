import _h
from harness import serve
bad = 0
for i, q in enumerate(["Youth work permit: student's age", "Permiso de trabajo juvenil: edad del estudiante",
                       "How many guests will attend the naturalization ceremony?", "Rendez-vous pour passeport : date souhaitée"]):
    page = f'<form action="/schools/f06_{i}/s" method="post"><label for="x">{q}</label><input id="x" name="q7"></form>'
    changed, r = serve(f"/schools/f06_{i}", page)
    import html
    kept = q in html.unescape(r.text)
    print(repr(q), "question kept on schools page:", kept)
    bad += not kept
print("FLAW" if bad else "OK")

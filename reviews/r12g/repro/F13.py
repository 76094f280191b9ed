import _h, html
from harness import serve, post_form, accepted
SEL = {"fr": ("De quel type d'aide juridique en immigration avez-vous besoin ?", ["Demande de citoyenneté (N-400)", "Renouvellement de carte verte", "Renouvellement DACA"]),
       "ht": ("Ki kalite èd legal imigrasyon ou bezwen?", ["Aplikasyon sitwayènte (N-400)", "Renouvèlman kat vèt", "Renouvèlman DACA"]),
       "ru": ("Какая иммиграционная юридическая помощь вам нужна?", ["Заявление на гражданство (N-400)", "Продление грин-карты", "Продление DACA"])}
bad = 0
for i, (lang, (q, opts)) in enumerate(SEL.items()):
    act = f"/c/f13_{i}/s"; o = "".join(f"<option>{html.escape(x)}</option>" for x in opts)
    changed, r = serve(f"/c/f13_{i}", f'<form action="{act}" method="post"><label for="s">{html.escape(q)}</label><select id="s" name="help_type">{o}</select></form>')
    p = post_form(act, {"help_type": opts[1]})
    print(lang, "page changed:", changed, repr(opts[1]), "->", p.status_code)
    bad += changed or not accepted(p)
print("FLAW" if bad else "OK")

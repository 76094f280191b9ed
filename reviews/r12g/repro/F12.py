import _h
from harness import serve, post_form, accepted
q = "Are you a U.S. citizen?"
pages = {
 "alpine": '<form action="{A}" method="post" x-data=\'{&quot;q&quot;: &quot;Are you a U.S. citizen?&quot;}\'><label x-text="q"></label><input name="q7"></form>',
 "data_attr": '<form action="{A}" method="post"><div class="question" data-question="Are you a U.S. citizen?"></div><input name="q7"></form><script>document.querySelectorAll(".question").forEach(d=>d.textContent=d.dataset.question)</script>',
 "contenteditable": '<form action="{A}" method="post"><p>Are you a U.S. citizen?</p><div contenteditable="true" data-name="q7"></div><input type="hidden" name="q7"></form>',
 "js_concat": '<form action="{A}" method="post"><label id="l"></label><input name="q7" aria-labelledby="l"></form><script>var a="What is your immig", b="ration status?";document.getElementById("l").textContent=a+b;</script>',
}
bad = 0
for i, (n, p) in enumerate(pages.items()):
    act = f"/c/f12_{i}/s"
    changed, r = serve(f"/c/f12_{i}", p.replace("{A}", act))
    a = post_form(act, {"q7": "No"})
    print(n, "page changed:", changed, "q7=No ->", a.status_code)
    bad += (not changed) and accepted(a)
print("FLAW" if bad else "OK")

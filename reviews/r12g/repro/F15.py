import _h, html
from harness import serve, post_files, accepted
bad = 0
for i, q in enumerate(["Suba una copia de su tarjeta de residencia", "Anexe seu visto", "قم بتحميل نسخة من بطاقتك الخضراء"]):
    act = f"/c/f15_{i}/s"
    changed, r = serve(f"/c/f15_{i}", f'<form action="{act}" method="post" enctype="multipart/form-data"><label for="f">{html.escape(q)}</label><input type="file" id="f" name="file1"></form>')
    p = post_files(act, {"file1": ("scan_001.jpg", b"x", "image/jpeg")})
    print(repr(q), "page changed:", changed, "upload ->", p.status_code)
    bad += (not changed) and accepted(p)
print("FLAW" if bad else "OK")

from asgiharness import *
import time
G = Guard.default()
app = make_app(G, scope="city")
def survey(n, uniq=""):
    return json.dumps({"pages":[{"elements":[{"type":"text","name":f"q{i}","title":f"Question {i}{uniq} about your household members and their jobs?"} for i in range(n)]}]}).encode()
def html(n, uniq=""):
    return ("<html><body><form action=/x method=post>" + "".join(f"<label for=c{i}>Question {i}{uniq} about your household</label><input id=c{i} name=q{i}>" for i in range(n)) + "</form></body></html>").encode()
def nested(n, uniq=""):
    inner = "".join(f"<label>Q{i}{uniq} household<input name=q{i}></label>" for i in range(n))
    import html as H
    return ("<html><body>" + "".join(f"<iframe srcdoc=\"{H.escape('<form action=/x>'+inner+'</form>')}\"></iframe>" for _ in range(4)) + "</body></html>").encode()
def tmpl(n, uniq=""):
    inner = "".join(f"<label>Q{i}{uniq} household<input name=q{i}></label>" for i in range(n))
    return ("<html><body><form action=/x>" + "".join(f"<template>{inner}</template><noscript>{inner}</noscript>" for _ in range(3)) + "</form></body></html>").encode()
def deep(d, uniq=""):
    return ("<html><body><form action=/x>" + "<div>"*d + f"<label>Q{uniq}<input name=q></label>" + "</div>"*d + "</form></body></html>").encode()
def script(n, uniq=""):
    js = "var def = {pages:[{elements:[" + ",".join(f"{{type:'text',name:'q{i}',title:'Question {i}{uniq} household?'}}" for i in range(n)) + "]}]};"
    return f"<html><body><script>{js}</script></body></html>".encode()
async def main():
    cases = [("survey json", survey, "application/json", [500, 999, 1001, 3000, 6000]),
             ("html", html, "text/html", [999, 1001]),
             ("srcdoc x4", nested, "text/html", [240, 260, 400, 999]),
             ("template+noscript x3", tmpl, "text/html", [160, 170, 400]),
             ("deep", deep, "text/html", [500, 511, 513, 2000]),
             ("script literal", script, "text/html", [999, 1001, 3000])]
    k=0
    for name, f, ct, ns in cases:
        for nn in ns:
            k+=1
            BODIES["x"] = (f(nn, str(k)), ct, 200, None)
            t=time.perf_counter(); st, _, body = await call(app, "/p?b=x", requester="local"); dt=time.perf_counter()-t
            print(f"{name:22} n={nn:5} bytes={len(BODIES['x'][0]):8} status={st} {dt:6.2f}s", body[:120] if st!=200 else "")
asyncio.run(main())

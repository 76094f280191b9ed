"""Overhead of StatusGuardMiddleware against the bare app, measured in the same run (ratios),
and selectolax vs lxml on a 50 KB form page (parse, find controls and labels, remove, serialise).

    .venv/bin/python benchmarks/bench_asgi.py [--n 2000]

Requests are driven straight through the ASGI callables (no network), so the ratios show the
guard's own cost, not the server's. Speed targets are ratios, never absolute times.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware

BOOKING = {"person": {"name": "A", "home_address": "12 Example St", "citizenship_status": "citizen",
                      "release_date": "2026-12-01", "hearing": {"date": "2026-12-05", "court": "x"}},
           "charge": "x", "items": [{"k": i, "note": "n"} for i in range(40)]}  # ~2 KB


def page_50k() -> str:
    rows = "".join(f"<tr><td>Item {i}</td><td>{'lorem ipsum ' * 6}</td></tr>" for i in range(200))
    controls = "".join(f'<label for="f{i}">Question {i}</label><input id="f{i}" name="field_{i}">' for i in range(40))
    body = (f"<!DOCTYPE html><html lang='en'><head><title>x</title></head><body><table>{rows}</table>"
            f"<form>{controls}<label for='c'>Citizenship</label><input id='c' name='citizenship'></form></body></html>")
    pad = 50_000 - len(body)
    return body.replace("</body>", "<p>" + "text " * (max(pad, 0) // 5) + "</p></body>")


PAGE = page_50k()


async def json_ep(request: Request) -> Response:
    return JSONResponse(BOOKING)


async def form_ep(request: Request) -> Response:
    return HTMLResponse(PAGE)


async def post_ep(request: Request) -> Response:
    await request.body()
    return Response(b"ok", media_type="text/plain")


def bare_app() -> Starlette:
    return Starlette(routes=[Route("/police/b", json_ep), Route("/page", form_ep), Route("/submit", post_ep, methods=["POST"])])


def guarded(guard: Guard, who: str) -> Any:
    return StatusGuardMiddleware(bare_app(), guard=guard, identify=lambda s: who, scope="city",
                                 routes=[RouteConfig("/police", "police", public_record_fields=("charge",)),
                                         RouteConfig("/submit", "city")])


async def one(app: Any, method: str, path: str, body: bytes = b"", ctype: bytes = b"") -> None:
    msgs = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return msgs.pop() if msgs else {"type": "http.disconnect"}

    async def send(m: dict[str, Any]) -> None:
        pass

    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode())] if body else []
    await app({"type": "http", "method": method, "path": path, "query_string": b"", "headers": headers,
               "client": ("127.0.0.1", 1), "server": ("x", 80), "scheme": "http", "root_path": "",
               "http_version": "1.1", "asgi": {"version": "3.0"}}, receive, send)


async def timeit(app: Any, n: int, *args: Any) -> float:
    for _ in range(50):
        await one(app, *args)
    samples = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n // 5):
            await one(app, *args)
        samples.append((time.perf_counter() - t0) / (n // 5))
    return statistics.median(samples)


def bench_parsers(n: int) -> dict[str, float]:
    from selectolax.lexbor import LexborHTMLParser
    import lxml.html

    data = PAGE.encode()

    def sel() -> None:
        t = LexborHTMLParser(PAGE)
        labels = {lab.attributes.get("for"): lab for lab in t.css("label[for]")}
        for node in t.css("input, select, textarea"):
            if node.attributes.get("name") == "citizenship":
                lab = labels.get(node.attributes.get("id"))
                if lab is not None:
                    lab.decompose()
                node.decompose()
        t.html

    def lx() -> None:
        doc = lxml.html.document_fromstring(data)
        labels = {lab.get("for"): lab for lab in doc.iter("label") if lab.get("for")}
        for node in list(doc.iter("input", "select", "textarea")):
            if node.get("name") == "citizenship":
                lab = labels.get(node.get("id"))
                if lab is not None:
                    lab.drop_tree()
                node.drop_tree()
        lxml.html.tostring(doc)

    out = {}
    for name, fn in (("selectolax", sel), ("lxml", lx)):
        for _ in range(20):
            fn()
        ts = []
        for _ in range(max(n // 10, 50)):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        out[name] = statistics.median(ts)
    return out


async def main(n: int) -> dict[str, Any]:
    guard = Guard.default(audit="memory:")
    bare = bare_app()
    results: dict[str, Any] = {}
    cases = {
        "json_local (pass-through)": ("local", ("GET", "/police/b")),
        "json_federal (redacted)": ("federal", ("GET", "/police/b")),
        "html_form_page_50KB (forms rewritten)": ("local", ("GET", "/page")),
        "post_urlencoded_clean": ("local", ("POST", "/submit", b"name=Ana&zip=02139&phone=1", b"application/x-www-form-urlencoded")),
        "post_json_clean": ("local", ("POST", "/submit", json.dumps({"a": {"b": [1, 2, {"c": "d"}]}, "name": "x"}).encode(), b"application/json")),
    }
    for label, (who, args) in cases.items():
        base = await timeit(bare, n, *args)
        with_guard = await timeit(guarded(guard, who), n, *args)
        results[label] = {"bare_us": round(base * 1e6, 1), "guarded_us": round(with_guard * 1e6, 1),
                          "ratio": round(with_guard / base, 2)}
    parsers = bench_parsers(n)
    results["html_50KB_parse_find_remove_serialise"] = {
        "selectolax_ms": round(parsers["selectolax"] * 1e3, 3), "lxml_ms": round(parsers["lxml"] * 1e3, 3),
        "lxml_over_selectolax": round(parsers["lxml"] / parsers["selectolax"], 2)}
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    res = asyncio.run(main(ap.parse_args().n))
    for k, v in res.items():
        print(f"{k:45s} {v}")

"""Cost of reading what a submission asks (issue 12), as ratios to a baseline measured in the same
run, alternating baseline and subject.

    .venv/bin/python benchmarks/bench_collection.py [--n 400]

* a 20-field flat form: the collection passes (``guard.check_submission``) vs classifying the same
  fields by name/label/value and deciding (what the guard did before, without reading shapes);
* a Typeform webhook (definitions + answers) and a GraphQL mutation through ``check_submission``;
* a 50 KB page with 40 controls: ``rewrite_forms`` (accessibility-tree question finder, decide,
  remove, serialise) vs parse + serialise alone (selectolax).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any, Callable

from selectolax.lexbor import LexborHTMLParser

from status_guard import Guard
from status_guard.asgi import forms
from status_guard.model import Effect

FORM = {f"field_{i}": f"value {i}" for i in range(18)} | {"first_name": "Ana", "email": "a@example.org"}
TYPEFORM = {"form_response": {"definition": {"fields": [{"id": f"id{i}", "title": f"Question {i}?", "type": "short_text"}
                                                        for i in range(10)]},
                              "answers": [{"type": "text", "text": f"answer {i}", "field": {"id": f"id{i}", "type": "short_text"}}
                                          for i in range(10)]}}
GRAPHQL = {"query": "mutation ($in: I!) { createResident(input: $in) { id } }",
           "variables": {"in": {f"f{i}": f"v{i}" for i in range(10)}}}


def page_50k() -> bytes:
    rows = "".join(f"<tr><td>Item {i}</td><td>{'lorem ipsum ' * 6}</td></tr>" for i in range(200))
    controls = "".join(f'<p>Question {i}: please tell us</p><label for="f{i}">Field {i}</label><input id="f{i}" name="q{i}">'
                       for i in range(40))
    body = (f"<!DOCTYPE html><html lang='en'><head><title>x</title></head><body><table>{rows}</table>"
            f"<form action='/s'>{controls}<p>Are you a US citizen?</p><input name='q99'></form></body></html>")
    pad = 50_000 - len(body)
    return body.replace("</body>", "<p>" + "text " * (max(pad, 0) // 5) + "</p></body>").encode()


def timeit(fn: Callable[[], Any], n: int) -> float:
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) / n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    n = ap.parse_args().n
    g = Guard.default(audit="memory:", text_detection="off")
    page = page_50k()

    def names_only() -> None:
        g.decide("collect", g.items_from_fields(FORM), scope="city", requester="public")

    def collection() -> None:
        g.check_submission(FORM, scope="city", requester="public")

    def typeform() -> None:
        g.check_submission(TYPEFORM, scope="city", requester="public")

    def graphql() -> None:
        g.check_submission(GRAPHQL, scope="city", requester="public")

    def item(path: str, label: str | None, value: Any) -> Any:
        from status_guard.collection import build_items
        from status_guard.collection.view import Leaf

        return build_items(g, [Leaf(value, (path,), path, path, label=label)], text=False)[0].item

    def decide(items: Any) -> Any:
        return g.decide("collect", items, scope="city", requester="public", block_as_strip=True)

    def rewrite() -> None:
        rw = forms.rewrite_forms(page, item=item, decide=decide, page_path="/form")
        assert rw.html is not None and rw.decision is not None and rw.decision.effect is Effect.STRIP

    def parse_serialise() -> None:
        LexborHTMLParser(page.decode()).html

    for fn in (names_only, collection, typeform, graphql, rewrite, parse_serialise):
        fn()  # warm caches
    pairs = {"20-field form: collection passes / names only": (collection, names_only),
             "Typeform webhook (10 answers) / names-only 20-field form": (typeform, names_only),
             "GraphQL mutation (10 input fields) / names-only 20-field form": (graphql, names_only),
             "50 KB page, 41 controls: rewrite_forms / parse+serialise": (rewrite, parse_serialise)}
    for label, (subject, base) in pairs.items():
        ratios, subj = [], []
        for _ in range(5):
            b = timeit(base, n // 5)
            s = timeit(subject, n // 5)
            ratios.append(s / b)
            subj.append(s)
        print(f"{label}: {statistics.median(ratios):.2f}x  (subject {statistics.median(subj) * 1e3:.3f} ms)")


if __name__ == "__main__":
    main()

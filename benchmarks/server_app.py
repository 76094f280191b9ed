"""The app served by ``benchmarks/bench_server.py`` under a real uvicorn (1 worker, uvloop +
httptools). ``SG_BENCH=bare`` serves the app alone; ``SG_BENCH=guarded`` wraps it in
:class:`StatusGuardMiddleware` with the Cambridge 2.129 pack and a JSONL audit log at
``SG_AUDIT`` (default fsync: group commit, durable before the response).

Who asks is told by the ``x-bench-who`` header through ``identify`` — a stand-in for the app's own
authentication (a benchmark, not a deployment: never believe a client header in production).

Traffic (same bodies for bare and guarded):

* ``GET /police/b``  — a ~2 KB JSON booking record (local officer: passes; federal: redacted);
* ``POST /submit``   — a 20-field urlencoded form, nothing forbidden (``FORM``: the same values every
  time; ``FORM_UNIQUE``: every long value unique per request);
* ``GET /page``      — a 50 KB page with a clean form (the same bytes every time: "seen before");
* ``GET /page_bad``  — the same page with one forbidden question (citizenship);
* ``GET /fresh``     — a 50 KB clean page never seen before (a counter makes every body unique).
"""

from __future__ import annotations

import itertools
import os
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

BOOKING = {"person": {"name": "Ana Pereira", "home_address": "12 Example St", "citizenship_status": "citizen",
                      "release_date": "2026-12-01", "hearing": {"date": "2026-12-05", "court": "Cambridge District"}},
           "charge": "Trespass", "items": [{"k": i, "note": "property receipt entry"} for i in range(40)]}


def page_50k(forbidden: bool, nonce: str = "") -> str:
    rows = "".join(f"<tr><td>Item {i}</td><td>{'lorem ipsum ' * 6}</td></tr>" for i in range(200))
    questions = ["First name", "Last name", "Street address", "City", "ZIP code", "Phone number",
                 "Email address", "Date of birth", "Parent or guardian name", "Emergency contact",
                 "Preferred language", "School attended last year", "Grade entering", "Allergies",
                 "Bus route needed", "Sibling in the district", "Pediatrician", "After-school program",
                 "Photo release", "Comments"]
    controls = "".join(f'<label for="f{i}">{q}</label><input id="f{i}" name="field_{i}">'
                       for i, q in enumerate(questions))
    bad = "<label for='c'>Citizenship status</label><input id='c' name='citizenship'>" if forbidden else ""
    body = (f"<!DOCTYPE html><html lang='en'><head><title>Enrollment {nonce}</title></head><body><table>{rows}</table>"
            f"<form action='/submit' method='post'><fieldset><legend>Student</legend>{controls}{bad}</fieldset>"
            f"<button>Send</button></form></body></html>")
    pad = 50_000 - len(body)
    return body.replace("</body>", "<p>" + "text " * (max(pad, 0) // 5) + "</p></body>")


PAGE = page_50k(False)
PAGE_BAD = page_50k(True)
FORM = "&".join(f"field_{i}={v}" for i, v in enumerate(
    ["Ana", "Pereira", "12 Example Street Apartment 4", "Cambridge", "02139", "617-555-0100",
     "ana@example.org", "2015-04-02", "Maria Pereira", "Joao Pereira 617-555-0101", "Portuguese",
     "Cambridgeport Elementary School", "5", "peanuts and tree nuts, carries an epipen", "yes",
     "no", "Dr. Lee at Cambridge Health Alliance", "the Tuesday and Thursday art club",
     "yes", "She likes to read and wants to join the school library club"]))
#: the same form with every value of 24+ characters made unique per request (``NONCE`` is replaced
#: by a counter in the wrk script): free-text detection cannot be remembered, the worst case
FORM_UNIQUE = "&".join(
    p + ("+ref+NONCE" if len(p.split("=", 1)[1]) >= 24 else "") for p in FORM.split("&"))
_counter = itertools.count()


async def json_ep(request: Request) -> Response:
    return JSONResponse(BOOKING)


async def page_ep(request: Request) -> Response:
    return HTMLResponse(PAGE)


async def page_bad_ep(request: Request) -> Response:
    return HTMLResponse(PAGE_BAD)


async def fresh_ep(request: Request) -> Response:
    return HTMLResponse(page_50k(False, nonce=str(next(_counter))))


async def post_ep(request: Request) -> Response:
    await request.form()
    return Response(b"ok", media_type="text/plain")


def bare_app() -> Starlette:
    return Starlette(routes=[Route("/police/b", json_ep), Route("/page", page_ep), Route("/page_bad", page_bad_ep),
                             Route("/fresh", fresh_ep), Route("/submit", post_ep, methods=["POST"])])


def identify(scope: dict[str, Any]) -> str:
    for k, v in scope.get("headers") or ():
        if k == b"x-bench-who":
            return v.decode()
    return "local"


def guarded_app() -> Any:
    from status_guard import Guard
    from status_guard.asgi import RouteConfig, StatusGuardMiddleware

    # SG_TEXT=off: without free-text detection (the memory figure "without the text extra")
    guard = Guard.default(audit="jsonl:" + os.environ.get("SG_AUDIT", "/tmp/sg-bench-audit.jsonl"),
                          text_detection=os.environ.get("SG_TEXT", "auto"))
    return StatusGuardMiddleware(bare_app(), guard=guard, identify=identify, scope="city",
                                 routes=[RouteConfig("/police", "police", public_record_fields=("charge",))])


app = guarded_app() if os.environ.get("SG_BENCH") == "guarded" else bare_app()

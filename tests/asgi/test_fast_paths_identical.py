"""Speed did not buy leaks (issue 15): with the fast paths — remembered response verdicts
(asgi.verdict_cache) and remembered free-text detections (text.memo) — every guarded response and
every audit record is the same as without them, for every requester class, on the first request
and on every repeat (the repeat is the one served from the cache).

The corpus: every route of the shared test app (JSON, NDJSON, CSV, HTML tables, forms in several
languages, submissions with free text, custody, monitor), for every session, plus generated JSON
records and HTML form pages built from the policy's own field names and questions."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from status_guard import Guard

from .conftest import FakeAuth, audit_records, make_app

RID = re.compile(rb"\b[a-p]{32}\b")  # a request id (new per request, in error bodies)
VOLATILE = {"hash", "prev_hash", "request_id", "seq", "time", "writer"}
TOKENS = [None, *FakeAuth.SESSIONS]
GENERATED: dict[str, Any] = {"json": {}, "html": ""}


async def generated_json(request: Request) -> Response:
    return JSONResponse(GENERATED["json"])


async def generated_html(request: Request) -> Response:
    return HTMLResponse(GENERATED["html"])


EXTRA = [Route("/police/gen", generated_json), Route("/schools/gen.html", generated_html),
         Route("/gen.html", generated_html)]

REQUESTS: list[tuple[str, str, dict[str, str], bytes]] = [
    ("GET", "/police/booking", {}, b""),
    ("GET", "/police/booking.ndjson", {}, b""),
    ("GET", "/police/booking.csv", {}, b""),
    ("GET", "/police/tables/booking.html", {}, b""),
    ("GET", "/monitor/booking", {}, b""),
    ("GET", "/intake", {}, b""),
    ("GET", "/intake", {"accept-language": "es"}, b""),
    ("GET", "/clean", {}, b""),
    ("GET", "/police/custody/visit", {}, b""),
    ("POST", "/echo", {"content-type": "application/x-www-form-urlencoded"},
     b"name=Ana&notes=She+said+she+is+undocumented+and+afraid+of+ICE"),
    ("POST", "/echo", {"content-type": "application/json"},
     json.dumps({"name": "Ana", "comment": "Parent asked about the after school art club hours"}).encode()),
    ("POST", "/strip/echo", {"content-type": "application/json"},
     json.dumps({"comment": "Her release date is 12/01/2026 and she has no papers"}).encode()),
    ("GET", "/police/gen", {}, b""),
    ("GET", "/schools/gen.html", {}, b""),
    ("GET", "/gen.html", {}, b""),
]


def _records(path: Path) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in audit_records(path)]


def _headers(r: httpx.Response) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in r.headers.items() if k not in ("x-request-id", "date"))


async def _serve(app: Any, token: str | None, repeats: int) -> list[tuple[int, bytes, list[tuple[str, str]]]]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    out = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                                 headers=headers) as c:
        for method, path, h, body in REQUESTS:
            for _ in range(repeats):
                r = await c.request(method, path, headers=h, content=body or None)
                out.append((r.status_code, RID.sub(b"<request id>", r.content), _headers(r)))
    return out


def _compare(policy: Any, tmp: Path, tag: str) -> None:
    """One guarded app with the fast paths and one without, each serving every session in turn
    (so a verdict remembered for one requester would show up in another's response)."""
    fast_log, slow_log = tmp / f"fast-{tag}.jsonl", tmp / f"slow-{tag}.jsonl"
    fast = make_app(Guard(policy, audit=f"jsonl:{fast_log}"), extra=EXTRA)
    slow = make_app(Guard(policy, audit=f"jsonl:{slow_log}"), extra=EXTRA, verdict_cache=False)
    for token in TOKENS:
        got = asyncio.run(_serve(fast, token, repeats=2))
        want = asyncio.run(_serve(slow, token, repeats=2))
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert g == w, f"{token}: {REQUESTS[i // 2][:2]} (repeat {i % 2}) differs with the fast paths"
    assert _records(fast_log) == _records(slow_log), "the audit records differ with the fast paths"


def test_every_response_and_audit_record_is_the_same_with_the_fast_paths(cambridge_policy: Any, tmp_path: Path) -> None:
    GENERATED["json"] = {"person": {"name": "Ana", "home_address": "1 Elm St", "release_date": "2026-12-01"},
                         "charge": "trespass"}
    GENERATED["html"] = "<html><body><form><label for=a>Citizenship</label><input id=a name=a></form></body></html>"
    _compare(cambridge_policy, tmp_path, "fixed")


FIELDS = ["name", "home_address", "work_address", "citizenship_status", "immigration_status", "release_date",
          "hearing_date", "charge", "country_of_birth", "a_number", "phone", "notes", "school", "grade",
          "incarceration_status", "visa_type", "religion", "comments"]
VALUES = st.one_of(st.sampled_from(["12 Elm St", "2026-12-01", "A-123-456-789", "undocumented", "US citizen",
                                    "Haiti", "in custody", "trespass", "Cambridge Rindge and Latin School",
                                    "She has no papers and a hearing on March 5", "5", ""]),
                   st.integers(0, 99))
QUESTIONS = ["Name", "Citizenship status", "Are you a US citizen?", "Country of birth", "Immigration status",
             "Phone", "ZIP code", "¿Cuál es su estatus migratorio?", "Alien registration number", "Grade",
             "Comments", "Social Security number", "Date of release", "Religion"]


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(record=st.dictionaries(st.sampled_from(FIELDS), VALUES, min_size=1, max_size=8),
       nested=st.booleans(),
       questions=st.lists(st.sampled_from(QUESTIONS), min_size=1, max_size=6),
       legend=st.sampled_from(["", "Student", "Immigration", "Citizenship"]))
def test_generated_records_and_forms_are_checked_the_same_with_the_fast_paths(
        cambridge_policy: Any, tmp_path_factory: Any, record: dict[str, Any], nested: bool,
        questions: list[str], legend: str) -> None:
    GENERATED["json"] = {"person": record, "items": [record]} if nested else record
    controls = "".join(f'<label for="q{i}">{q}</label><input id="q{i}" name="q{i}">' for i, q in enumerate(questions))
    fs = f"<fieldset><legend>{legend}</legend>{controls}</fieldset>" if legend else controls
    GENERATED["html"] = f"<!DOCTYPE html><html lang='en'><body><form method='post' action='/echo'>{fs}</form></body></html>"
    _compare(cambridge_policy, tmp_path_factory.mktemp("fast"), "gen")

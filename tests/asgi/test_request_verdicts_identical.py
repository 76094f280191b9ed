"""A remembered request verdict is never a leak (issue 15; 2.129.040(b), 040(k)): with the request
verdict cache on (``StatusGuardMiddleware.request_verdicts``: a clean submission sent again is
answered from its remembered check) every response and every audit record is the same as with it
off, over generated sequences of requests.

What can change the verdict of a submission, and is generated here: the requester (five sessions
and no session), the route (scope city / schools, strip, monitor, an /hr route with an exception
claim), the purpose (none and three of the pack's), the content type (urlencoded, JSON), the query string, the field names and values (clean
answers, look-alikes that must pass — "citizen of the month", "permanent marker", "papers due
Friday" — and forbidden status answers), and what the pages served before asked under the same
field names (the form map: ``q1=no`` is clean until a page asked "Are you a US citizen?" as
``q1``). Every submission is sent twice in a row (the second one is the cache's), and pages are
served between submissions, so a verdict remembered before a page taught the form map a question
must not be reused after it."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from status_guard import Guard

from .conftest import FakeAuth, audit_records, make_app

RID = re.compile(rb"\b[a-p]{32}\b")
VOLATILE = {"hash", "prev_hash", "request_id", "seq", "time", "writer"}
TOKENS = [None, *FakeAuth.SESSIONS]
PAGE: dict[str, str] = {"html": ""}


async def generated_page(request: Request) -> Response:
    return HTMLResponse(PAGE["html"])


EXTRA = [Route("/gen.html", generated_page), Route("/schools/gen.html", generated_page)]
NAMES = ["q0", "q1", "q2", "q7", "name", "citz", "zip", "comments", "notes", "citizenship_status",
         "immigration_status", "phone", "school", "award", "a_number"]
VALUES = ["Ana", "no", "yes", "y", "n", "02139", "US citizen", "Permanent resident", "undocumented",
          "citizen of the month award", "permanent marker for the art room", "papers due Friday",
          "She has no papers and is afraid of ICE", "Parent asked about the after school art club hours",
          "A-123-456-789", "the Tuesday art club", ""]
QUESTIONS = ["Name", "Are you a US citizen?", "Citizenship status", "Immigration status", "Phone",
             "Favourite colour", "¿Cuál es su estatus migratorio?", "Country of birth", "Comments"]
POST_PATHS = ["/echo", "/strip/echo", "/schools/echo", "/hr/echo", "/monitor/echo", "/intake"]

fields = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(VALUES)), min_size=1, max_size=5)
PURPOSES = [None, "enrollment", "equity_statistics", "officer_safety_support"]
post = st.tuples(st.just("post"), st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(PURPOSES)), min_size=2,
                                           max_size=3), st.sampled_from(POST_PATHS),
                 st.sampled_from(["form", "json"]), fields, st.sampled_from(["", "q1=no", "ref=7"]))
page = st.tuples(st.just("page"), st.sampled_from(TOKENS), st.sampled_from(["/gen.html", "/schools/gen.html", "/intake"]),
                 st.lists(st.sampled_from(QUESTIONS), min_size=1, max_size=4),
                 st.sampled_from(["/echo", "/schools/echo", "/strip/echo"]))
steps = st.lists(st.one_of(post, post, page), min_size=2, max_size=8)


def _page(questions: list[str], action: str) -> str:
    controls = "".join(f'<label for="q{i}">{q}</label><input id="q{i}" name="q{i}">' for i, q in enumerate(questions))
    return f"<!DOCTYPE html><html lang='en'><body><form method='post' action='{action}'>{controls}</form></body></html>"


def _headers(r: httpx.Response) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in r.headers.items() if k not in ("x-request-id", "date"))


async def _send(app: Any, step: tuple[Any, ...]) -> list[tuple[int, bytes, list[tuple[str, str]]]]:
    """One page, or one submission sent twice by each of the step's requesters in turn (so that a
    verdict remembered for one audience would show in another's answer or audit record)."""
    if step[0] == "post" and isinstance(step[1], list):
        return [r for who in step[1] for r in await _send(app, (step[0], who, *step[2:]))]
    kind, token = step[0], step[1]
    token, purpose = token if isinstance(token, tuple) else (token, None)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    if purpose:
        headers["x-test-purpose"] = purpose
    out = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                                 headers=headers) as c:
        if kind == "page":
            r = await c.get(step[2])
            out.append((r.status_code, RID.sub(b"<id>", r.content), _headers(r)))
            return out
        _, _, path, ctype, pairs, qs = step
        if ctype == "form":
            body, h = urllib.parse.urlencode(pairs).encode(), {"content-type": "application/x-www-form-urlencoded"}
        else:
            body, h = json.dumps(dict(pairs)).encode(), {"content-type": "application/json"}
        for _ in range(2):  # the repeat is answered from the remembered verdict, when clean
            r = await c.post(path + (f"?{qs}" if qs else ""), content=body, headers=h)
            out.append((r.status_code, RID.sub(b"<id>", r.content), _headers(r)))
    return out


def _purpose(scope: Any) -> str | None:
    """The request's purpose, as the app would derive it (a test header stands in for it)."""
    for k, v in scope.get("headers") or ():
        if k == b"x-test-purpose":
            return v.decode()
    return None


def _records(path: Path) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in audit_records(path)]


@pytest.fixture(scope="module")
def apps(cambridge_policy: Any, tmp_path_factory: Any) -> tuple[Any, Any, Path, Path]:
    tmp = tmp_path_factory.mktemp("reqverdicts")
    fast_log, slow_log = tmp / "fast.jsonl", tmp / "slow.jsonl"
    fast = make_app(Guard(cambridge_policy, audit=f"jsonl:{fast_log}"), extra=EXTRA, purpose=_purpose)
    slow = make_app(Guard(cambridge_policy, audit=f"jsonl:{slow_log}"), extra=EXTRA, verdict_cache=False, purpose=_purpose)
    return fast, slow, fast_log, slow_log


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(seq=steps)
def test_a_remembered_submission_verdict_equals_a_fresh_check_040b_040k(apps: tuple[Any, Any, Path, Path],
                                                                       seq: list[tuple[Any, ...]]) -> None:
    fast, slow, fast_log, slow_log = apps
    for step in seq:
        if step[0] == "page":
            PAGE["html"] = _page(step[3], step[4])
        got, want = asyncio.run(_send(fast, step)), asyncio.run(_send(slow, step))
        assert got == want, f"{step}: the response differs with the request verdict cache"
    assert _records(fast_log) == _records(slow_log), "the audit records differ with the request verdict cache"


def test_a_clean_answer_is_refused_once_a_page_asked_a_status_question_under_its_name(
        cambridge_policy: Any, tmp_path: Path) -> None:
    """The cache is keyed on what the form map says for the path: ``q1=no`` passes before any page
    asked anything under ``q1`` and is refused after a page asked "Are you a US citizen?" as
    ``q1`` — the remembered clean verdict is not reused (2.129.040(b))."""
    step = ("post", "tok-local", "/echo", "form", [("q1", "no")], "")
    seen = []
    for tag, cache in (("fast", True), ("slow", False)):
        app = make_app(Guard(cambridge_policy, audit=f"jsonl:{tmp_path / tag}.jsonl"), extra=EXTRA, verdict_cache=cache)
        first = asyncio.run(_send(app, step))
        PAGE["html"] = _page(["Name", "Are you a US citizen?"], "/echo")
        asyncio.run(_send(app, ("page", "tok-local", "/gen.html")))
        again = asyncio.run(_send(app, step))
        seen.append(([s for s, _, _ in first], [s for s, _, _ in again]))
    assert seen[0][0] == [200, 200]
    assert seen[0][1] != [200, 200], "a remembered clean verdict was reused after the page asked"
    assert seen[0] == seen[1]


def test_only_clean_verdicts_are_remembered(cambridge_policy: Any, tmp_path: Path) -> None:
    """A refused or rewritten submission is checked again every time (never remembered); a clean
    one is remembered once per audience."""
    app = make_app(Guard(cambridge_policy, audit=f"jsonl:{tmp_path / 'a.jsonl'}"), extra=EXTRA)
    asyncio.run(_send(app, ("post", "tok-local", "/echo", "form", [("citizenship_status", "undocumented")], "")))
    asyncio.run(_send(app, ("post", "tok-local", "/strip/echo", "json", [("citizenship_status", "undocumented")], "")))
    guard_mw = _middleware(app)
    assert len(guard_mw.request_verdicts) == 0
    asyncio.run(_send(app, ("post", "tok-local", "/echo", "form", [("name", "Ana"), ("award", "citizen of the month award")], "")))
    asyncio.run(_send(app, ("post", "tok-federal", "/echo", "form", [("name", "Ana"), ("award", "citizen of the month award")], "")))
    assert len(guard_mw.request_verdicts) == 2  # one per requester: never shared between audiences
    assert guard_mw.request_verdicts.hits == 2


def _middleware(app: Any) -> Any:
    from status_guard.asgi import StatusGuardMiddleware

    node = app.middleware_stack
    while node is not None and not isinstance(node, StatusGuardMiddleware):
        node = getattr(node, "app", None)
    assert node is not None
    return node

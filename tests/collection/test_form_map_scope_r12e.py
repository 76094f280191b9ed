"""Round i (review r12e F06) — the form map remembers a script form's question where it can be posted.

Invariant (2.129.040(b); README "city services must work"): a script-built form (SurveyJS / Form.io
definition in a ``<script>``, a definition served as JSON) that asks status under a builder's generic
name (``q7``) makes *its* answer refused — at the paths its script names, under its own path — but
not every other form's ``q7`` on the route: builders number questions ``q1 … qN`` in every form, so
a route-wide entry refused a library hold's "Which branch?" for 24 h.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from status_guard import Guard
from status_guard.asgi import StatusGuardMiddleware

pytestmark = pytest.mark.usefixtures("quiet_logs")

GUARD = Guard.default(audit="memory:")
ASKED = ["Are you a US citizen?", "What is your immigration status?", "¿Cuál es su estatus migratorio?",
         "Do you have a green card?"]
HARMLESS = ["Which branch should hold your book?", "How many people are coming?", "Your phone number",
            "Which park do you want to reserve?", "¿Qué día prefiere?"]
NAMES = ["q7", "question1", "field_3", "x1"]
SEGMENTS = ["intake", "library", "parks", "hold", "signup", "api", "clerk"]


def _script_page(title: str, name: str, post: str | None) -> tuple[str, bytes]:
    d = json.dumps({"elements": [{"type": "text", "name": name, "title": title}]})
    send = f".onComplete.add(s=>fetch('{post}',{{method:'POST',body:JSON.stringify(s.data)}}))" if post else ""
    return "text/html; charset=utf-8", f"<html><body><script>new Survey.Model({d}){send};</script></body></html>".encode()


def _json_definition(title: str, name: str, post: str | None) -> tuple[str, bytes]:
    d = {"components": [{"type": "textfield", "key": name, "label": title, "input": True}]}
    if post:
        d["action"] = post
    return "application/json", json.dumps(d).encode()


CARRIERS = {"script": _script_page, "json": _json_definition}


def _client(served: dict[str, tuple[str, bytes]]) -> TestClient:
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        if scope["method"] == "GET" and scope["path"] in served:
            ct, body = served[scope["path"]]
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", ct.encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"ok":true}'})

    return TestClient(StatusGuardMiddleware(app, guard=GUARD, identify=lambda s: "public", scope="city"))


paths = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=3).map(lambda p: "/city/" + "/".join(p))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(CARRIERS)), st.sampled_from(ASKED), st.sampled_from(NAMES), st.booleans(),
       st.lists(st.tuples(st.sampled_from(sorted(CARRIERS)), st.sampled_from(HARMLESS), st.booleans()),
                min_size=1, max_size=4), st.data())
def test_only_the_status_forms_answer_is_refused_other_forms_generic_names_accepted_040b(
        carrier, asked, name, names_post, others, data) -> None:
    status_path = "/city/status-form"
    status_post = status_path + "/send"
    served = {status_path: CARRIERS[carrier](asked, name, status_post if names_post else None)}
    targets = []
    for i, (kind, title, own_post) in enumerate(others):
        page = data.draw(paths, label=f"page{i}") + f"/form{i}"
        post = data.draw(paths, label=f"post{i}") + f"/submit{i}" if own_post else None
        served[page] = CARRIERS[kind](title, name, post)
        targets.append(post or page + "/send")
    c = _client(served)
    for p in served:  # the status form first, then every other form
        assert c.get(p).status_code == 200
    # the status form's answer is refused where it can be posted (the path its script names, or under its own)
    assert c.post(status_post, json={name: "no"}).status_code == 422
    # every other form's answer under the same generic name is accepted where its own page posts it
    for t in targets:
        r = c.post(t, json={name: "Central Square"})
        assert r.status_code == 200, (t, r.text[:300])


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=3), st.lists(st.sampled_from(["/", "\\"]),
       min_size=4, max_size=4), st.sampled_from(ASKED), st.sampled_from(NAMES))
def test_a_form_action_is_read_as_a_browser_reads_it_backslashes_and_all_040b(segs, seps, asked, name) -> None:
    """r12e F17: a browser (WHATWG URL) reads ``\\`` as ``/`` in an http(s) action; the form map
    remembers the question for the path the browser will post to."""
    action = "".join(sep + s for sep, s in zip(seps, ["city", *segs]))
    target = "/city/" + "/".join(segs)
    page = (f'<html><body><form method=post action="{action}"><label for=c>{asked}</label>'
            f'<input id=c name="{name}"><button>Send</button></form></body></html>')
    c = _client({"/city/page": ("text/html; charset=utf-8", page.encode())})
    r = c.get("/city/page")
    assert asked not in r.text
    assert c.post(target, data={name: "no"}).status_code == 422, action

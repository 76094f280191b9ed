"""r12b (F1, F2, F13, F14, F15, F17, F18) — a status question is refused however the form is built.

Invariants (2.129.040(b)):
* every common wording of the status question (A-number in any case, "here legally", TPS, refugee,
  date of entry to the U.S.) is a question in a label and in a builder pair;
* a pair is read by its shape, not a list of key names: any object with one question-like text and
  one answer-like member (numbered, weak or nested keys), parallel containers (lists, ``[7]`` ids,
  header + rows), siblings sharing an id (``label_7`` + ``q7``), label maps, pair lists;
* a strip route removes the answer with its question (Typeform typed answers);
* a question answered by named buttons is a question;
* two forms posting one name to one path keep their own questions (told apart by hidden fields).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from status_guard import Effect, Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware

pytestmark = pytest.mark.usefixtures("quiet_logs")

GUARD = Guard.default(audit="memory:")
PAGES: dict[str, str] = {}
GOT: list[bytes] = []


async def _ep(request: Request):
    if request.method == "GET" and request.url.path in PAGES:
        return HTMLResponse(PAGES[request.url.path])
    GOT.append(await request.body())
    return JSONResponse({"ok": True})


_INNER = Starlette(routes=[Route("/{p:path}", _ep, methods=["GET", "POST"])])
CLIENT = TestClient(StatusGuardMiddleware(_INNER, guard=GUARD, identify=lambda s: "public", scope="city",
                                          routes=[RouteConfig("/strip", "city", strip=True)]))

WORDINGS = ["A-number", "a-number", "Are you in the country legally?", "Are you here legally?", "Do you have TPS?",
            "Are you a refugee?", "Date of entry to the U.S.", "Are you a U.S. citizen?",
            "What is your immigration status?"]


def _blocked(body: object) -> bool:
    return GUARD.check_submission(body, scope="city", requester="public").effect is Effect.BLOCK


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(WORDINGS), st.sampled_from(["label", "builder"]))
def test_every_wording_of_the_status_question_is_an_inquiry_040b(q, placement) -> None:
    if placement == "builder":
        assert _blocked({"fields": [{"label": q, "value": "no"}]})
    else:
        path = f"/w/{abs(hash(q))}"
        PAGES[path] = f'<form method="post" action="{path}"><label for="a">{q}</label><input id="a" name="q7"></form>'
        assert 'name="q7"' not in CLIENT.get(path).text
        assert CLIENT.post(path, data={"q7": "no"}).status_code == 422


Q_KEYS = ["question", "caption", "description", "displayName", "title", "label", "prompt", "fieldTitle", "k"]
A_KEYS = ["answer", "answer1", "input", "selected", "content", "value", "response", "v", "fieldvalue"]
WRAP = [lambda d: d, lambda d: {"items": [d]}, lambda d: {"sub": {"x": [d]}}, lambda d: {"payload": json.dumps(d)}]


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(Q_KEYS), st.sampled_from(A_KEYS), st.sampled_from(WRAP),
       st.sampled_from(["Are you a US citizen?", "Citizenship status", "What is your immigration status?"]))
def test_a_pair_is_read_by_its_shape_not_its_key_names_040b(qk, ak, wrap, q) -> None:
    assert _blocked(wrap({qk: q, ak: "no"}))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(["questions", "fields", "labels", "headers"]), st.sampled_from(["answers", "values", "responses"]),
       st.integers(0, 2))
def test_parallel_lists_pair_by_position_040b(qk, ak, pos) -> None:
    qs = ["Name", "Email", "Phone"]
    ans = ["Ana", "a@b.c", "555"]
    qs.insert(pos, "Are you a U.S. citizen?")
    ans.insert(pos, "no")
    assert _blocked({qk: qs, ak: ans})
    assert not _blocked({qk: ["Name", "Email"], ak: ["Ana", "a@b.c"]})


def test_more_builder_shapes_are_read_040b() -> None:
    q = "Are you a U.S. citizen?"
    for body in [
        {"itemResponses": [{"item": {"title": q}, "response": "No"}]},
        {"pages": [{"questions": [{"id": "7", "headings": [{"heading": q}], "answers": [{"text": "No"}]}]}]},
        {"Dropdown": "No", "field_labels": {"Dropdown": q}},
        {"group_a/q7": "no", "survey": [{"name": "q7", "label": q, "type": "select_one yn"}]},
        {"service_code": "X", "attribute[cit]": "No", "attributes": [{"code": "cit", "description": q}]},
        {"questions": {"r0c1f2a": {"title": q}}, "body": {"r0c1f2a": "no"}},
        {"responses": [["What is your immigration status?", "no"]]},
        {"headers": ["Name", q], "rows": [["Ana", "no"]]},
        {"label_7": q, "q7": "no"},
        {"q7_question": q, "q7_answer": "no"},
    ]:
        assert _blocked(body), body


def test_a_strip_route_removes_the_answer_with_its_question_040b() -> None:
    tf = {"form_response": {"definition": {"fields": [{"id": "a", "title": "Immigration status", "type": "short_text"}]},
                            "answers": [{"type": "text", "text": "no", "field": {"id": "a", "type": "short_text"}}]}}
    socrata = {"meta": {"view": {"columns": [{"fieldName": "c7", "name": "Are you a U.S. citizen?"}]}}, "data": [["No"]]}
    netlify = {"data": {"q7": "No"}, "ordered_human_fields": [{"title": "Are you a U.S. citizen?", "name": "q7",
                                                               "value": "No"}]}
    for body in (tf, socrata, netlify):
        GOT.clear()
        r = CLIENT.post("/strip/x", json=body)
        assert r.status_code == 200
        got = GOT[-1].decode()
        assert '"no"' not in got.lower(), got


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(['<button name="q7" value="{v}">{v}</button>', '<input type="submit" name="q7" value="{v}">']),
       st.booleans())
def test_a_question_answered_by_buttons_is_a_question_040b(tpl, other) -> None:
    path = f"/b/{abs(hash((tpl, other)))}"
    extra = '<label for="n">Name</label><input id="n" name="name">' if other else ""
    PAGES[path] = (f'<form method="post" action="{path}">{extra}<p>Are you a U.S. citizen?</p>'
                   + tpl.format(v="yes") + tpl.format(v="no") + "</form>")
    assert 'name="q7"' not in CLIENT.get(path).text
    assert CLIENT.post(path, data={"q7": "no"}).status_code == 422


def test_two_surveys_on_one_path_keep_their_own_questions_040b() -> None:
    def survey(n: int, q: str) -> str:
        return (f'<form method="post" action="/survey/submit"><input type="hidden" name="survey" value="{n}">'
                f'<label for="a">{q}</label><input id="a" name="q7"></form>')
    PAGES["/survey/1"] = survey(1, "Are you a U.S. citizen?")
    PAGES["/survey/2"] = survey(2, "Which park do you visit most?")
    CLIENT.get("/survey/2")
    CLIENT.get("/survey/1")
    assert CLIENT.post("/survey/submit", data={"survey": "2", "q7": "Danehy Park"}).status_code == 200
    assert CLIENT.post("/survey/submit", data={"survey": "1", "q7": "no"}).status_code == 422
    assert CLIENT.post("/survey/submit", data={"q7": "no"}).status_code == 422  # no form named: all (fail closed)

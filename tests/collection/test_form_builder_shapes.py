"""Item 1 — form-builder shapes (2.129.040(b), 040(k)).

Invariant: whatever shape a form builder gives its submission, when the question a person answered
asks immigration or citizenship status, the submission is refused in city and schools scope; the
question text is the answer's label, wherever the builder puts it (a pair's ``question``/``label``/
``title``/``text``/``name``/``key``/``field``, a definition referenced by id, a JSON Patch path, a
``question:answer`` summary). The same shapes with an ordinary question pass untouched.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Effect

from .conftest import make_app, refused

STATUS_QUESTIONS = [
    "Are you a US citizen?",
    "What is your immigration status?",
    "Do you have a green card?",
    "¿Cuál es su estatus migratorio?",
    "Você é cidadão americano?",
    "A-Number (if any)",
    "Passport number",
    "Country of citizenship",
]
PLAIN_QUESTIONS = ["What is your name?", "Best phone number to reach you", "Which library branch do you use?",
                   "How many people live in your household?", "Would you like to join a citizenship class?"]


# -- documented shapes --------------------------------------------------------------------------
def typeform(q: str, a: Any) -> dict[str, Any]:
    return {"event_id": "01H", "event_type": "form_response", "form_response": {
        "form_id": "lT4Z3j", "token": "a3a12e", "submitted_at": "2026-11-02T18:30:05Z",
        "definition": {"id": "lT4Z3j", "title": "Resident intake", "fields": [
            {"id": "DlXFaesGBpoF", "title": "Full name", "type": "short_text", "ref": "name_ref"},
            {"id": "SMEUb7VJz92Q", "title": q, "type": "multiple_choice", "ref": "q_ref"}]},
        "answers": [{"type": "text", "text": "Ana", "field": {"id": "DlXFaesGBpoF", "type": "short_text"}},
                    {"type": "choice", "choice": {"label": a}, "field": {"id": "SMEUb7VJz92Q", "type": "multiple_choice",
                                                                       "ref": "q_ref"}}]}}


def jotform_api(q: str, a: Any) -> dict[str, Any]:
    return {"content": {"id": "5891", "form_id": "2300", "answers": {
        "3": {"name": "fullName", "order": "1", "text": "Full Name", "type": "control_fullname",
              "answer": {"first": "Ana", "last": "P"}},
        "4": {"name": "areYou", "order": "2", "text": q, "type": "control_radio", "answer": a}}}}


def jotform_webhook(q: str, a: Any) -> dict[str, Any]:
    return {"formID": "2300", "submissionID": "5891",
            "rawRequest": json.dumps({"q3_fullName": {"first": "Ana", "last": "P"}, "q4_areYou": a}),
            "pretty": f"Full Name:Ana P, {q}:{a}"}


def google_forms_api(q: str, a: Any) -> dict[str, Any]:
    return {"form": {"formId": "1FAIpQ", "items": [
                {"itemId": "1a", "title": "Name", "questionItem": {"question": {"questionId": "00aa", "textQuestion": {}}}},
                {"itemId": "2b", "title": q, "questionItem": {"question": {"questionId": "7f8a9b",
                                                                          "choiceQuestion": {"type": "RADIO"}}}}]},
            "response": {"responseId": "ACYDBN", "answers": {
                "00aa": {"questionId": "00aa", "textAnswers": {"answers": [{"value": "Ana"}]}},
                "7f8a9b": {"questionId": "7f8a9b", "textAnswers": {"answers": [{"value": a}]}}}}}


def apps_script_named_values(q: str, a: Any) -> dict[str, Any]:
    return {"namedValues": {"Timestamp": ["11/2/2026 10:01:02"], "Name": ["Ana"], q: [a]}}


def surveyjs_plain(q: str, a: Any) -> list[dict[str, Any]]:
    return [{"name": "question1", "title": "Name", "value": "Ana", "displayValue": "Ana", "isNode": False},
            {"name": "question2", "title": q, "value": a, "displayValue": a, "isNode": False}]


def formio(q: str, a: Any) -> dict[str, Any]:
    return {"form": {"components": [{"type": "textfield", "key": "textField", "label": "Name", "input": True},
                                    {"type": "radio", "key": "radio1", "label": q, "input": True,
                                     "values": [{"label": "Yes", "value": "yes"}, {"label": "No", "value": "no"}]}]},
            "submission": {"data": {"textField": "Ana", "radio1": a, "submit": True}, "state": "submitted"}}


def formstack(q: str, a: Any) -> dict[str, Any]:
    return {"FormID": "4432", "UniqueID": "99", "data": [
        {"field": "8812", "label": "Name", "value": "Ana", "type": "text"},
        {"field": "8813", "label": q, "value": a, "type": "radio"}]}


def wufoo(q: str, a: Any) -> dict[str, Any]:
    return {"HandshakeKey": "s3cret",
            "FieldStructure": json.dumps({"Fields": [{"ID": "Field1", "Title": "Your Name", "Type": "shortname"},
                                                     {"ID": "Field3", "Title": q, "Type": "radio"}]}),
            "Fields": json.dumps([{"ID": "Field1", "Value": "Jane"}, {"ID": "Field3", "Value": a}])}


def socrata(q: str, a: Any) -> dict[str, Any]:
    return {"columns": [{"fieldName": "q1", "name": "Name", "dataTypeName": "text"},
                        {"fieldName": "q7", "name": q, "dataTypeName": "text"}],
            "rows": [{"q1": "Ana", "q7": a}]}


def salesforce_kv(q: str, a: Any) -> dict[str, Any]:
    return {"attributes": {"type": "Intake__c"}, "fields": [
        {"key": "Name", "value": "Ana"}, {"key": q, "value": a}]}


def elfsight(q: str, a: Any) -> list[dict[str, Any]]:
    return [{"id": "m9hhh2rh", "name": "Name", "value": "Ana", "type": "shortText"},
            {"id": "62ce755ce75ab", "name": q, "value": a, "type": "choice"}]


def generic_pairs(q: str, a: Any) -> dict[str, Any]:
    return {"answers": [{"question": "Name", "answer": "Ana"}, {"question": q, "answer": a}]}


def microsoft_forms_flow(q: str, a: Any) -> dict[str, Any]:
    # a Power Automate "Get response details" output posted on with the question titles the flow maps
    return {"responder": "anon", "submitDate": "11/2/2026", "responses": [
        {"questionTitle": q, "response": a}, {"questionTitle": "Name", "response": "Ana"}]}


def json_patch(q: str, a: Any) -> list[dict[str, Any]]:
    return [{"op": "replace", "path": "/name", "value": "Ana"},
            {"op": "add", "path": "/" + q.replace(" ", "_"), "value": a}]


SHAPES = [typeform, jotform_api, jotform_webhook, google_forms_api, apps_script_named_values, surveyjs_plain,
          formio, formstack, wufoo, socrata, salesforce_kv, elfsight, generic_pairs, microsoft_forms_flow, json_patch]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("question", STATUS_QUESTIONS[:4])
def test_form_builder_status_question_is_refused_in_city_scope_040b(guard, shape, question) -> None:
    d = guard.check_submission({"payload": shape(question, "No")} if isinstance(shape(question, "No"), list)
                               else shape(question, "No"), scope="city", requester="public")
    assert d.effect is Effect.BLOCK, d.explain()
    assert "2.129.040(b)" in d.citations


@pytest.mark.parametrize("shape", SHAPES, ids=lambda f: f.__name__)
def test_form_builder_status_question_is_refused_at_school_enrollment_040k(guard, shape) -> None:
    doc = shape("Is the student a U.S. citizen?", "No")
    d = guard.check_submission(doc if isinstance(doc, dict) else {"payload": doc}, scope="schools", requester="public")
    assert d.effect is Effect.BLOCK
    assert "2.129.040(k)" in d.citations


@pytest.mark.parametrize("shape", SHAPES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("question", PLAIN_QUESTIONS)
def test_same_shape_with_an_ordinary_question_is_not_refused_040b(guard, shape, question) -> None:
    doc = shape(question, "Yes")
    d = guard.check_submission(doc if isinstance(doc, dict) else {"payload": doc}, scope="city", requester="public")
    assert d.effect in (Effect.ALLOW, Effect.FLAG), d.explain()


# -- through the middleware: JSON, urlencoded with bracketed names, multipart --------------------
def _brackets(doc: Any, prefix: str = "") -> list[tuple[str, str]]:
    """A document as PHP/Rails-style bracketed form fields."""
    out: list[tuple[str, str]] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _brackets(v, f"{prefix}[{k}]" if prefix else str(k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _brackets(v, f"{prefix}[{i}]")
    else:
        out.append((prefix or "value", "" if doc is None else str(doc)))
    return out


@pytest.mark.anyio
@pytest.mark.parametrize("encoding", ["json", "urlencoded", "multipart"])
@pytest.mark.parametrize("shape", [generic_pairs, formstack, salesforce_kv, elfsight, surveyjs_plain, typeform],
                         ids=lambda f: f.__name__)
async def test_middleware_refuses_form_builder_answer_in_every_encoding_040b(guard, client_for, shape, encoding) -> None:
    doc = shape("Are you a US citizen?", "No")
    doc = doc if isinstance(doc, dict) else {"payload": doc}
    app = make_app(guard)
    async with client_for(app) as c:
        if encoding == "json":
            r = await c.post("/intake", json=doc)
        elif encoding == "urlencoded":
            r = await c.post("/intake", data=dict(_brackets(doc)))
        else:
            r = await c.post("/intake", files={k: (None, v) for k, v in _brackets(doc)})
    assert r.status_code == 422, r.text
    assert "2.129.040(b)" in r.text


@pytest.mark.anyio
async def test_strip_route_removes_the_whole_pair_and_the_app_gets_the_rest_040b(guard, client_for) -> None:
    doc = {"answers": [{"question": "Name", "answer": "Ana"}, {"question": "Are you a US citizen?", "answer": "No"},
                       {"question": "Phone", "answer": "555"}]}
    async with client_for(make_app(guard)) as c:
        r = await c.post("/strip/intake", json=doc)
    assert r.status_code == 200
    got = json.loads(r.json()["body"])
    assert got == {"answers": [{"question": "Name", "answer": "Ana"}, {"question": "Phone", "answer": "555"}]}


# -- property: any generated pair/definition shape with a status question is refused --------------
QUESTION_KEYS = ["question", "label", "title", "text", "prompt", "name", "key", "field", "questionText",
                 "field_label", "displayName", "Question", "LABEL"]
ANSWER_KEYS = ["answer", "value", "response", "values", "answers", "displayValue", "result", "fieldValue",
               "selected", "Answer", "VALUE"]
WRAPPERS = ["answers", "fields", "data", "responses", "items", "custom_fields", "submission", "entries", "form_data"]


@st.composite
def builder_doc(draw: Any, question: str) -> dict[str, Any]:
    qk = draw(st.sampled_from(QUESTION_KEYS))
    ak = draw(st.sampled_from([k for k in ANSWER_KEYS if k.lower() != qk.lower()]))
    answer = draw(st.sampled_from(["No", "Yes", "no", "Permanent resident", ["No"], {"label": "No"}, True, 0]))
    pair: dict[str, Any] = {qk: question, ak: answer}
    if draw(st.booleans()):
        pair["id"] = draw(st.text("abcdef0123456789", min_size=4, max_size=10))
    if draw(st.booleans()):
        pair["type"] = draw(st.sampled_from(["radio", "text", "choice", "dropdown"]))
    others = [{qk: "Name", ak: "Ana"}, {qk: "Phone", ak: "617-555-0100"}]
    items = others + [pair]
    order = draw(st.permutations(items))
    wrapper = draw(st.sampled_from(WRAPPERS))
    doc: Any = {wrapper: list(order)}
    for _ in range(draw(st.integers(0, 2))):
        doc = {draw(st.sampled_from(["form_response", "payload", "event", "body", "record"])): doc}
    if draw(st.booleans()):  # the webhook serialised its payload as a JSON string
        doc = {"rawRequest": json.dumps(doc, separators=(",", ":"))}
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_generated_form_builder_shape_with_a_status_question_is_refused_040b(guard, data) -> None:
    question = data.draw(st.sampled_from(STATUS_QUESTIONS))
    doc = data.draw(builder_doc(question))
    d = guard.check_submission(doc, scope="city", requester="public")
    assert d.effect is Effect.BLOCK, (doc, d.explain())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_generated_form_builder_shape_with_ordinary_questions_passes_040b(guard, data) -> None:
    question = data.draw(st.sampled_from(PLAIN_QUESTIONS))
    doc = data.draw(builder_doc(question))
    # answers drawn for status questions ("Permanent resident") are status answers: use plain ones here
    d = guard.check_submission(json.loads(json.dumps(doc).replace("Permanent resident", "Weekends")),
                               scope="city", requester="public")
    assert d.effect is not Effect.BLOCK, (doc, d.explain())

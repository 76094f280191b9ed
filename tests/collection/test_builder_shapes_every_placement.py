"""Items 1 and 3 — the status question carried as a *value* of a form builder's shape, and encoded
content (2.129.040(b), 040(k)). Review r12d flaws F01, F02, F03, F06, F13, F17.

Invariant: for every builder shape (SurveyJS definition + data and plain data, Typeform webhook,
Google Forms API form + response, Form.io, JotForm API, Formstack, generic question/answer pairs,
``[name, value]`` entry lists) x wrapper (nested keys, JSON serialised inside a string up to several
times over, an entry list) x placement of the status question (its title, a localized title object,
its options, its name), the submission is refused. The same shapes whose questions are ordinary —
including survey numbering ``i90 … i99``, where ``i94`` is question 94 and not an I-94 — are accepted.
Shapes follow the builders' documentation: SurveyJS localizable strings (a string or an object of
locale -> string), Google Forms ``Item``/``Question``/``ChoiceQuestion.options[].value``, Form.io
``components[{key, label, values}]`` + ``submission.data``, Typeform ``form_response.definition`` +
``answers``, JotForm ``answers{qid: {text, options, answer}}``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Effect
from status_guard.errors import UnparseableInputError

from .conftest import make_app

pytestmark = pytest.mark.usefixtures("quiet_logs")

# -- questions ----------------------------------------------------------------------------------------
STATUS_TITLES = ["Are you a US citizen?", "What is your immigration status?", "Do you have a green card?",
                 "¿Cuál es su estatus migratorio?"]
LOCALIZED_STATUS = [{"default": "Are you a US citizen?", "es": "¿Es usted ciudadano de los EE. UU.?"},
                    {"en": "What is your immigration status?", "pt-br": "Qual é o seu status imigratório?"},
                    {"default": "Your household", "es": "¿Cuál es su estatus migratorio?"}]
NEUTRAL_TITLE_FOR_CHOICES = ["Which describes you?", "Select one", "Please choose"]
STATUS_CHOICES = [["U.S. citizen", "Permanent resident", "Undocumented"],
                  ["Citizen", "Lawful permanent resident (green card)", "Visa holder", "Other"],
                  ["Ciudadano estadounidense", "Residente permanente", "Indocumentado"]]
STATUS_NAMES = ["citizenship_status", "immigrationStatus", "green_card_number"]
NEUTRAL_TITLES = ["How satisfied are you with the library?", "Which branch do you visit most?",
                  "Best phone number to reach you", "Would you like to join a citizenship class?"]
NEUTRAL_ES = ["¿Qué tan satisfecho está con la biblioteca?", "Mejor número de teléfono",
              "¿Le gustaría inscribirse en una clase de ciudadanía?"]
NEUTRAL_CHOICES = [["Very satisfied", "Satisfied", "Unsatisfied"], ["Main", "Central Square", "Valente"],
                   ["Citizenship class", "ESL class", "Job training"]]


def q(qid: str, title: Any, answer: Any, choices: list[str] | None = None) -> dict[str, Any]:
    return {"id": qid, "title": title, "answer": answer, "choices": choices}


def _plain(t: Any) -> str:
    return t if isinstance(t, str) else next(iter(t.values()))


# -- shapes (each from its builder's documentation) ---------------------------------------------------
def surveyjs_definition(qs: list[dict[str, Any]]) -> dict[str, Any]:
    els = []
    for x in qs:
        el: dict[str, Any] = {"type": "radiogroup" if x["choices"] else "text", "name": x["id"], "title": x["title"]}
        if x["choices"]:
            el["choices"] = [{"value": f"item{i + 1}", "text": c} for i, c in enumerate(x["choices"])]
        els.append(el)
    return {"survey": {"pages": [{"name": "page1", "elements": [{"type": "panel", "name": "panel1", "elements": els}]}]},
            "data": {x["id"]: x["answer"] for x in qs}}


def surveyjs_plain(qs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": x["id"], "title": x["title"], "value": x["answer"], "displayValue": x["answer"], "isNode": False}
            for x in qs]


def typeform(qs: list[dict[str, Any]]) -> dict[str, Any]:
    fields, answers = [], []
    for x in qs:
        f: dict[str, Any] = {"id": x["id"], "ref": x["id"], "title": _plain(x["title"]),
                             "type": "multiple_choice" if x["choices"] else "short_text"}
        if x["choices"]:
            f["choices"] = [{"id": f"c{i}", "label": c} for i, c in enumerate(x["choices"])]
        fields.append(f)
        answers.append({"type": "choice", "choice": {"label": x["answer"]}, "field": {"id": x["id"], "type": f["type"],
                                                                                       "ref": x["id"]}})
    return {"event_id": "01H", "event_type": "form_response", "form_response": {
        "form_id": "lT4Z3j", "definition": {"id": "lT4Z3j", "title": "Intake", "fields": fields}, "answers": answers}}


def google_forms(qs: list[dict[str, Any]]) -> dict[str, Any]:
    items, answers = [], {}
    for x in qs:
        question: dict[str, Any] = {"questionId": x["id"]}
        if x["choices"]:
            question["choiceQuestion"] = {"type": "RADIO", "options": [{"value": c} for c in x["choices"]]}
        else:
            question["textQuestion"] = {}
        items.append({"itemId": f"it{x['id']}", "title": _plain(x["title"]), "questionItem": {"question": question}})
        answers[x["id"]] = {"questionId": x["id"], "textAnswers": {"answers": [{"value": x["answer"]}]}}
    return {"form": {"formId": "1FAIpQ", "items": items}, "response": {"responseId": "ACYDBN", "answers": answers}}


def formio(qs: list[dict[str, Any]]) -> dict[str, Any]:
    comps = []
    for x in qs:
        c: dict[str, Any] = {"type": "radio" if x["choices"] else "textfield", "key": x["id"],
                             "label": _plain(x["title"]), "input": True}
        if x["choices"]:
            c["values"] = [{"label": o, "value": f"v{i}"} for i, o in enumerate(x["choices"])]
        comps.append(c)
    return {"form": {"components": [{"type": "panel", "key": "panel", "components": comps}]},
            "submission": {"data": {x["id"]: x["answer"] for x in qs}, "state": "submitted"}}


def jotform_api(qs: list[dict[str, Any]]) -> dict[str, Any]:
    ans = {}
    for i, x in enumerate(qs):
        a: dict[str, Any] = {"name": x["id"], "order": str(i + 1), "text": _plain(x["title"]),
                             "type": "control_radio" if x["choices"] else "control_textbox", "answer": x["answer"]}
        if x["choices"]:
            a["options"] = "|".join(x["choices"])
        ans[str(i + 3)] = a
    return {"content": {"id": "5891", "form_id": "2300", "answers": ans}}


def formstack(qs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"FormID": "4432", "data": [{"field": x["id"], "label": _plain(x["title"]), "value": x["answer"],
                                        "type": "text"} for x in qs]}


def generic_pairs(qs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"answers": [{"question": x["title"], "answer": x["answer"]} for x in qs]}


def entries_by_name(qs: list[dict[str, Any]]) -> list[list[Any]]:
    return [[x["id"], x["answer"]] for x in qs]


def entries_by_text(qs: list[dict[str, Any]]) -> list[list[Any]]:
    return [[_plain(x["title"]), x["answer"]] for x in qs]


WITH_CHOICES = [surveyjs_definition, typeform, google_forms, formio, jotform_api]
WITH_NAMES = [surveyjs_definition, surveyjs_plain, formio, formstack, entries_by_name]
WITH_TITLES = [surveyjs_definition, surveyjs_plain, typeform, google_forms, formio, jotform_api, formstack,
               generic_pairs, entries_by_text]
WITH_LOCALIZED = [surveyjs_definition, surveyjs_plain, generic_pairs]  # SurveyJS localizable strings
TEXT_ONLY = (generic_pairs, entries_by_text)
ALL_SHAPES = list(dict.fromkeys(WITH_TITLES + WITH_NAMES))

OTHERS = [q("question1", "Full name", "Ana"), q("question2", "Phone", "617-555-0100")]


# -- wrappers -------------------------------------------------------------------------------------------
def wrap(doc: Any, keys: list[str], times_serialised: int, as_entry: bool) -> Any:
    for k in keys:
        doc = {k: doc}
    for _ in range(times_serialised):
        doc = json.dumps(doc, separators=(",", ":"))
    if as_entry:
        doc = [["formId", "intake-7"], ["payload", doc]]
    if not isinstance(doc, dict):
        doc = {"body": doc}
    return doc


@st.composite
def wrapped(draw: Any, doc: Any) -> Any:
    keys = draw(st.lists(st.sampled_from(["payload", "form_response", "event", "data", "record", "panel", "page_2"]),
                         max_size=2))
    return wrap(doc, keys, draw(st.integers(0, 3)), draw(st.booleans()))


@st.composite
def status_submission(draw: Any) -> tuple[str, Any]:
    placement = draw(st.sampled_from(["title", "localized", "choices", "name"]))
    if placement == "title":
        shape, sq = draw(st.sampled_from(WITH_TITLES)), q("question3", draw(st.sampled_from(STATUS_TITLES)), "No")
    elif placement == "localized":
        shape, sq = draw(st.sampled_from(WITH_LOCALIZED)), q("question3", draw(st.sampled_from(LOCALIZED_STATUS)), "No")
    elif placement == "choices":
        shape = draw(st.sampled_from(WITH_CHOICES))
        sq = q("question3", draw(st.sampled_from(NEUTRAL_TITLE_FOR_CHOICES)), draw(st.sampled_from(["item2", "Option 2"])),
               draw(st.sampled_from(STATUS_CHOICES)))
    else:
        shape, sq = draw(st.sampled_from(WITH_NAMES)), q(draw(st.sampled_from(STATUS_NAMES)), "Question 3", "No")
    qs = draw(st.permutations(OTHERS + [sq]))
    return f"{placement}/{shape.__name__}", draw(wrapped(shape(list(qs))))


@st.composite
def ordinary_submission(draw: Any) -> tuple[str, Any]:
    shape = draw(st.sampled_from(ALL_SHAPES))
    numbered = draw(st.booleans())
    qs = []
    for i, n in enumerate(range(90, 100) if numbered else range(1, 5)):
        qid = f"i{n}" if numbered else f"question{n}"
        # a bare number as the title where the shape carries the run of ids (a lone "i94" text with no
        # run beside it is read as asked — the rule of ``numbering.py``)
        title: Any = draw(st.sampled_from(NEUTRAL_TITLES + ([qid] if numbered and shape not in TEXT_ONLY else [])))
        if shape in WITH_LOCALIZED and draw(st.booleans()):  # a localizable string, as SurveyJS sends it
            title = {"default": title, "es": draw(st.sampled_from(NEUTRAL_ES))}
        choices = draw(st.sampled_from([None] + NEUTRAL_CHOICES)) if shape in WITH_CHOICES else None
        qs.append(q(qid, title, draw(st.sampled_from(["Yes", "3", "Main"])), choices))
    return f"{'numbered' if numbered else 'plain'}/{shape.__name__}", draw(wrapped(shape(qs)))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(case=status_submission())
def test_status_question_in_any_builder_shape_wrapper_and_placement_is_refused_040b(guard, case) -> None:
    what, doc = case
    d = guard.check_submission(doc, scope="city", requester="public")
    assert d.effect is Effect.BLOCK, (what, doc, d.explain())
    assert "2.129.040(b)" in d.citations


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(case=ordinary_submission())
def test_ordinary_questions_and_survey_numbering_in_any_builder_shape_are_accepted_040b(guard, case) -> None:
    what, doc = case
    d = guard.check_submission(doc, scope="city", requester="public")
    assert d.effect is not Effect.BLOCK, (what, doc, d.explain())


@pytest.mark.parametrize("shape", WITH_CHOICES, ids=lambda f: f.__name__)
def test_school_enrollment_question_whose_options_are_statuses_is_refused_040k(guard, shape) -> None:
    doc = shape(OTHERS + [q("q9", "Which describes the student?", "item1", STATUS_CHOICES[0])])
    d = guard.check_submission(doc, scope="schools", requester="public")
    assert d.effect is Effect.BLOCK, d.explain()
    assert "2.129.040(k)" in d.citations


# -- the reviewer's cases, one by one ------------------------------------------------------------------
def _refused(guard: Any, doc: Any) -> bool:
    return guard.check_submission(doc, scope="city", requester="public").effect is Effect.BLOCK


def test_F01_surveyjs_localized_title_asks_in_every_language_040b(guard) -> None:
    for title in ({"default": "Are you a US citizen?", "es": "¿Es usted ciudadano?"},
                  {"en": "Are you a US citizen?"}, {"default": "Household", "es": "¿Es usted ciudadano?"}):
        assert _refused(guard, [{"name": "question2", "title": title, "value": "No"}]), title
        assert _refused(guard, {"pages": [{"elements": [{"type": "boolean", "name": "q2", "title": title}]}],
                                "data": {"q2": False}}), title
    # description, choices[].text and html are localizable too
    assert _refused(guard, {"pages": [{"elements": [{"type": "radiogroup", "name": "q2", "title": "Select one",
                                                     "choices": [{"value": "a", "text": {"default": "U.S. citizen"}},
                                                                 {"value": "b", "text": {"es": "Indocumentado"}}]}]}],
                            "data": {"q2": "b"}})
    assert not _refused(guard, [{"name": "question2", "title": {"default": "Your name", "es": "Su nombre"},
                                 "value": "Ana"}])


def test_F02_name_value_entry_lists_are_read_as_fields_040b(guard) -> None:
    for doc in ([["citizenship", "no"], ["name", "Ana"]], {"data": [["citizenship", "no"], ["name", "Ana"]]},
                {"data": [["Are you a US citizen", "no"], ["Name", "Ana"]]},
                {"form": {"entries": [["name", "Ana"], ["immigration_status", "LPR"]]}}):
        assert _refused(guard, doc), doc
    assert not _refused(guard, {"data": [["name", "Ana"], ["branch", "Main"]]})


def test_F03_layout_containers_do_not_hide_the_field_name_040b(guard) -> None:
    for doc in ({"data": {"panel": {"citizen": "no"}}}, {"panel1[citizenship]": "no"},
                {"data": {"section_2": {"fieldset": {"citizenship": "no"}}}}, {"Page 1": {"citizen": "no"}},
                {"steps": [{"step3": {"immigration_status": "LPR"}}]}):
        assert _refused(guard, doc), doc
    assert not _refused(guard, {"data": {"panel": {"name": "Ana"}}})


def test_F06_json_encoded_twice_or_more_is_unpacked_040b(guard) -> None:
    s = json.dumps({"citizenship_status": "undocumented"})
    for times in range(1, 8):
        s = json.dumps(s)
        assert _refused(guard, {"payload": s}), times


def test_F06_json_encoded_past_the_bound_is_refused_not_passed_040b(guard) -> None:
    s = json.dumps({"name": "Ana"})
    for _ in range(12):
        s = json.dumps(s)
    with pytest.raises(UnparseableInputError, match="encoded as a string"):
        guard.check_submission({"payload": s}, scope="city", requester="public")


@pytest.mark.anyio
async def test_F06_middleware_refuses_json_encoded_past_the_bound_with_a_clear_4xx(guard, client_for) -> None:
    s = json.dumps({"citizenship_status": "no"})
    for _ in range(12):
        s = json.dumps(s)
    async with client_for(make_app(guard)) as c:
        r = await c.post("/intake", json={"payload": s})
        assert 400 <= r.status_code < 500 and "encoded" in r.text, r.text
        r = await c.post("/intake", json={"payload": json.dumps(json.dumps(json.dumps({"citizenship": "no"})))})
        assert r.status_code == 422, r.text
        r = await c.post("/intake", data={"panel1[citizenship]": "no"})
        assert r.status_code == 422, r.text


@pytest.mark.anyio
async def test_F06_strip_route_removes_the_field_inside_json_encoded_twice_and_keeps_the_encoding_040b(
        guard, client_for) -> None:
    app = make_app(guard)
    inner = {"citizenship": "no", "name": "Ana"}
    for times in (2, 3):
        s = json.dumps(inner)
        for _ in range(times - 1):
            s = json.dumps(s)
        async with client_for(app) as c:
            r = await c.post("/strip/intake", json={"payload": s, "x": "1"})
        assert r.status_code == 200, r.text
        got = json.loads(r.json()["body"])["payload"]
        for _ in range(times):
            got = json.loads(got)
        assert got == {"name": "Ana"}, times


@pytest.mark.parametrize("shape", ALL_SHAPES, ids=lambda f: f.__name__)
def test_F13_survey_numbering_is_a_question_id_in_every_builder_shape_040b(guard, shape) -> None:
    qs = [q(f"i{n}", f"i{n}" if n % 2 else "How satisfied are you?", "Yes") for n in range(90, 100)]
    assert not _refused(guard, shape(qs))
    # a form that really asks for the documents is still read by its names
    docs = [q("i20", "i20", "Yes"), q("i94", "i94", "Yes"), q("i797", "i797", "Yes")]
    assert _refused(guard, {"data": {x["id"]: x["answer"] for x in docs}})


def test_F17_options_that_enumerate_statuses_ask_status_040b(guard) -> None:
    doc = {"form": {"items": [{"itemId": "2b", "title": "Which describes you?", "questionItem": {"question": {
        "questionId": "7f", "choiceQuestion": {"type": "RADIO", "options": [
            {"value": "U.S. citizen"}, {"value": "Permanent resident"}, {"value": "Undocumented"}]}}}}]},
        "response": {"answers": {"7f": {"questionId": "7f", "textAnswers": {"answers": [{"value": "Option 2"}]}}}}}
    assert _refused(guard, doc)
    # a parking permit type offering "Resident" is a look-alike; a service menu is not a status
    assert not _refused(guard, formio([q("permit", "Parking permit type", "v1", ["Resident", "Visitor",
                                                                                  "Commercial"])]))
    assert not _refused(guard, google_forms([q("7f", "Which class?", "Citizenship class", NEUTRAL_CHOICES[2])]))

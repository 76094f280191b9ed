"""Review round 3 (r12c) — a status question is found by its shape, not by a list of names
(2.129.040(b); in schools 040(k)), and the City's own services still work (issue 12 item 8).

Invariants:

* **pairs** — a question-shaped text under a key that holds questions, beside one other value, is
  that value's question, whatever the builder calls the answer (``userAnswer``, ``option``,
  ``submitted``, a name never seen): a status question there is refused. A record named with status
  words under a key that also names records (``title``, ``name``) beside an attribute (``branch``,
  ``date``) is not a question, and an ordinary question is not refused.
* **file names** — a file named for a status document is refused however it is sent (multipart, an
  attachment's ``filename`` in JSON, an upload URL) and however its name is written (other
  languages, abbreviations, separators, case); a name that only contains the letters across the
  words its writer separated (``green_cardigan.jpg``) is not.
* **encodings** — one urlencoded pair in a string, a ``?`` query and a URL's query are fields the app
  may read; a GraphQL variable's default is what its argument receives; a GraphQL operation that
  cannot be parsed is refused (400, naming the problem) and audited.
* **services** — counting the passport applications a person brings to the City's acceptance
  facility asks nobody's status; asking about a passport still does.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

from .conftest import make_app, refused

pytestmark = pytest.mark.usefixtures("quiet_logs")

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

STATUS_QUESTIONS = ["Are you a US citizen?", "What is your immigration status?", "Do you have a green card?",
                    "Immigration status", "Citizenship", "您是美国公民吗？", "¿Cuál es su estatus migratorio?",
                    "Bạn có phải là công dân Hoa Kỳ không", "Você é cidadão americano?"]
PLAIN_QUESTIONS = ["What is your name?", "Which library branch do you use?", "Preferred language",
                   "How many people live in your household?", "Would you like to join a citizenship class?",
                   "Best time to call you"]
# keys that only hold a question, and keys that name a record as often as a question
QUESTION_ONLY_KEYS = ["question", "questionText", "question_text", "prompt", "label", "fieldLabel", "q",
                      "questionLabel", "Question__c"]
RECORD_KEYS = ["title", "name", "text", "heading", "header", "caption", "displayName", "fieldName", "field", "key",
               "description", "id"]
ANSWER_WORDS = ["answer", "response", "reply", "option", "choice", "selected", "selection", "submitted", "input",
                "entry", "value", "result", "text", "data", "content"]
PREFIXES = ["", "user", "final", "my", "selected", "form", "the", "raw", "display", "given"]
WRAPPERS = [lambda o: o, lambda o: {"responses": [o]}, lambda o: {"items": [o]}, lambda o: {"fields": [o]},
            lambda o: {"data": {"submission": [o]}}, lambda o: [o]]


def _camel(prefix: str, word: str) -> str:
    return word if not prefix else prefix + word[:1].upper() + word[1:]


answer_key = st.builds(_camel, st.sampled_from(PREFIXES), st.sampled_from(ANSWER_WORDS))
# an answer key nobody listed: any identifier (the shape makes the pair under a question-only key)
unseen_key = st.from_regex(r"\A[a-z]{3,10}(?:[A-Z][a-z]{2,8})?\Z", fullmatch=True).filter(
    lambda k: not re.search(r"(?i)status|citizen|immig|visa|passport|alien|country|birth|origin|nation|race|address"
                            r"|ethnic|home|work|release|detain|hearing|incarcer|comment|note|message|story|search"
                            r"|query|feedback|describe|detail|question|label|prompt|title|name|text", k))
answer = st.sampled_from(["No", "Yes", "no", ["No"], "Prefer not to say", "N", "0", {"label": "No"}])


def _refused(guard: Guard, body: Any, scope: str = "city") -> bool:
    return not guard.check_submission(body if isinstance(body, dict) else {"body": body}, scope=scope).allowed


@SETTINGS
@given(st.sampled_from(QUESTION_ONLY_KEYS + RECORD_KEYS), answer_key, st.sampled_from(STATUS_QUESTIONS), answer,
       st.sampled_from(WRAPPERS), st.sampled_from(["city", "schools"]))
def test_a_status_question_is_refused_whatever_its_answer_is_called_040b(guard, qk, ak, q, a, wrap, scope) -> None:
    if qk == ak:
        return
    assert _refused(guard, wrap({qk: q, ak: a}), scope)


@SETTINGS
@given(st.sampled_from(QUESTION_ONLY_KEYS), unseen_key, st.sampled_from(STATUS_QUESTIONS), answer,
       st.sampled_from(WRAPPERS))
def test_a_status_question_is_refused_beside_an_answer_key_nobody_listed_040b(guard, qk, ak, q, a, wrap) -> None:
    assert _refused(guard, wrap({qk: q, ak: a}))


@SETTINGS
@given(st.sampled_from(RECORD_KEYS), unseen_key, st.sampled_from([q for q in STATUS_QUESTIONS if q[-1] in "?？"]),
       answer, st.sampled_from(WRAPPERS))
def test_a_question_that_asks_is_a_question_under_any_record_key_040b(guard, qk, ak, q, a, wrap) -> None:
    assert _refused(guard, wrap({qk: q, ak: a}))


@SETTINGS
@given(st.sampled_from(QUESTION_ONLY_KEYS + RECORD_KEYS), st.one_of(answer_key, unseen_key),
       st.sampled_from(PLAIN_QUESTIONS), st.sampled_from(["No", "Yes", "Spanish", "3", ["Central"]]),
       st.sampled_from(WRAPPERS))
def test_an_ordinary_question_is_not_refused_whatever_its_keys(guard, qk, ak, q, a, wrap) -> None:
    if qk == ak:
        return
    assert not _refused(guard, wrap({qk: q, ak: a}))


RECORDS = ["Citizenship Test Study Guide", "Green Card Holders Association", "Immigrant Heritage Month",
           "Naturalization ceremony", "Know your rights workshop", "Passport acceptance facility"]
ATTRIBUTES = ["branch", "city", "date", "isbn", "url", "location", "starts", "author", "copies", "room"]


@SETTINGS
@given(st.sampled_from(["title", "name", "heading", "caption", "displayName", "key", "description"]),
       st.sampled_from(RECORDS), st.sampled_from(ATTRIBUTES), st.sampled_from(["Central", "2026-05-01", "3", "B12"]),
       st.sampled_from(WRAPPERS))
def test_a_record_named_with_status_words_is_not_a_question_040b(guard, qk, title, attr, v, wrap) -> None:
    """A library hold on "Citizenship Test Study Guide", an event list: the City asked nobody."""
    assert not _refused(guard, wrap({qk: title, attr: v}))


def test_the_reviewers_unlisted_answer_keys_are_refused_040b(guard) -> None:
    for body in ({"question": "Are you a US citizen?", "userAnswer": "No"},
                 {"responses": [{"label": "What is your immigration status?", "submitted": "Undocumented"}]},
                 {"items": [{"title": "Are you a US citizen?", "text": "No"}]},
                 {"fields": [{"fieldLabel": "Do you have a green card?", "option": "No"}]},
                 {"responses": [{"id": "Bạn có phải là công dân Hoa Kỳ không", "answer": "No"}]},
                 {"responses": [{"description": "Bạn có phải là công dân Hoa Kỳ không", "answer": "No"}]}):
        assert _refused(guard, body), body


# -- file names ---------------------------------------------------------------------------------
DOCUMENT_STEMS = ["green card", "grn card", "tarjeta de residencia", "tarjeta verde", "a number", "residency card",
                  "residence card", "permanent resident card", "I 551 front", "work permit", "naturalization cert",
                  "EAD card", "passport scan", "carte de resident"]
BENIGN_STEMS = ["green cardigan", "evergreen card", "greenhouse photo", "cardboard box", "lease agreement",
                "library card", "report card", "birthday card", "green cart", "gift card"]


def _written(stem: str, sep: str, case: str) -> str:
    words = stem.split()
    if case == "camel":
        return words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])
    s = sep.join(words)
    return s.upper() if case == "upper" else s.lower() if case == "lower" else s


file_name = st.builds(lambda stem, sep, case, ext: f"{_written(stem, sep, case)}.{ext}",
                      st.sampled_from(DOCUMENT_STEMS), st.sampled_from(["_", "-", " ", "."]),
                      st.sampled_from(["lower", "upper", "as is", "camel"]),
                      st.sampled_from(["pdf", "jpg", "PNG", "heic", "txt", "docx"]))
benign_name = st.builds(lambda stem, sep, case, ext: f"{_written(stem, sep, case)}.{ext}",
                        st.sampled_from(BENIGN_STEMS), st.sampled_from(["_", "-", " "]),
                        st.sampled_from(["lower", "upper", "as is", "camel"]), st.sampled_from(["pdf", "jpg", "png"]))


def _in_json(fn: str, how: str) -> dict[str, Any]:
    if how == "attachment":
        return {"name": "Ana", "attachments": [{"filename": fn, "content_type": "application/pdf", "data": "JVBERi0="}]}
    if how == "jotform":
        return {"name": "Ana", "upload": f"https://www.jotform.com/uploads/city/230/5812/{fn}"}
    if how == "typeform":
        return {"form_response": {"answers": [{"type": "file_url", "file_url":
                                               f"https://api.typeform.com/responses/files/abc/{fn}",
                                               "field": {"id": "f9", "type": "file_upload"}}]}}
    return {"name": "Ana", "documents": [fn]}


@SETTINGS
@given(file_name, st.sampled_from(["attachment", "jotform", "typeform", "list"]), st.sampled_from(["city", "schools"]))
def test_a_file_named_for_a_status_document_is_refused_however_sent_in_json_040b(guard, fn, how, scope) -> None:
    assert _refused(guard, _in_json(fn, how), scope), fn


@SETTINGS
@given(benign_name, st.sampled_from(["attachment", "jotform", "typeform", "list"]))
def test_a_file_that_only_contains_the_letters_is_not_refused(guard, fn, how) -> None:
    assert not _refused(guard, _in_json(fn, how)), fn


@pytest.mark.anyio
async def test_a_file_named_for_a_status_document_is_refused_in_multipart_040b(guard, client_for) -> None:
    async with client_for(make_app(guard)) as c:
        for fn in ("tarjeta_de_residencia.pdf", "a-number.txt", "grn_card.pdf", "residency_card.jpg", "GreenCard.png",
                   "green_cards.pdf"):
            r = await c.post("/intake", data={"name": "Ana"}, files={"upload": (fn, b"%PDF-1.4", "application/pdf")})
            assert refused(r), fn
        for fn in ("green_cardigan.jpg", "GreenCardigan.jpg", "evergreen_card.png", "citizenship_class_flyer.pdf"):
            r = await c.post("/intake", data={"name": "Ana"}, files={"upload": (fn, b"\xff\xd8\xff", "image/jpeg")})
            assert r.status_code == 200, (fn, r.text)


@pytest.mark.anyio
async def test_a_strip_route_removes_the_whole_attachment_named_for_a_status_document_040b(guard, client_for) -> None:
    app = make_app(guard)
    body = {"name": "Ana", "attachments": [{"filename": "lease.pdf", "data": "JVBERi0="},
                                           {"filename": "green_card.pdf", "data": "JVBERi0xLjQ="}]}
    async with client_for(app) as c:
        r = await c.post("/strip/intake", json=body)
    assert r.status_code == 200
    got = json.loads(app.state.received[-1]["body"])
    assert got["attachments"] == [{"filename": "lease.pdf", "data": "JVBERi0="}]


# -- encodings ----------------------------------------------------------------------------------
STATUS_NAMES = ["citizenship_status", "immigrationStatus", "is_us_citizen", "visa_type", "a_number"]


@SETTINGS
@given(st.sampled_from(STATUS_NAMES), st.sampled_from(["no", "undocumented", "H-1B", "1"]),
       st.sampled_from(["{p}", "?{p}", "https://x.org/cb?{p}", "https://x.org/cb?lang=es&{p}#top", "/return?{p}"]),
       st.sampled_from(["payload", "callback", "redirect_uri", "state", "data"]))
def test_a_query_string_in_a_json_string_is_read_as_fields_040b(guard, name, value, shape, key) -> None:
    assert _refused(guard, {key: shape.format(p=f"{name}={value}")})


@SETTINGS
@given(st.sampled_from(["name=Ana", "lang=es", "?page=2", "https://x.org/cb?ok=1", "E=mc2", "abc==", "x=1&y=2"]),
       st.sampled_from(["payload", "callback", "note"]))
def test_an_ordinary_query_string_in_a_json_string_passes(guard, s, key) -> None:
    assert not _refused(guard, {key: s})


@pytest.mark.anyio
async def test_a_strip_route_removes_a_status_field_from_a_url_query_and_keeps_the_url_040b(guard, client_for) -> None:
    app = make_app(guard)
    async with client_for(app) as c:
        r = await c.post("/strip/intake", json={"callback": "https://x.org/cb?lang=es&citizenship_status=no#top"})
    assert r.status_code == 200
    assert json.loads(app.state.received[-1]["body"]) == {"callback": "https://x.org/cb?lang=es#top"}


@SETTINGS
@given(st.sampled_from(["String", "String!", "Status"]), st.sampled_from(['"undocumented"', '"asylee"', "UNDOCUMENTED"]),
       st.sampled_from(["setStatus(value: $s)", "update(input: {immigrationStatus: $s})", "answer(q: \"Are you a US citizen?\", a: $s)"]))
def test_a_graphql_variable_default_is_what_its_argument_receives_040b(guard, typ, default, use) -> None:
    q = f"mutation M($s: {typ} = {default}) {{ {use} {{ id }} }}"
    assert _refused(guard, {"query": q})


@pytest.mark.anyio
async def test_a_graphql_operation_that_cannot_be_parsed_is_refused_and_audited_040b(client_for, tmp_path) -> None:
    audit = tmp_path / "audit.jsonl"
    app = make_app(Guard.default(audit=f"jsonl:{audit}"))
    async with client_for(app) as c:
        for q in ('mutation { createResident(input: {immigrationStatus: "none"} { id } }',
                  'mutation { createResident(input: {immigrationStatus: "none"}) { id } ',
                  "{ resident(id: 1) { name "):
            r = await c.post("/graphql", json={"query": q})
            assert r.status_code == 400 and "GraphQL" in r.json()["error"]["message"], r.text
            assert "none" not in r.text  # the problem is named by place, never by a submitted value
        ok = await c.post("/search", json={"query": "query about my property taxes"})  # a search box, not GraphQL
        assert ok.status_code == 200
    recs = [json.loads(line) for line in audit.read_text().splitlines() if line.strip()]
    refusals = [r for r in recs if r.get("kind") == "decision" and r.get("effect") == "block"]
    assert len(refusals) == 3 and all(r["fields"] == ["request.body"] for r in refusals)
    assert "none" not in audit.read_text()


# -- services -----------------------------------------------------------------------------------
@SETTINGS
@given(st.sampled_from([{"passport_applications": "{n}"}, {"numPassportApplications": "{n}"},
                        {"answers": [{"question": "How many passport applications will you bring?", "answer": "{n}"}]},
                        {"answers": [{"question": "Number of passport applications", "answer": "{n}"}]},
                        {"answers": [{"question": "¿Cuántas solicitudes de pasaporte traerá?", "answer": "{n}"}]}]),
       st.integers(0, 9), st.booleans())
def test_counting_passport_applications_for_the_acceptance_facility_is_a_city_service(guard, shape, n, as_int) -> None:
    text = json.dumps(shape).replace('"{n}"', str(n) if as_int else f'"{n}"')
    assert not _refused(guard, {**json.loads(text), "appointment": "Passport acceptance facility"})


@pytest.mark.parametrize("body", [{"passport_number": 12}, {"how_many_passports": 2}, {"passport_application_status": 2},
                                  {"passport_applications": "yes"}, {"passport_application": 1},
                                  {"answers": [{"question": "Do you have a passport?", "answer": "2"}]},
                                  {"answers": [{"question": "How many passports do you hold?", "answer": "2"}]},
                                  {"citizenship_applications": 2}])
def test_asking_about_a_passport_is_still_refused_040b(guard, body) -> None:
    assert _refused(guard, body)


@pytest.mark.parametrize("q", ["您是美国公民吗？", "هل أنت مواطن أمريكي؟", "Are you a US citizen?", "Immigration status:"])
def test_a_question_answer_pair_list_asks_in_any_script_040b(guard, q) -> None:
    assert _refused(guard, {"answers": [[q, "No"]]})
    assert _refused(guard, {"answers": [[q, "No"], ["Name:", "Ana"]]})

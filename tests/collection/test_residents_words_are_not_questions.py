"""r12b (F9, F10, F20, F21, F22) — what the resident gives, and what the page tells, is not a question.

Invariant (2.129.040(b), 040(k)): the City inquires only when a control's question asks the
person's status. Not questions: information and assurances on the page ("You do not need to tell
us your immigration status"), know-your-rights sentences, a site search (``q``, ``s``, ``search``,
``query``), a service the resident chooses, a free comment ("Anything else?"). A status word the
resident puts there is volunteered (flagged in city scope), never refused; the page is served
unchanged. Asked phrasings after the same text are still refused (fail closed).
"""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from status_guard import Effect, Guard
from status_guard.asgi import StatusGuardMiddleware

pytestmark = pytest.mark.usefixtures("quiet_logs")

GUARD = Guard.default(audit="memory:")
PAGES: dict[str, str] = {}


async def _ep(request: Request):
    if request.method == "GET" and request.url.path in PAGES:
        return HTMLResponse(PAGES[request.url.path])
    await request.body()
    return JSONResponse({"ok": True})


def _client() -> TestClient:
    inner = Starlette(routes=[Route("/{p:path}", _ep, methods=["GET", "POST"])])
    return TestClient(StatusGuardMiddleware(inner, guard=GUARD, identify=lambda s: "public", scope="city"))


ASSURANCES = [
    "You do not need to tell us your immigration status to get help.",
    "You don't have to share your citizenship status with us.",
    "Immigration status does not affect eligibility for this program.",
    "We will not ask about your immigration status.",
    "Undocumented residents can get a CommunityID card.",
    "The Office of Immigrant Affairs can help with green card renewals.",
    "If an immigration agent asks about your immigration status, you have the right to remain silent.",
    "Refugee families are welcome at the winter coat drive.",
    "No necesita decirnos su estatus migratorio.",
    "Você não precisa informar seu status de imigração.",
]
QUESTIONS = ["How many people are coming?", "Which branch is closest to you?", "Leave your phone number:",
             "Anything else you want us to know?", "Tell us about your experience"]
ASKED = ["Are you a U.S. citizen?", "What is your immigration status?", "Do you have a green card?"]
SEARCH_NAMES = ["q", "s", "search", "query", "keywords", "utterance"]
TERMS = ["green card renewal help", "daca renewal", "undocumented legal aid", "refugee resettlement", "tps",
         "asylum help", "tarjeta verde", "ead renewal", "citizenship classes"]
ANSWERS = ["2", "Main branch, 2 people", "617-555-0100", "Very helpful, thank you"]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(ASSURANCES), st.sampled_from(QUESTIONS), st.sampled_from(["p", "div", "label", "aside"]),
       st.booleans(), st.sampled_from(ANSWERS))
def test_an_assurance_before_a_control_is_not_a_question_and_the_resident_is_heard_040b(
        assurance, question, tag, aside, answer) -> None:
    text = f"{question} ({assurance.rstrip('.')})" if aside else f"{assurance} {question}"
    path = f"/pg/{abs(hash((text, tag)))}"
    inner = f'<{tag} for="x">{text}</{tag}>' if tag == "label" else f"<{tag}>{text}</{tag}>"
    html = f'<html><body><form method="post" action="{path}">{inner}<input id="x" name="q7"></form></body></html>'
    PAGES[path] = html
    c = _client()
    assert c.get(path).text == html  # the city's information reaches the resident unchanged
    assert c.post(path, data={"q7": answer}).status_code == 200
    d = GUARD.check_submission({"fields": [{"label": text, "value": answer}]}, scope="city", requester="public")
    assert d.effect is not Effect.BLOCK, d


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(ASSURANCES), st.sampled_from(ASKED))
def test_an_assurance_does_not_hide_a_question_asked_beside_it_040b(assurance, question) -> None:
    d = GUARD.check_submission({"fields": [{"label": f"{assurance} {question}", "value": "no"}]},
                               scope="city", requester="public")
    assert d.effect is Effect.BLOCK


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(SEARCH_NAMES), st.sampled_from(TERMS))
def test_a_resident_searching_the_city_site_is_never_refused_040b(name, term) -> None:
    c = _client()
    assert c.get("/search", params={name: term}).status_code == 200
    assert c.post("/api/search", json={name: term}).status_code == 200


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(["Naturalization ceremony", "Citizenship class", "Passport appointment",
                        "Immigrant affairs office", "DACA renewal clinic"]))
def test_a_chosen_city_service_is_not_a_status_answer_040b(choice) -> None:
    path = "/svc/choose"
    html = (f'<html><body><form method="post" action="{path}"><label for="s">Which city service do you need?</label>'
            f'<select id="s" name="q3"><option>{choice}</option><option>Other</option></select></form></body></html>')
    PAGES[path] = html
    c = _client()
    assert c.get(path).text == html
    assert c.post(path, data={"q3": choice}).status_code == 200
    assert c.post("/api/svc", json={"q3": choice}).status_code == 200


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(["Undocumented", "green card holder", "no papers", "We have TPS"]),
       st.sampled_from(["Anything else you want us to know?", "Comments", "Is there anything else?"]))
def test_a_volunteered_short_answer_in_an_open_question_is_heard_040b(answer, question) -> None:
    path = f"/open/{abs(hash(question))}"
    html = f'<html><body><form method="post" action="{path}"><p>{question}</p><input name="q7"></form></body></html>'
    PAGES[path] = html
    c = _client()
    assert c.get(path).text == html
    assert c.post(path, data={"q7": answer}).status_code == 200

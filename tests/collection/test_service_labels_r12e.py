"""Round i (review r12e F03/F04) — the City's passport desk and immigrant services keep their questions.

Invariant (2.129.040(b) forbids asking a status, not running the services named after one; README:
passport acceptance, citizenship classes are look-alikes): a page that books a passport-acceptance
appointment ("Passport type", "How many people in your family are applying for passports?") or
signs a resident up for an immigrant service (citizenship interview practice, free immigration legal
help, a citizenship-test study group) is served as written and its answer accepted; a question that
asks the person's own status or document beside them is still removed and refused.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from status_guard import Guard
from status_guard.asgi import StatusGuardMiddleware

pytestmark = pytest.mark.usefixtures("quiet_logs")

GUARD = Guard.default(audit="memory:")
SERVICES = ["Passport type", "Which passport type?", "Passport book or passport card",
            "How many people in your family are applying for passports?",
            "How many applicants will be applying for passports?", "Expedited passport",
            "Would you like to attend a free citizenship interview practice session?",
            "Would you like information about free immigration legal help?",
            "Which language do you want for the citizenship interview practice session?",
            "Which day works for the citizenship test study group?"]
ASKING = ["What is your passport number?", "Do you have a passport?", "Are you a U.S. citizen?",
          "What is your immigration status?"]
NAMES = ["q3", "q7", "field_2", "x1"]


def _client(page: str) -> TestClient:
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        if scope["method"] == "GET":
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
            await send({"type": "http.response.body", "body": page.encode()})
            return
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"ok":true}'})

    return TestClient(StatusGuardMiddleware(app, guard=GUARD, identify=lambda s: "public", scope="city"))


def _page(q: str, n: str) -> str:
    return (f"<html><body><form action='/city/clerk/book' method=post><label for=c>{q}</label>"
            f"<input id=c name={n}><button>Book</button></form></body></html>")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(SERVICES), st.sampled_from(NAMES), st.sampled_from(["2", "yes", "renewal", "Thursday"]))
def test_a_city_service_question_is_kept_and_its_answer_accepted_040b(q, n, answer) -> None:
    c = _client(_page(q, n))
    assert q in c.get("/city/clerk").text
    assert c.post("/city/clerk/book", data={n: answer}).status_code == 200


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(ASKING), st.sampled_from(NAMES))
def test_a_status_question_beside_the_services_is_still_removed_and_refused_040b(q, n) -> None:
    c = _client(_page(q, n))
    assert q not in c.get("/city/clerk").text
    assert c.post("/city/clerk/book", data={n: "no"}).status_code == 422


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(["number_of_passports_held", "passport_number", "how_many_passports_do_you_have",
                        "passport_expiration", "number_of_passports"]),
       st.sampled_from(["US", "Mexico", "A12345678", "yes"]))
def test_a_passport_field_that_asks_the_person_is_still_refused_040b(name, value) -> None:
    """A bare field name beside no service word stays read as asking (fail closed): a count of
    passports can disclose a second citizenship ("how many passports do you hold")."""
    c = _client(_page("Your name", "name"))
    assert c.post("/city/clerk/passport-appointment", json={name: value}).status_code == 422, (name, value)

"""Round i (review r12e F01) — a form definition's localized question text is read in every language.

Invariant (2.129.040(b)): SurveyJS (and any builder) writes a multilingual question as a localizable
text object (``{"default": "…", "es": "…"}``). Served as JSON or inside a page's script, a question
whose text in *any* locale asks status is removed from the definition and its answer under the
generic name is refused — as a plain string title is; a harmless localized question is kept.
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

ASKED = {"default": "What is your immigration status?", "en": "Are you a U.S. citizen?",
         "es": "¿Cuál es su estatus migratorio?", "pt": "Você é cidadão americano?", "fr": "Avez-vous une carte verte ?"}
NEUTRAL = {"default": "Question 7", "en": "Question 7", "es": "Pregunta 7", "pt": "Pergunta 7", "fr": "Question 7"}
HARMLESS = {"default": "Which branch should hold your book?", "es": "¿Qué biblioteca guarda su libro?",
            "pt": "Qual biblioteca guarda o seu livro?", "fr": "Quelle bibliothèque garde votre livre ?"}
LOCALES = sorted(ASKED)
GUARD = Guard.default(audit="memory:")


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


def _definition(title, name: str, key: str) -> dict:
    return {"pages": [{"name": "page1", "elements": [{"type": "text", "name": "visitor", "title": {"default": "Your name"}},
                                                      {"type": "text", "name": name, key: title}]}]}


def _serve(carrier: str, d: dict, post: str) -> tuple[str, bytes]:
    if carrier == "json":
        return "application/json", json.dumps(d).encode()
    return ("text/html; charset=utf-8",
            f"<html><body><script>new Survey.Model({json.dumps(d)}).onComplete.add(s=>fetch('{post}',"
            f"{{method:'POST',body:JSON.stringify(s.data)}}));</script></body></html>".encode())


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(["json", "script"]), st.sampled_from(LOCALES), st.sets(st.sampled_from(LOCALES), max_size=3),
       st.sampled_from(["q7", "question7"]), st.sampled_from(["title", "description"]))
def test_a_localized_status_question_leaves_the_definition_and_its_answer_is_refused_040b(
        carrier, asking, others, name, key) -> None:
    title = {loc: NEUTRAL[loc] for loc in others if loc != asking}
    title[asking] = ASKED[asking]
    if "default" not in title and "en" not in title:
        title["default"] = NEUTRAL["default"]
    served = "/city/intake/survey.json" if carrier == "json" else "/city/intake/survey"  # a page's definition file
    c = _client({served: _serve(carrier, _definition(title, name, key), "/city/intake/send")})
    r = c.get(served)
    assert r.status_code == 200
    assert ASKED[asking] not in r.text and ASKED[asking] not in json.dumps(r.text, ensure_ascii=True)
    assert c.post("/city/intake/send", json={name: "TPS holder"}).status_code == 422


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(["json", "script"]), st.sets(st.sampled_from(sorted(HARMLESS)), min_size=1, max_size=4))
def test_a_localized_harmless_question_is_kept_and_answered_040b(carrier, locales) -> None:
    title = {loc: HARMLESS[loc] for loc in locales}
    c = _client({"/city/library/hold": _serve(carrier, _definition(title, "q7", "title"), "/city/library/api/holds")})
    r = c.get("/city/library/hold")
    assert r.status_code == 200 and "q7" in r.text
    assert c.post("/city/library/api/holds", json={"q7": "Central Square"}).status_code == 200

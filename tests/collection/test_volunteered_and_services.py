"""Items 7 and 8 — no resident is silenced.

Invariants:

* 2.129.040(b) forbids the City to *inquire*. A resident's own words that mention immigration status
  in a field that did not ask (a complaint, a comment, a 911 text) are accepted unchanged in city and
  police scope, and audited (effect ``flag``, the field named, no value in the log).
* 2.129.040(k): in schools scope status that becomes known "shall not be kept" and "shall have no
  bearing on the student's ability to register": the words that disclose a status are removed
  before the app stores the text, the rest arrives, the submission is never refused, and the person
  is told (``Status-Guard-Notice`` header; a notice on an HTML response). Words that only name the
  subject ("they asked about my immigration status") are kept and audited.
* The city's own immigrant services — citizenship-class sign-ups, naturalization-ceremony RSVPs,
  DACA-renewal clinics, the immigrant-affairs newsletter, passport-acceptance appointments — work:
  a form that offers a service without asking a person's status is not collecting status. Survey
  numbering (``i20``, ``i94`` in a run) and "Permanent resident" as a parking-permit type are
  look-alikes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Effect

from .conftest import make_app, refused

pytestmark = pytest.mark.anyio

COMPLAINTS = [
    "My landlord threatened to report my immigration status to ICE if I complained about the heat.",
    "I am undocumented and my employer has not paid me for three weeks of work.",
    "Mi patrón sabe que estoy sin papeles y no me paga las horas extras.",
    "The manager said he would call immigration on us because we are asylum seekers.",
    "I have a green card but the office still asked me for more papers before helping.",
]


async def _send(guard: Any, client_for: Any, path: str, **kw: Any) -> Any:
    async with client_for(make_app(guard)) as c:
        return await c.post(path, **kw)


@pytest.mark.parametrize("text", COMPLAINTS)
async def test_a_residents_complaint_mentioning_status_reaches_the_city_unchanged_040b(guard, client_for, text) -> None:
    body = {"name": "Ana", "complaint": text}
    r = await _send(guard, client_for, "/housing/complaints", json=body)
    assert r.status_code == 200
    assert json.loads(r.json()["body"]) == body  # nothing removed, nothing refused
    d = guard.check_submission(body, scope="city", requester="public")
    assert d.effect is Effect.FLAG and "2.129.040(b)" in d.citations
    assert d.paths_with(Effect.FLAG) == ("complaint",)


async def test_a_911_text_that_mentions_ice_is_never_refused_040b(guard, client_for) -> None:
    body = {"session": "t911", "body": "My neighbor says he will call ICE on my family because we are undocumented. Please help."}
    app = make_app(guard)
    async with client_for(app) as c:
        r = await c.post("/police/text-to-911", json=body)
    # what the police app received is the resident's text, unchanged (its echo back to a public
    # requester is a police-scope disclosure: only declared public-record fields leave, 040(e))
    assert r.status_code == 200 and json.loads(app.state.received[-1]["body"]) == body


async def test_the_audit_record_of_a_volunteered_mention_names_the_field_not_the_words_040b(guard) -> None:
    from status_guard import Guard

    g = Guard.default(audit="memory:")
    d = g.check_submission({"comments": "I am undocumented and scared to call the city."}, scope="city", requester="public")
    rec = g.record(d, adapter="asgi")
    text = json.dumps(rec)
    assert rec["effect"] == "flag" and rec["fields"] == ["comments"] and "volunteered_status" in rec["categories"]
    assert "undocumented" not in text and "scared" not in text


async def test_a_parents_note_at_school_loses_only_the_disclosing_words_and_they_are_told_040k(guard, client_for) -> None:
    note = "We are undocumented and my husband was detained by ICE last month. Maria needs help with math."
    app = make_app(guard)
    async with client_for(app) as c:
        r = await c.post("/schools/counselor/request", json={"student": "Maria", "note": note},
                         headers={"accept-language": "es"})
    assert r.status_code == 200
    got = json.loads(app.state.received[-1]["body"])  # what the app stored (its echo is redacted on the way out)
    assert got["student"] == "Maria"
    assert "undocumented" not in got["note"] and "detained by ICE" not in got["note"]
    assert "Maria needs help with math." in got["note"] and "[removed: 2.129.040(k)]" in got["note"]
    assert r.headers["status-guard-notice"].startswith("removed;") and "2.129.040(k)" in r.headers["status-guard-notice"]


async def test_a_school_form_posted_from_a_browser_shows_the_notice_on_the_page_040k(guard, client_for) -> None:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    from status_guard.asgi import StatusGuardMiddleware

    async def saved(request: Any) -> HTMLResponse:
        await request.body()
        return HTMLResponse("<html><body><h1>Thank you</h1></body></html>")

    app = Starlette(routes=[Route("/schools/note", saved, methods=["POST"])],
                    middleware=[Middleware(StatusGuardMiddleware, guard=guard, identify=lambda s: "public", scope="schools")])
    async with client_for(app) as c:
        r = await c.post("/schools/note", data={"note": "Somos indocumentados. Mi hijo necesita ayuda con inglés."},
                         headers={"accept-language": "es"})
    assert r.status_code == 200 and "Thank you" in r.text
    assert 'class="status-guard-notice"' in r.text and "2.129.040(k)" in r.text
    assert "Escuelas Públicas de Cambridge" in r.text  # in the person's language


async def test_naming_the_subject_at_school_is_kept_and_audited_040k(guard, client_for) -> None:
    body = {"complaint": "The registrar asked about my immigration status when I enrolled my son."}
    app = make_app(guard)
    async with client_for(app) as c:
        r = await c.post("/schools/complaints", json=body)
    assert r.status_code == 200 and json.loads(app.state.received[-1]["body"]) == body
    d = guard.check_submission(body, scope="schools", requester="public")
    assert d.effect is Effect.FLAG and "status_topic" in d.categories


async def test_a_form_that_asks_status_is_still_an_inquiry_even_in_free_text_040b(guard, client_for) -> None:
    r = await _send(guard, client_for, "/intake", json={"describe_your_immigration_status": "I am undocumented."})
    assert r.status_code == 422


# -- property: generated stories ---------------------------------------------------------------
OPENERS = ["My landlord", "The manager at work", "A neighbor", "My ex-husband", "The owner of the building"]
THREATS = ["threatened to report my immigration status", "said he would call ICE because I am undocumented",
           "knows I do not have papers and refuses to fix the heat", "said my green card could be taken away",
           "told me asylum seekers have no rights here"]
ENDINGS = ["if I complained to the city.", "and I am afraid.", "so I stopped asking for repairs.", "last week."]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opener=st.sampled_from(OPENERS), threat=st.sampled_from(THREATS), ending=st.sampled_from(ENDINGS),
       field=st.sampled_from(["complaint", "comments", "description", "message", "details", "q12", "notes",
                              "form_response.answers[2].text"]))
def test_any_generated_residents_story_is_never_refused_in_city_or_schools_040b_040k(guard, opener, threat, ending,
                                                                                 field) -> None:
    story = f"{opener} {threat} {ending} I need help with the heat."
    doc: dict[str, Any] = {"name": "Ana"}
    doc[field] = story
    city = guard.check_submission(doc, scope="city", requester="public")
    assert city.effect in (Effect.ALLOW, Effect.FLAG), city.explain()
    schools = guard.check_submission(doc, scope="schools", requester="public")
    assert schools.effect in (Effect.ALLOW, Effect.FLAG, Effect.REDACT), schools.explain()


# -- property: the story in the residents' languages, inside a form builder's own record ---------
STORIES = [  # the person says they have no papers, in the first person, in the notes languages
    "Mi patrón no me paga las horas extras y me dijo que iba a llamar a inmigración porque no tengo papeles.",
    "Meu patrão não paga as horas extras porque não tenho documentos.",
    "Mèt kay la pa vle ranje chofaj la paske m pa gen papye.",
    "The landlord knows I do not have papers and will not fix the heat.",
    "Nuestro jefe sabe que no tenemos papeles.",
]
RECORDS = [  # a builder's own submission metadata beside the answers (Cognito, Formstack, Typeform-like)
    {"Entry": {"Number": 5, "Status": "Submitted"}}, {"Entry": {"Status": "Incomplete", "Version": 2}},
    {"Submission": {"Status": "complete"}}, {}]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(story=st.sampled_from(STORIES), record=st.sampled_from(RECORDS),
       field=st.sampled_from(["MoTaVanDe", "q8_describaSu", "complaint", "Descripcion", "details"]))
def test_a_story_in_any_language_beside_a_builders_record_is_flagged_never_refused_040b(guard, story, record,
                                                                                       field) -> None:
    doc: dict[str, Any] = {"Form": {"Id": "30", "Name": "Housing complaint"}, "HoVaTen": "Lê Thị Hoa", field: story}
    doc.update(record)
    city = guard.check_submission(doc, scope="city", requester="public")
    assert city.effect is Effect.FLAG, city.explain()
    assert city.paths_with(Effect.FLAG) == (field,)


# -- item 8: the city's own immigrant services ------------------------------------------------------
SERVICES = {
    "citizenship class sign-up": {"name": "Ana", "email": "a@example.org", "citizenship_class_level": "Beginner",
                                  "citizenship_class_session": "Saturday 10am"},
    "naturalization ceremony RSVP": {"guest_name": "Ana", "naturalization_ceremony_date": "2026-07-04",
                                     "number_of_guests": "3", "rsvp": "yes"},
    "DACA-renewal clinic": {"name": "Luis", "daca_renewal_clinic_date": "2026-06-14", "interpreter": "Spanish",
                            "program": "DACA renewal clinic"},
    "immigrant-affairs newsletter": {"email": "b@example.org", "immigrant_affairs_newsletter": "on",
                                     "newsletter_language": "Haitian Creole"},
    "passport-acceptance appointment": {"name": "Mei", "passport_appointment_date": "2026-05-20",
                                        "passport_application_type": "Renewal", "service": "Passport acceptance"},
    "survey numbering": {"i1": "Danehy Park", "i2": "weekly", "i19": "3", "i20": "4", "i21": "2", "i93": "no",
                         "i94": "Strongly agree", "i95": "More shade"},
    "parking permit type": {"plate": "1ABC23", "permit_type": "Permanent resident", "zone": "Mid-Cambridge"},
    "Office of Immigrant Affairs question": {"topic": "Know your rights workshop",
                                             "message": "When is the next citizenship workshop in Spanish?"},
}


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_the_citys_own_immigrant_services_work_040b(guard, client_for, service) -> None:
    body = SERVICES[service]
    r = await _send(guard, client_for, "/services/signup", json=body)
    assert r.status_code == 200, (service, r.text)
    assert json.loads(r.json()["body"]) == body
    d = guard.check_submission(body, scope="city", requester="public")
    assert d.effect is not Effect.BLOCK and not d.paths_with(Effect.STRIP, Effect.REDACT)


async def test_a_service_form_that_does_ask_status_is_still_refused_040b(guard, client_for) -> None:
    r = await _send(guard, client_for, "/services/signup",
                    json={"name": "Luis", "daca_renewal_clinic_date": "2026-06-14", "daca_expiration_date": "2026-09-01"})
    assert r.status_code == 422 and "daca_expiration_date" in r.text


async def test_a_service_page_keeps_every_question(guard, client_for) -> None:
    page = ('<html><body><h1>Citizenship class sign-up</h1><form method="post" action="/s">'
            '<label for="n">Name</label><input id="n" name="name">'
            '<p>Which citizenship class would you like to join?</p><select name="q2"><option>Beginner</option>'
            '<option>Interview practice</option></select>'
            '<label><input type="checkbox" name="news"> Send me the Office of Immigrant Affairs newsletter</label>'
            '<p>This office serves everyone regardless of immigration status.</p><input name="q3" aria-label="Email">'
            '</form></body></html>')
    async with client_for(make_app(guard, pages={"/class": page})) as c:
        r = await c.get("/class")
        assert r.text == page
        assert (await c.post("/s", data={"name": "Ana", "q2": "Beginner", "news": "on", "q3": "a@b.c"})).status_code == 200

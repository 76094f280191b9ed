"""Item 2 of issue 12, review r12d — the question a person sees on a served page, wherever the page
puts it (2.129.040(b): no city employee may inquire about immigration or citizenship status; 040(k)
in schools).

Invariant: a served page that asks status — in a heading with instructions between it and the
control (F16), in the option labels, option texts or button texts of a choice whose own question is
neutral or absent (F15), inside ``<template>`` or ``<noscript>`` (F05), or in a SurveyJS / Form.io
definition written as a JavaScript object literal or a JSON data block in a ``<script>`` (F04) —
leaves the server without that question, and a later submission of that control to the route is
refused however generic its name. The same pages with neutral questions leave byte for byte and
their answers are accepted. A script whose definition cannot be read but whose strings ask status
is withheld (fail closed).
"""

from __future__ import annotations

import html
import json

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import make_app

pytestmark = pytest.mark.usefixtures("quiet_logs")

STATUS_QUESTIONS = ["Are you a US citizen?", "What is your immigration status?", "Do you have a green card?",
                    "¿Cuál es su estatus migratorio?"]
NEUTRAL_QUESTIONS = ["Which library branch do you use?", "What time of day works best for you?",
                     "How many people live in your household?"]
STATUS_OPTIONS = [["I am a U.S. citizen", "I have a green card", "Other"],
                  ["Citizen", "Permanent resident", "Undocumented"],
                  ["U.S. citizen", "Lawful permanent resident", "None of these"],
                  ["I have a green card", "Other"]]  # one option said of oneself is a statement
PLAIN = ("Other", "None of these")
NEUTRAL_OPTIONS = [["Central", "Porter Square", "Valente"], ["Morning", "Afternoon", "Evening"],
                   ["Citizenship classes", "DACA renewal clinic", "Passport appointment"]]
NEUTRAL_PROMPTS = ["", "<p>Which applies to you?</p>", "<p>Choose one</p>", "<h3>Section 4</h3>"]
INSTRUCTIONS = ["<p>Answer as it applies to you today.</p>", '<div class="help">Select the answer that best '
                "describes you.</div>", "<p>Your answer helps us route your request to the right office.</p>",
                '<div class="help"><small>This question is optional.</small></div>']
NAMES = st.from_regex(r"[a-z]{1,2}[0-9]{1,3}|field_[0-9]{1,4}|answer[0-9]?", fullmatch=True)


def page(body: str, action: str = "/submit") -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><title>Intake</title></head><body><h1>Resident intake</h1>'
            f'<form method="post" action="{action}"><label for="nm">Your name</label><input id="nm" name="name">'
            f"{body}<button type=submit>Send</button></form></body></html>")


# -- JavaScript object literals in the dialects people type ---------------------------------------
def to_js(value: object, style: dict[str, object]) -> str:
    """``value`` written as a JavaScript literal: unquoted or quoted keys, single or double quotes,
    trailing commas, comments."""
    q = str(style["quote"])
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            key = k if style["bare_keys"] else f"{q}{k}{q}"
            parts.append(f"{key}: {to_js(v, style)}")
        tail = "," if style["trailing"] else ""
        note = " /* question */" if style["comments"] else ""
        return "{" + note + " " + ", ".join(parts) + tail + " }"
    if isinstance(value, list):
        return "[" + ", ".join(to_js(v, style) for v in value) + ("," if style["trailing"] and value else "") + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return q + value.replace("\\", "\\\\").replace(q, "\\" + q) + q
    return json.dumps(value)


def surveyjs(name: str, title: str, options: list[str] | None) -> dict[str, object]:
    el: dict[str, object] = {"type": "radiogroup" if options else "text", "name": name, "title": title}
    if options:
        el["choices"] = options
    return {"elements": [{"type": "text", "name": "city", "title": "Your city"}, el]}


def formio(name: str, title: str, options: list[str] | None) -> dict[str, object]:
    comp: dict[str, object] = {"type": "radio" if options else "textfield", "key": name, "label": title, "input": True}
    if options:
        comp["values"] = [{"label": o, "value": f"v{i}"} for i, o in enumerate(options)]
    return {"display": "form", "components": [{"type": "textfield", "key": "city", "label": "Your city",
                                               "input": True}, comp]}


def script_position(dialect: str, holder: str, name: str, title: str, options: list[str] | None,
                    style: dict[str, object]) -> str:
    doc = surveyjs(name, title, options) if dialect == "surveyjs" else formio(name, title, options)
    if style["nested"]:  # SurveyJS pages[], a Form.io panel
        doc = {"title": "Intake", "pages": [{"name": "p1", **doc}]} if dialect == "surveyjs" else \
            {"display": "form", "components": [{"type": "panel", "key": "panel1", "title": "About you",
                                                "input": False, "components": doc["components"]}]}
    if holder == "json":
        typ = style["json_type"]
        attr = f' type="{typ}"' if typ else ""
        return f'<script id="def-{name}"{attr}>{html.escape(json.dumps(doc), quote=False)}</script>'
    if dialect == "surveyjs":
        lit = to_js(doc, style)
        return f'<div id="s"></div><script>var survey = new Survey.Model({lit});\nsurvey.render("s");</script>'
    lit = to_js(doc, style)
    return f"<div id=\"f\"></div><script>Formio.createForm(document.getElementById('f'), {lit});</script>"


JS_STYLE = st.fixed_dictionaries({
    "quote": st.sampled_from(["'", '"']), "bare_keys": st.booleans(), "trailing": st.booleans(),
    "comments": st.booleans(), "nested": st.booleans(), "json_type": st.sampled_from(["application/json", "text/x-survey", ""]),
})


# -- every position a question can take -----------------------------------------------------------
def control(kind: str, name: str, options: list[str]) -> str:
    if kind == "text":
        return f'<input type="text" name="{name}">'
    if kind == "labelled":
        return f'<label for="c-{name}">Your answer</label><input id="c-{name}" name="{name}">'
    if kind == "textarea":
        return f'<textarea name="{name}"></textarea>'
    if kind == "select":
        return f'<select name="{name}">' + "".join(f"<option>{html.escape(o)}</option>" for o in options) + "</select>"
    if kind == "buttons":
        return "".join(f'<button type="submit" name="{name}" value="v{i}">{html.escape(o)}</button>'
                       for i, o in enumerate(options))
    typ = "radio" if kind == "radios" else "checkbox"
    return "".join(f'<input type="{typ}" name="{name}" value="v{i}"> {html.escape(o)} ' for i, o in enumerate(options))


@st.composite
def placed(draw: st.DrawFn, status: bool) -> tuple[str, str, list[str]]:
    """(page body, control name, texts that must leave the page) for one generated position."""
    name = draw(NAMES)
    q = draw(st.sampled_from(STATUS_QUESTIONS if status else NEUTRAL_QUESTIONS))
    yes_no = ["Yes", "No"]
    where = draw(st.sampled_from(["heading", "options", "template", "noscript", "script"]))
    if where == "heading":  # F16
        h = draw(st.sampled_from(["h2", "h3", "h4"]))
        steps = draw(st.lists(st.sampled_from(INSTRUCTIONS), min_size=1, max_size=3))
        kind = draw(st.sampled_from(["text", "labelled", "textarea", "radios", "select"]))
        return f"<{h}>{html.escape(q)}</{h}>" + "".join(steps) + control(kind, name, yes_no), name, [q]
    if where == "options":  # F15
        opts = draw(st.sampled_from(STATUS_OPTIONS if status else NEUTRAL_OPTIONS))
        prompt = draw(st.sampled_from(NEUTRAL_PROMPTS))
        kind = draw(st.sampled_from(["radios", "checkboxes", "select", "buttons"]))
        return prompt + control(kind, name, opts), name, [o for o in opts if o not in PLAIN]
    if where in ("template", "noscript"):  # F05
        inner = draw(st.sampled_from([f"<p>{html.escape(q)}</p>" + control("text", name, yes_no),
                                      f"<label>{html.escape(q)} <input name=\"{name}\"></label>",
                                      f"<fieldset><legend>{html.escape(q)}</legend>" + control("radios", name, yes_no)
                                      + "</fieldset>"]))
        return f"<{where}>{inner}</{where}>", name, [q]
    # F04: SurveyJS / Form.io, JS literal or JSON data block; the status in the title or the choices
    dialect = draw(st.sampled_from(["surveyjs", "formio"]))
    holder = draw(st.sampled_from(["literal", "json"]))
    style = draw(JS_STYLE)
    if draw(st.booleans()):
        return script_position(dialect, holder, name, q, None, style), name, [q]
    opts = draw(st.sampled_from(STATUS_OPTIONS if status else NEUTRAL_OPTIONS))
    title = draw(st.sampled_from(["Which applies to you?", "Choose one"]))
    return script_position(dialect, holder, name, title, opts, style), name, [o for o in opts if o not in PLAIN]


def serve_and_submit(guard: object, body: str, name: str) -> tuple[str, str, int]:
    app = make_app(guard, pages={"/form": body})
    out: dict[str, object] = {}

    async def run() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.get("/form")
            out["text"] = r.text
            sub = await c.post("/submit", data={"name": "Ana", name: "no"})
            out["status"] = sub.status_code

    anyio.run(run)
    return body, str(out["text"]), int(out["status"])  # type: ignore[call-overload]




@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=placed(status=True))
def test_a_status_question_in_any_position_leaves_the_page_and_its_answer_is_refused_040b(guard, case) -> None:
    body, name, texts = case
    served, text, status = serve_and_submit(guard, page(body), name)
    for t in texts:
        for form in {t, html.escape(t), html.escape(t, quote=False), json.dumps(t)[1:-1]}:
            assert form not in text, (t, body, text)
    assert status == 422, (name, body, text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=placed(status=False))
def test_the_same_pages_with_neutral_questions_leave_unchanged_and_are_answered_040b(guard, case) -> None:
    body, name, _texts = case
    served, text, status = serve_and_submit(guard, page(body), name)
    assert text == served, (body, text)
    assert status == 200, (name, body)


# -- the review's own shapes ----------------------------------------------------------------------
R12D = {
    "F04_surveyjs_literal": "<div id=s></div><script>var survey = new Survey.Model({ elements: [{ type: 'radiogroup', "
                            "name: 'q7', title: 'Are you a US citizen?', choices: ['Yes', 'No'], }], });</script>",
    "F04_formio_literal": "<div id=f></div><script>Formio.createForm(el, {components:[{type:'textfield', key:'q7', "
                          "label:'Are you a US citizen?', input:true},]});</script>",
    "F04_json_block": '<script type="application/json" id="survey-def">{"elements":[{"type":"radiogroup","name":"q7",'
                      '"title":"Are you a US citizen?","choices":["Yes","No"]}]}</script>',
    "F04_id_block": '<script id="survey-def" type="text/x-survey">{"elements":[{"type":"radiogroup","name":"q7",'
                    '"title":"Are you a US citizen?","choices":["Yes","No"]}]}</script>',
    "F05_template": '<template id=t><p>Are you a US citizen?</p><input name="q7"></template>',
    "F05_noscript": '<noscript><p>Are you a US citizen?</p><input name="q7"></noscript>',
    "F15_radio_labels": '<p>Which applies to you?</p><input type=radio name=q7 value=1> I have a green card '
                        '<input type=radio name=q7 value=2> I am a U.S. citizen',
    "F15_no_question": '<input type=radio name=q7 value=1> I have a green card <input type=radio name=q7 value=2> '
                       'I am a U.S. citizen',
    "F15_submit_buttons": '<p>Choose one</p><button name=q7 value=1>I am a U.S. citizen</button>'
                          '<button name=q7 value=2>I have a green card</button>',
    "F16_h2_p": '<h2>Are you a US citizen?</h2><p>Answer as it applies to you today.</p><input name="q7">',
    "F16_h2_help_divs": '<h2>Are you a US citizen?</h2><div class="help">Select the answer that best describes you.'
                        '</div><div class="help">This is optional.</div><input type=radio name=q7 value=y> Yes '
                        '<input type=radio name=q7 value=n> No',
}


@pytest.mark.parametrize("flaw", sorted(R12D))
def test_review_r12d_pages_no_longer_ask_status_and_refuse_q7_040b(guard, flaw) -> None:
    served, text, status = serve_and_submit(guard, page(R12D[flaw]), "q7")
    for t in ("US citizen", "U.S. citizen", "green card"):
        assert t not in text, (flaw, text)
    assert status == 422, (flaw, text)


def test_a_template_answer_is_refused_wherever_the_script_posts_it_040b(guard) -> None:
    """A ``<template>`` outside any form is stamped by script into a form the guard cannot see:
    its asking control is remembered for the paths the page's scripts name and those under the
    page's own — not route-wide, where another form's ``f12`` would be refused (r12e F06)."""
    body = ('<html><body><template id="t"><p>What is your immigration status?</p><input name="f12"></template>'
            '<div id="mount"></div><script>fetch("/api/applications", {method: "POST"});</script></body></html>')
    app = make_app(guard, pages={"/apply": body})

    async def run() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.get("/apply")
            assert "immigration status" not in r.text
            assert (await c.post("/api/applications", json={"f12": "x"})).status_code == 422
            assert (await c.post("/apply/submit", json={"f12": "x"})).status_code == 422
            assert (await c.post("/library/holds", json={"f12": "Central Square"})).status_code != 422

    anyio.run(run)


def test_an_unreadable_definition_that_asks_status_is_withheld_040b(guard) -> None:
    """Fail closed: a definition computed by code cannot be read; when its strings ask status the
    script is withheld, with a comment citing the clause, and the named answer is refused."""
    body = page('<script>const questions = [makeQuestion("q7", "Are you a US citizen?")];\n'
                "new Survey.Model({ elements: questions });</script>")
    seen = len(list(guard.audit.records()))
    served, text, status = serve_and_submit(guard, body, "q7")
    assert "Are you a US citizen?" not in text and "2.129.040(b)" in text and "withheld" in text
    assert status == 422
    withheld = [r for r in list(guard.audit.records())[seen:] if r.get("kind") == "decision"
                and r.get("action") == "collect" and r.get("effect") == "strip" and "q7" in (r.get("fields") or [])]
    assert withheld, "the withheld script is audited"


def test_an_unreadable_definition_that_asks_nothing_protected_is_served_unchanged_040b(guard) -> None:
    body = page('<script>const questions = [makeQuestion("q7", "Which library branch do you use?")];\n'
                "new Survey.Model({ elements: questions });</script>")
    served, text, status = serve_and_submit(guard, body, "q7")
    assert text == served and status == 200


def test_the_city_own_services_offered_as_choices_are_not_status_questions_040b(guard) -> None:
    """Issue 12 item 8: a sign-up whose options name immigrant services does not ask status."""
    for body in ('<p>Which services would you like?</p><input type=checkbox name=q7 value=a> Citizenship classes '
                 '<input type=checkbox name=q7 value=b> DACA renewal clinic <input type=checkbox name=q7 value=c> '
                 'Passport acceptance appointment',
                 '<button name=q7 value=1>Sign up for citizenship classes</button><button name=q7 value=2>Cancel'
                 '</button>',
                 '<p>Parking permit type</p><select name=q7><option>Resident</option><option>Permanent resident'
                 '</option><option>Visitor</option></select>',
                 '<h2>Immigration services</h2><p>Which clinic date works for you?</p><input name=q7>'):
        served, text, status = serve_and_submit(guard, page(body), "q7")
        assert text == served and status == 200, body


@pytest.mark.parametrize("flaw", ["F04_surveyjs_literal", "F05_template", "F15_radio_labels", "F16_h2_p"])
def test_a_school_page_asking_status_in_these_positions_keeps_nothing_040k(guard, flaw) -> None:
    """040(k): a school shall not keep such information — the school's page loses the question and
    the answer posted to the school's route is refused."""
    body = R12D[flaw].replace("US citizen", "U.S. citizen")
    app = make_app(guard, pages={"/schools/enroll": page(body, action="/schools/enroll/save")})

    async def run() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.get("/schools/enroll")
            assert "U.S. citizen" not in r.text and "green card" not in r.text, r.text
            sub = await c.post("/schools/enroll/save", data={"name": "Ana", "q7": "no"})
            assert sub.status_code == 422 and "2.129.040(k)" in sub.text, sub.text

    anyio.run(run)


@pytest.mark.parametrize("script", [
    "<script>var cfg = { fields: buildFields() }; var msg = 'We serve everyone regardless of immigration status.';"
    " show(msg);</script>",
    "<script>var cfg = { items: load() }; var t = {en: 'Immigration status is never asked.', banner: "
    "'Citizenship classes start Monday'};</script>",
    "<script>var cfg = { items: load() }; var h = 'Immigrant Legal Services';</script>",
])
def test_a_script_that_informs_or_offers_a_service_is_not_withheld_040b(guard, script) -> None:
    """Fail closed only on what asks: a script with form keys whose strings inform residents of
    their rights or name a city service is served byte for byte."""
    served, text, status = serve_and_submit(guard, page(script), "q7")
    assert text == served and status == 200


def test_a_script_file_defining_a_survey_as_a_js_literal_loses_the_question_040b(guard) -> None:
    """F04 in a script file the page loads (``/static/survey.js``): the JS-literal definition is read,
    the status question removed, and the answer posted where the script posts it refused."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import Response
    from starlette.routing import Route

    from status_guard.asgi import StatusGuardMiddleware

    from .conftest import received

    js = ("var survey = new Survey.Model({ elements: [{ type: 'radiogroup', name: 'q7', title: 'Are you a US "
          "citizen?', choices: ['Yes', 'No'], }, { type: 'text', name: 'q8', title: 'Your city', }], });\n"
          "survey.onComplete.add(function (s) { fetch('/api/answers', {method: 'POST'}); });")
    app = Starlette(routes=[Route("/static/survey.js", lambda r: Response(js, media_type="application/javascript")),
                            Route("/{p:path}", received, methods=["POST"])],
                    middleware=[Middleware(StatusGuardMiddleware, guard=guard, identify=lambda s: "public",
                                           scope="city")])
    app.state.received = []

    async def run() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.get("/static/survey.js")
            assert "US citizen" not in r.text and "Your city" in r.text and "survey.onComplete" in r.text
            assert (await c.post("/api/answers", data={"q7": "no"})).status_code == 422
            assert (await c.post("/api/answers", data={"q8": "Boston"})).status_code == 200

    anyio.run(run)


def test_an_email_box_under_a_status_section_heading_asks_the_email_040b(guard) -> None:
    """A heading is read over instructions only for a control whose type does not say what it asks:
    an e-mail box under "Immigration status" / "Enter your email …" asks for the e-mail."""
    body = ('<h2>Immigration status</h2><p>Enter your email so we can send the guide.</p>'
            '<input type="email" name="q7">')
    served, text, status = serve_and_submit(guard, page(body), "q7")
    assert text == served and status == 200

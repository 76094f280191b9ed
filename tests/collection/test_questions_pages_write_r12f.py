"""r12f (issue 12, fix-12l) — a question reaches the resident however the page writes it.

Invariants (2.129.040(b); 040(k) in schools):
* F01 — a status question written by a page's script (a string literal put on screen, escaped,
  concatenated or base64-encoded) leaves the page with the script, and a later submission of the
  control it names is refused; a script whose strings ask nothing protected is sent byte for byte.
* F10/F17/F02 — every human-readable text of a served form definition (a Form.io tooltip, a Typeform
  ``properties.description``, a SurveyJS matrix row, an html block before a control, an Open311
  attribute's description) is that control's question: it leaves the definition and its answer is
  refused.
* F19 — a control htmx posts (``hx-post``/``data-hx-post``) or a script posts (``fetch("/x")``) is
  remembered for that path.
* F21 — in schools, a parent's words sent as GraphQL variables are kept with the clause removed (as
  plain JSON is), not refused whole.
* F12 — an image's ``alt``, MathML text or ``<object>`` fallback text inside or before a label is part
  of the control's question.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from status_guard import Guard
from status_guard.asgi import RouteConfig, StatusGuardMiddleware

pytestmark = pytest.mark.usefixtures("quiet_logs")

ASKED = ["Are you a U.S. citizen?", "What is your immigration status?", "Do you have a green card?",
         "¿Cuál es su estatus migratorio?", "What is your citizenship status?"]
HARMLESS = ["How many people are coming?", "Which branch is closest to you?", "What is your phone number?",
            "¿Cuántas personas vienen?", "Anything else you want us to know?"]
NAMES = ["q7", "field_12", "answer3", "x1", "c9"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])

PAGES: dict[str, tuple[bytes, str]] = {}
RECEIVED: list[bytes] = []


async def _endpoint(request: Request) -> Response:
    if request.method == "GET" and request.url.path in PAGES:
        body, ct = PAGES[request.url.path]
        return Response(body, media_type=ct)
    RECEIVED.append(await request.body())
    return JSONResponse({"received": True})


_APP = StatusGuardMiddleware(Starlette(routes=[Route("/{path:path}", _endpoint, methods=["GET", "POST"])]),
                             guard=Guard.default(audit="memory:"), identify=lambda s: "public", scope="city",
                             routes=[RouteConfig("/schools", "schools")])
CLIENT = TestClient(_APP)
_N = [0]


def _fresh(prefix: str) -> str:
    _N[0] += 1
    return f"/{prefix}{_N[0]}"


def serve(path: str, body: str, ct: str = "text/html; charset=utf-8") -> str:
    PAGES[path] = (body.encode(), ct)
    return CLIENT.get(path).text


def accepted(path: str, *, form: dict[str, str] | None = None, json_body: object = None) -> bool:
    RECEIVED.clear()
    if form is not None:
        raw, ct = urlencode(form).encode(), "application/x-www-form-urlencoded"
    else:
        raw, ct = json.dumps(json_body).encode(), "application/json"
    CLIENT.post(path, content=raw, headers={"content-type": ct})
    return bool(RECEIVED) and RECEIVED[-1] == raw


# -- F01: a script writes the question -------------------------------------------------------------

def _js_literal(text: str, how: str, cut: int) -> str:
    """``text`` as a JavaScript expression a browser evaluates back to ``text``."""
    if how == "plain":
        return json.dumps(text, ensure_ascii=False)
    if how == "unicode":  # every letter at an odd position written as \\uXXXX
        return '"' + "".join(f"\\u{ord(c):04x}" if i % 2 and c.isalpha() else c.replace('"', '\\"')
                             for i, c in enumerate(text)) + '"'
    if how == "hex":
        return '"' + "".join(f"\\x{ord(c):02x}" if c.isascii() and c.isalpha() and i % 3 == 0 else c
                             for i, c in enumerate(text)) + '"'
    if how == "concat":
        k = max(1, min(len(text) - 1, cut))
        return f"{json.dumps(text[:k], ensure_ascii=False)} + '{text[k:]}'"
    if how == "atob":
        return f'decodeURIComponent(escape(atob("{base64.b64encode(text.encode()).decode()}")))'
    raise AssertionError(how)


def _scripted_page(carrier: str, q: str, name: str, action: str, how: str, cut: int) -> str:
    lit = _js_literal(q, how, cut)
    if carrier == "textContent":
        body = (f'<form action="{action}" method=post><label id=l1></label><input name={name} aria-labelledby=l1>'
                f'<button>Go</button></form><script>document.getElementById("l1").textContent = {lit};</script>')
    elif carrier == "innerHTML-before":
        body = (f'<form action="{action}" method=post><span id=s1></span><input name={name}><button>Go</button>'
                f'</form><script>document.querySelector("#s1").innerHTML = {lit};</script>')
    elif carrier == "i18n":
        body = (f'<script>var strings = {{"{name}": {lit}, "send": "Send"}};</script><form action="{action}" '
                f'method=post><label data-i18n={name}></label><input name={name}><button>Go</button></form>')
    elif carrier == "render":
        body = (f'<form action="{action}" method=post><div id=f></div><button>Go</button></form>'
                f'<script>render({{label: {lit}, name: "{name}"}});</script>')
    else:
        raise AssertionError(carrier)
    return f"<!DOCTYPE html><html><head><title>Intake</title></head><body>{body}</body></html>"


CARRIERS = st.sampled_from(["textContent", "innerHTML-before", "i18n", "render"])
ENCODINGS = st.sampled_from(["plain", "unicode", "hex", "concat", "atob"])


@SETTINGS
@given(carrier=CARRIERS, q=st.sampled_from(ASKED), name=st.sampled_from(NAMES), how=ENCODINGS,
       cut=st.integers(1, 30))
def test_a_status_question_a_script_writes_leaves_the_page_and_its_answer_is_refused(carrier, q, name, how, cut):
    action = _fresh("f01a/")
    page = _scripted_page(carrier, q, name, action, how, cut)
    out = serve(_fresh("f01p/"), page)
    assert out != page, "the script that writes the question was sent as it came"
    assert base64.b64encode(q.encode()).decode() not in out and q not in out
    assert not accepted(action, form={name: "No"}), "a later answer to the scripted question was accepted"


@SETTINGS
@given(carrier=CARRIERS, q=st.sampled_from(HARMLESS), name=st.sampled_from(NAMES), how=ENCODINGS,
       cut=st.integers(1, 30))
def test_a_script_that_writes_an_ordinary_question_is_sent_byte_for_byte(carrier, q, name, how, cut):
    action = _fresh("f01h/")
    page = _scripted_page(carrier, q, name, action, how, cut)
    assert serve(_fresh("f01hp/"), page) == page
    assert accepted(action, form={name: "3"})


def test_a_script_that_names_immigration_help_in_a_heading_is_not_withheld():
    """A city page that offers immigration legal help says so in its script: not a question."""
    page = ('<html><body><h2 id=h></h2><form action="/help/ask" method=post><input name=q7></form><script>'
            'document.getElementById("h").textContent = "Free immigration legal help";</script></body></html>')
    assert serve("/help/page", page) == page


# -- F10 / F17 / F02: every readable text of a served definition -----------------------------------

def _definition(shape: str, q: str, name: str) -> tuple[dict, str, dict]:
    """(definition, the submission path relative to the definition's folder, the submission)."""
    if shape == "formio-tooltip":
        return ({"components": [{"type": "radio", "key": name, "label": "Select", "tooltip": q, "input": True,
                                 "values": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}]}]},
                "/submission", {"data": {name: "a"}})
    if shape == "formio-content-before":
        return ({"display": "form", "components": [{"type": "content", "key": "c1", "html": f"<p>{q}</p>",
                                                   "input": False},
                                                  {"type": "textfield", "key": name, "label": "Answer",
                                                   "input": True}]},
                "/submission", {"data": {name: "No"}})
    if shape == "typeform-description":
        return ({"title": "Intake", "fields": [{"id": name, "ref": name, "title": "Question 7", "type": "short_text",
                                                "properties": {"description": q}}]},
                "/submit", {"form_response": {"answers": [{"type": "text", "text": "No", "field": {"id": name}}]}})
    if shape == "surveyjs-matrix":
        return ({"elements": [{"type": "matrix", "name": name, "title": "Household", "columns": ["Yes", "No"],
                               "rows": [{"value": "r1", "text": q}]}]},
                "/results", {name: {"r1": "No"}})
    if shape == "surveyjs-html":
        return ({"elements": [{"type": "html", "name": "intro", "html": f"<b>{q}</b>"},
                              {"type": "boolean", "name": name, "title": "Answer"}]},
                "/results", {name: False})
    raise AssertionError(shape)


DEF_SHAPES = st.sampled_from(["formio-tooltip", "formio-content-before", "typeform-description", "surveyjs-matrix",
                              "surveyjs-html"])


@SETTINGS
@given(shape=DEF_SHAPES, q=st.sampled_from(ASKED), name=st.sampled_from(NAMES))
def test_every_readable_text_of_a_served_definition_is_its_controls_question(shape, q, name):
    folder = _fresh("def/")
    d, sub_path, sub = _definition(shape, q, name)
    out = serve(folder + "/form.json", json.dumps(d), "application/json")
    assert q not in json.loads(out).__repr__() and q not in out
    assert not accepted(folder + sub_path, json_body=sub)


@SETTINGS
@given(shape=DEF_SHAPES, q=st.sampled_from(HARMLESS), name=st.sampled_from(NAMES))
def test_a_definition_that_asks_nothing_protected_is_sent_as_it_came(shape, q, name):
    folder = _fresh("defh/")
    d, _, _ = _definition(shape, q, name)
    body = json.dumps(d)
    assert serve(folder + "/form.json", body, "application/json") == body


@SETTINGS
@given(q=st.sampled_from(ASKED), code=st.sampled_from(["Q7", "033-a", "7"]))
def test_an_open311_service_attribute_asking_status_is_removed_and_its_answer_refused(q, code):
    root = _fresh("open311/")
    d = {"service_code": "033", "attributes": [
        {"variable": True, "code": code, "datatype": "singlevaluelist", "required": True, "order": 1,
         "description": q, "values": [{"key": "Y", "name": "Yes"}, {"key": "N", "name": "No"}]},
        {"variable": True, "code": "where", "datatype": "string", "order": 2, "description": "Where is the pothole?"}]}
    out = serve(f"{root}/v2/services/033.json", json.dumps(d), "application/json")
    assert q not in out and "Where is the pothole?" in out
    assert not accepted(f"{root}/v2/requests.json", form={"service_code": "033", f"attribute[{code}]": "N"})
    assert accepted(f"{root}/v2/requests.json", form={"service_code": "033", "attribute[where]": "Main St"})


def test_a_google_forms_answer_to_a_question_its_definition_asked_is_refused():
    folder = _fresh("gf/")
    d = {"items": [{"title": "Question 7", "description": "Are you a U.S. citizen?",
                    "questionItem": {"question": {"questionId": "7a1b", "textQuestion": {}}}}]}
    serve(folder + "/form.json", json.dumps(d), "application/json")
    assert not accepted(folder + "/responses", json_body={
        "answers": {"7a1b": {"questionId": "7a1b", "textAnswers": {"answers": [{"value": "No"}]}}}})


# -- F19: htmx and script targets ------------------------------------------------------------------

@SETTINGS
@given(attr=st.sampled_from(["hx-post", "data-hx-post", "hx-put", "data-hx-patch"]),
       host=st.sampled_from(["form", "div", "section"]), q=st.sampled_from(ASKED), name=st.sampled_from(NAMES))
def test_a_control_htmx_posts_is_remembered_for_where_it_posts(attr, host, q, name):
    target = _fresh("hx/")
    serve(_fresh("hxp/"), f'<html><body><{host} {attr}="{target}"><p>{q}</p><input name={name}>'
                          f'<button>Go</button></{host}></body></html>')
    assert not accepted(target, form={name: "No"})


@SETTINGS
@given(q=st.sampled_from(ASKED), name=st.sampled_from(NAMES))
def test_a_control_a_script_posts_is_remembered_for_the_path_the_script_names(q, name):
    target = _fresh("fx/")
    serve(_fresh("fxp/"), f'<html><body><div><p>{q}</p><input name={name} id=c></div><button>Go</button><script>'
                          f'document.querySelector("button").onclick=()=>fetch("{target}",{{method:"POST",'
                          f'body:new URLSearchParams({{{name}:c.value}})}})</script></body></html>')
    assert not accepted(target, form={name: "No"})


# -- F21: GraphQL variables are plain JSON ---------------------------------------------------------

DISCLOSURES = ["I am undocumented.", "No tengo papeles.", "My son has no green card."]
REST = ["Leo needs the bus.", "Please call me after 5.", "Necesito ayuda con el autobús."]


@SETTINGS
@given(d=st.sampled_from(DISCLOSURES), rest=st.sampled_from(REST), nested=st.booleans())
def test_a_parents_words_in_graphql_variables_are_kept_with_the_clause_removed(d, rest, nested):
    note = f"{d} {rest}"
    if nested:
        body = {"query": "mutation($in: NoteInput) { addNote(input: $in) { id } }",
                "variables": {"in": {"student": "Leo", "text": note}}}
    else:
        body = {"query": "mutation($n: String) { addNote(text: $n) { id } }", "variables": {"n": note}}
    RECEIVED.clear()
    r = CLIENT.post("/schools/gql", json=body)
    assert r.status_code == 200 and RECEIVED, "the parent's note was refused whole"
    sent = json.loads(RECEIVED[-1])
    text = sent["variables"]["in"]["text"] if nested else sent["variables"]["n"]
    assert d not in text and rest in text
    assert sent["query"] == body["query"]


# -- F12: the accessible name includes image, MathML and object text --------------------------------

@SETTINGS
@given(wrap=st.sampled_from(["img-in-label", "math-before", "object-before", "img-in-labelledby"]),
       q=st.sampled_from(ASKED), name=st.sampled_from(NAMES))
def test_an_image_or_mathml_question_beside_a_control_is_its_question(wrap, q, name):
    action = _fresh("f12/")
    inner = {
        "img-in-label": f'<label><img src=q.png alt="{q}"> <input name={name}></label>',
        "math-before": f"<math><mtext>{q}</mtext></math><input name={name}>",
        "object-before": f'<object data="q.svg">{q}</object><input name={name}>',
        "img-in-labelledby": f'<span id=t><img src=q.png alt="{q}"></span><input name={name} aria-labelledby=t>',
    }[wrap]
    page = f'<html><body><form action="{action}" method=post>{inner}<button>Go</button></form></body></html>'
    assert serve(_fresh("f12p/"), page) != page
    assert not accepted(action, form={name: "No"})


@SETTINGS
@given(carrier=st.sampled_from(["data-question", "x-data", "v-bind"]), q=st.sampled_from(ASKED + HARMLESS),
       name=st.sampled_from(NAMES), depth=st.integers(0, 2))
def test_a_question_an_attribute_holds_for_a_script_to_show_is_the_controls_question(carrier, q, name, depth):
    """F01 (attributes): ``data-question``, Alpine ``x-data``, Vue ``:label`` on the control or an
    ancestor hold text a script shows: a status question there leaves the page with its control
    and its answer is refused; an ordinary question leaves the page byte for byte."""
    action = _fresh("attr/")
    attr = {"data-question": f'data-question="{q}"', "x-data": f"x-data=\"{{ label: '{q}' }}\"",
            "v-bind": f":label=\"'{q}'\""}[carrier]
    inner = f"<input name={name}>"
    for _ in range(depth):
        inner = f"<span>{inner}</span>"
    page = f'<html><body><form action="{action}" method=post><div {attr}>{inner}</div></form></body></html>'
    out = serve(_fresh("attrp/"), page)
    if q in ASKED:
        assert q not in out and not accepted(action, form={name: "No"})
    else:
        assert out == page and accepted(action, form={name: "3"})

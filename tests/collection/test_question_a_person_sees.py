"""Item 2 — the question a person sees (2.129.040(b), 040(k)).

Invariant: when a served page asks immigration or citizenship status for a control — in its
accessible name (aria-labelledby, aria-label, <label for>, a wrapping <label>, title, placeholder),
its description (aria-describedby), its group (legend, role=group), or the visible question beside
it (<p>, <td>, <dt>, <div>, heading, a <span> beside a checkbox) — the control leaves the page
without that question, and a later submission of that control to the form's target is refused,
however generic its name (``q7``). Controls that ask nothing protected stay, byte for byte.
"""

from __future__ import annotations

import html
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.asgi.questions import find_controls

from .conftest import make_app, refused

QUESTIONS = ["Are you a US citizen?", "What is your immigration status?", "Do you have a green card?",
             "¿Cuál es su estatus migratorio?", "A-Number", "Passport number", "Você é cidadão americano?"]

# each template puts the question somewhere a person reads it; {q} is the question, {n} the name
TEMPLATES = {
    "p_before": '<p>{q}</p><input name="{n}">',
    "td_before": '<table><tr><td>{q}</td><td><input name="{n}"></td></tr></table>',
    "th_before": '<table><tr><th scope="row">{q}</th><td><select name="{n}"><option>Yes</option><option>No</option></select></td></tr></table>',
    "dt_before": '<dl><dt>{q}</dt><dd><input name="{n}"></dd></dl>',
    "div_before": '<div class="q-title">{q}</div><div class="q-body"><input type="text" name="{n}"></div>',
    "heading": '<h3>{q}</h3><textarea name="{n}"></textarea>',
    "legend_radios": '<fieldset><legend>{q}</legend><input type="radio" name="{n}" value="y"> Yes <input type="radio" name="{n}" value="n"> No</fieldset>',
    "role_group": '<div role="radiogroup" aria-label="{q}"><input type="radio" name="{n}" value="1"><input type="radio" name="{n}" value="2"></div>',
    "span_checkbox": '<input type="checkbox" name="{n}"><span>{q}</span>',
    "aria_label": '<input name="{n}" aria-label="{q}">',
    "aria_labelledby": '<span id="lbl-{n}">{q}</span><br><br><input name="{n}" aria-labelledby="lbl-{n}">',
    "aria_describedby": '<input name="{n}" aria-label="Answer" aria-describedby="hint-{n}"><small id="hint-{n}">{q}</small>',
    "label_for": '<label for="id-{n}">{q}</label><input id="id-{n}" name="{n}">',
    "wrapping_label": '<label>{q} <input name="{n}"></label>',
    "title": '<input name="{n}" title="{q}">',
    "placeholder": '<input name="{n}" placeholder="{q}">',
    "generic_label_and_p": '<p>{q}</p><label for="g-{n}">Answer</label><input id="g-{n}" name="{n}">',
    "text_node": '{q} <input name="{n}">',
}


def page(body: str, action: str = "/submit") -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><title>Intake</title></head><body><h1>Resident intake</h1>'
            f'<form method="post" action="{action}"><label for="nm">Your name</label><input id="nm" name="name">'
            f"{body}<button type=submit>Send</button></form></body></html>")


@pytest.mark.anyio
@pytest.mark.parametrize("where", sorted(TEMPLATES))
async def test_status_question_is_removed_from_the_page_and_its_answer_refused_040b(guard, client_for, where) -> None:
    q = "Are you a US citizen?"
    app = make_app(guard, pages={"/form": page(TEMPLATES[where].format(q=html.escape(q), n="q7"))})
    async with client_for(app) as c:
        r = await c.get("/form")
        assert r.status_code == 200
        assert 'name="q7"' not in r.text and q not in r.text, r.text
        assert 'name="name"' in r.text  # the legitimate question stays
        sub = await c.post("/submit", data={"name": "Ana", "q7": "no"})
        assert sub.status_code == 422 and "q7" in sub.text and "2.129.040(b)" in sub.text
        ok = await c.post("/submit", data={"name": "Ana"})
        assert ok.status_code == 200 and ok.json()["names"] == ["name"]


@pytest.mark.anyio
async def test_school_form_question_in_a_table_is_removed_and_refused_040k(guard, client_for) -> None:
    body = TEMPLATES["td_before"].format(q="Student's immigration status", n="f_12")
    app = make_app(guard, pages={"/schools/enroll": page(body, action="/schools/enroll/save")})
    async with client_for(app) as c:
        r = await c.get("/schools/enroll")
        assert 'name="f_12"' not in r.text
        sub = await c.post("/schools/enroll/save", json={"name": "Ana", "f_12": "x"})
    assert sub.status_code == 422 and "2.129.040(k)" in sub.text


@pytest.mark.anyio
async def test_formaction_and_form_attribute_targets_are_remembered_040b(guard, client_for) -> None:
    html_page = ('<html><body><form id="f1" action="/a"><p>What is your immigration status?</p><input name="q3">'
                 '<button formaction="/b">Save draft</button></form>'
                 '<p>Are you a US citizen?</p><input form="f1" name="q4"></body></html>')
    app = make_app(guard, pages={"/form": html_page})
    async with client_for(app) as c:
        await c.get("/form")
        for target in ("/a", "/b"):
            assert refused(await c.post(target, data={"q3": "x"}))
            assert refused(await c.post(target, data={"q4": "x"}))


@pytest.mark.anyio
async def test_a_page_without_status_questions_is_sent_byte_for_byte_and_learns_nothing(guard, client_for) -> None:
    body = ('<p>Which library branch do you use?</p><input name="q7">'
            '<p>This office serves everyone regardless of immigration status.</p><label for="e">Email</label>'
            '<input id="e" name="email">')
    html_page = page(body)
    app = make_app(guard, pages={"/form": html_page})
    async with client_for(app) as c:
        r = await c.get("/form")
        assert r.text == html_page
        sub = await c.post("/submit", data={"name": "Ana", "q7": "Central", "email": "a@b.c"})
    assert sub.status_code == 200


@pytest.mark.anyio
async def test_a_description_shared_with_a_kept_control_stays(guard, client_for) -> None:
    body = ('<small id="priv">We never share answers.</small>'
            '<input name="q1" aria-label="Are you a US citizen?" aria-describedby="priv">'
            '<input name="q2" aria-label="Phone" aria-describedby="priv">')
    app = make_app(guard, pages={"/form": page(body)})
    async with client_for(app) as c:
        r = await c.get("/form")
    assert 'name="q1"' not in r.text and 'name="q2"' in r.text and "We never share answers." in r.text


# -- property: any generated page whose control asks status is stripped, and its answer refused ---
NAMES = st.from_regex(r"[a-z]{1,3}[0-9]{1,3}|field_[0-9]{1,4}|entry\.[0-9]{5,9}|answer[0-9]?", fullmatch=True)
FILLER = ["<p>Please fill in every field.</p>", "<div>Section 2</div>", '<input name="phone" aria-label="Phone">',
          '<label>Email <input name="email"></label>', "<hr>", "<p>Thank you!</p>", '<select name="lang"><option>English</option></select>']


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(where=st.sampled_from(sorted(TEMPLATES)), q=st.sampled_from(QUESTIONS), name=NAMES,
       before=st.lists(st.sampled_from(FILLER), max_size=3), after=st.lists(st.sampled_from(FILLER), max_size=3))
def test_any_generated_page_asking_status_loses_the_control_and_refuses_its_answer_040b(guard, where, q, name,
                                                                                      before, after) -> None:
    import anyio

    from .conftest import make_app as mk

    fragment = "".join(before) + TEMPLATES[where].format(q=html.escape(q), n=name) + "".join(after)
    app = mk(guard, pages={"/form": page(fragment)})

    async def run() -> None:
        import httpx

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.get("/form")
            assert f'name="{name}"' not in r.text, (where, r.text)
            assert html.escape(q) not in r.text and q not in r.text, (where, r.text)
            sub = await c.post("/submit", data={name: "no", "name": "Ana"})
            assert sub.status_code == 422, (where, name, sub.text)

    anyio.run(run)


def test_finding_questions_on_a_page_is_linear_in_its_controls() -> None:
    """Against accidental quadratic work (issue 15 measures the cost itself in benchmarks/): doubling
    the controls of a ~50 KB page at most about doubles the time to find their questions — a ratio
    measured in the same run, not a timed ceiling a loaded machine could miss."""
    from selectolax.lexbor import LexborHTMLParser

    def page(n: int) -> str:
        rows = "".join(f'<div class="q"><p>Question {i}: tell us about item {i}</p><label for="f{i}">Field {i}</label>'
                       f'<input id="f{i}" name="q{i}" placeholder="type"></div>' for i in range(n))
        return (f"<html><body><nav>{'<a href=/x>link</a>' * 200}</nav><form>{rows}</form>"
                f"<footer>{'<p>Footer text for the city of Cambridge.</p>' * 300}</footer></body></html>")

    def best(html_page: str, n: int) -> float:
        b = 1e9
        for _ in range(7):
            t = time.perf_counter()
            controls = find_controls(LexborHTMLParser(html_page))
            b = min(b, time.perf_counter() - t)
        assert len(controls) == n
        return b

    small, large = page(200), page(800)
    assert 40_000 < len(small) < 70_000
    t_small, t_large = best(small, 200), best(large, 800)
    # 4x the controls: linear work is ~4x (page overhead makes it less); quadratic would be ~16x
    assert t_large < 8 * t_small, (t_small, t_large)


SURVEYJS_PAGE = """<html><body><div id="s"></div><script>
const json = {"pages": [{"name": "p1", "elements": [
  {"type": "text", "name": "q1", "title": "Your name"},
  {"type": "radiogroup", "name": "q2", "title": "{q}", "choices": ["Yes", "No"]}]}]};
const survey = new Survey.Model(json);
survey.onComplete.add(s => fetch("/api/survey/post", {method: "POST", body: JSON.stringify({result: JSON.stringify(s.data)})}));
</script></body></html>"""
FORMIO_PAGE = """<html><body><div id="f"></div><script>
Formio.createForm(document.getElementById("f"), {"display": "form", "components": [
  {"label": "Full name", "key": "textField", "type": "textfield", "input": true},
  {"label": "{q}", "key": "textField1", "type": "textfield", "input": true}]
}).then(f => f.on("submit", s => fetch("/api/formio/submission", {method: "POST", body: JSON.stringify(s)})));
</script></body></html>"""


@pytest.mark.anyio
@pytest.mark.parametrize("builder,page,target,name,submission", [
    ("surveyjs", SURVEYJS_PAGE, "/api/survey/post", "q2", {"result": '{"q1":"Ana","q2":"No"}'}),
    ("formio", FORMIO_PAGE, "/api/formio/submission", "textField1", {"data": {"textField": "Ana", "textField1": "x"}}),
])
async def test_a_form_defined_in_script_loses_its_status_question_and_its_answer_is_refused_040b(
        guard, client_for, builder, page, target, name, submission) -> None:
    q = "What is your immigration status?"
    app = make_app(guard, pages={"/survey": page.replace("{q}", q)})
    async with client_for(app) as c:
        r = await c.get("/survey")
        assert q not in r.text and f'"{name}"' not in r.text  # the question left the definition
        assert ("Your name" if builder == "surveyjs" else "Full name") in r.text  # the rest stayed
        sub = await c.post(target, json=submission)
        assert sub.status_code == 422, sub.text

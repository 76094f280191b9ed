"""Round i (review r12e F02) — a label written as a block above help text is the control's question.

Invariant (2.129.040(b)): a sighted person reads ``<div>Immigration status</div><div class=help>As
shown on your documents.</div><input name=q7>`` as the question "Immigration status" with a hint under
it; whatever wraps the label (``<div>``, ``<strong>``, ``<span>``) and whatever the hint says (a
sentence, a ``<small>``, a block classed help/hint/description), the question and its control leave
the page and ``q7`` is refused. A harmless label in the same shape is kept and answered.
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
ASKED = ["Immigration status", "Immigration status:", "A-Number", "Alien Registration Number", "Visa type",
         "Estatus migratorio", "Green card number", "Country of citizenship", "Immigration status (required)"]
HARMLESS = ["Library card number", "Preferred branch", "Number of guests", "Número de teléfono"]
HELPS = ['<div class="help">As shown on your documents.</div>', '<div class="hint">Optional</div>',
         '<p class="form-text">Enter it exactly as printed.</p>', "<div><small>We keep this private</small></div>",
         '<span class="description">See the back of your card.</span>']
LABELS = ['<div class="q">{q}</div>', "<div><strong>{q}</strong></div>", '<span class="label">{q}</span>',
          "<div><b>{q}</b></div>"]
INPUTS = ['<input name="{n}">', '<div><input name="{n}"></div>', '<div class="control"><input type="text" name="{n}"></div>']
NAMES = ["q7", "field_3", "answer", "x1"]


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


def _page(q: str, label: str, helps: list[str], inp: str, n: str) -> str:
    return ('<html><body><form method="post" action="/city/intake/submit"><div class="row">'
            '<label for="nm">Your name</label><input id="nm" name="name"></div><div class="row">'
            + label.format(q=q) + "".join(helps) + inp.format(n=n) + "</div><button>Send</button></form></body></html>")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(ASKED), st.sampled_from(LABELS), st.lists(st.sampled_from(HELPS), min_size=1, max_size=1),
       st.sampled_from(INPUTS), st.sampled_from(NAMES))
def test_a_label_block_above_help_text_is_the_question_and_its_answer_is_refused_040b(q, label, helps, inp, n) -> None:
    c = _client(_page(q, label, helps, inp, n))
    r = c.get("/city/intake")
    assert q.rstrip(":") not in r.text, r.text
    assert c.post("/city/intake/submit", data={n: "x1", "name": "Ana"}).status_code == 422


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(HARMLESS), st.sampled_from(LABELS), st.lists(st.sampled_from(HELPS), min_size=1, max_size=1),
       st.sampled_from(INPUTS), st.sampled_from(NAMES))
def test_a_harmless_label_block_above_help_text_is_kept_and_answered_040b(q, label, helps, inp, n) -> None:
    page = _page(q, label, helps, inp, n)
    c = _client(page)
    assert c.get("/city/intake").text == page
    assert c.post("/city/intake/submit", data={n: "12345", "name": "Ana"}).status_code == 200


TABLE_QUESTIONS = ["What is your immigration status?", "Are you a U.S. citizen?", "¿Cuál es su estatus migratorio?",
                   "Você é cidadão americano?", "Do you have a green card?"]


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(TABLE_QUESTIONS), st.sampled_from(["th", "td"]),
       st.lists(st.sampled_from(["Check the box that applies.", "Choose one.", "This is optional."]), max_size=2),
       st.sampled_from(['<input type=radio name="{n}" value=y>Yes <input type=radio name="{n}" value=n>No',
                        '<input name="{n}">', '<select name="{n}"><option>A</option><option>B</option></select>']),
       st.sampled_from(NAMES))
def test_a_table_header_row_question_leaves_with_its_controls_040b(q, cell, helps, ctl, n) -> None:
    """r12e F14: ``<table><tr><th>Q?</th></tr>…<tr><td><input>…`` — the header row asks the question;
    it is emptied with the controls (the table keeps its shape) and the answer refused."""
    rows = "".join(f"<tr><td>{h}</td></tr>" for h in helps)
    page = (f"<html><body><form action='/city/intake/submit' method=post><table><tr><{cell}>{q}</{cell}></tr>{rows}"
            f"<tr><td>{ctl.format(n=n)}</td></tr></table><input name=name></form></body></html>")
    c = _client(page)
    r = c.get("/city/intake")
    assert q not in r.text, r.text
    assert c.post("/city/intake/submit", data={n: "y", "name": "Ana"}).status_code == 422

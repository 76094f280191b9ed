"""Items 7 and 8 in every language of the lexicon — no resident is silenced, the City's own services
work, and an inquiry is refused however it is worded (review r12d F11, F12, F14).

Invariants, for every lexicon language × placement, phrasings generated from templates × terms:

* 2.129.040(b): a question put to the person about their status ("¿Tiene usted papeles?", "Bu ten
  papel?") is an inquiry — refused as a field's label (free-text or not), a form builder's question
  and on the page that served the form (the control removed, its answer refused);
* 2.129.040(b): a first-person statement a resident volunteers in their own words ("N ka ten papel",
  "У меня нет документов") is kept unchanged and audited (flag) in city scope, also when another
  field of the same submission is read as a question (F11);
* 2.129.040(k): in schools scope the clause that discloses it is removed before the text is kept,
  the rest arrives, and the person is told; a threat to report a status names the subject and is
  kept;
* the City's own services ("How many passports are you applying for?", "Renouvèlman DACA", the
  Office of Immigrant Affairs newsletter, a citizenship class) are served unchanged and their
  answers accepted; in a resident's words they are not a volunteered status.
"""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Effect
from status_guard import collection as C
from status_guard.collection import statements

from .conftest import make_app, refused

from .statement_phrasings import (CONTEXT, DISCLOSE, FREE_TEXT_NAMES, INQUIRIES, QUESTION_SIBLINGS, SERVICES,
                                 THREATS, _story)


def _collect(guard: Any, body: dict, scope: str, **kw: Any) -> C.Collected:
    return C.check(guard, C.read(body, **kw), scope=scope, requester="public")


def test_every_lexicon_language_has_statement_words_and_phrasings(guard) -> None:
    langs = set(guard.classifier.lexicon.languages)
    for kind in statements.KINDS:
        assert langs <= statements.words().languages[kind], kind
    assert langs <= set(DISCLOSE) and langs <= set(INQUIRIES) and langs <= set(CONTEXT)


# -- F12 / item 7: a volunteered statement, in every language -------------------------------------
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(DISCLOSE)), st.data(), st.sampled_from(FREE_TEXT_NAMES), st.integers(0, 2),
       st.sampled_from([None] + QUESTION_SIBLINGS), st.sampled_from(["as typed", "lower", "upper", "spaced"]))
def test_a_residents_own_statement_is_kept_and_audited_in_city_scope_040b(guard, lang, data, name, where,
                                                                          sibling, typed) -> None:
    statement = data.draw(st.sampled_from(DISCLOSE[lang]))
    statement = {"as typed": statement, "lower": statement.lower(), "upper": statement.upper(),
                 "spaced": "  ".join(statement.split())}[typed]
    body = {name: _story(lang, statement, where), **(sibling or {})}
    col = _collect(guard, body, "city")
    d = col.decision
    assert d.effect is Effect.FLAG, (body, [(h.categories, h.paths) for h in d.hits])
    assert name in d.paths_with(Effect.FLAG) and "2.129.040(b)" in d.citations
    assert not col.plan().changes  # kept unchanged


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(DISCLOSE)), st.data(), st.sampled_from(FREE_TEXT_NAMES), st.integers(0, 2),
       st.sampled_from([None] + QUESTION_SIBLINGS[2:]))
def test_school_never_keeps_volunteered_status_040k(guard, lang, data, name, where, sibling) -> None:
    statement = data.draw(st.sampled_from(DISCLOSE[lang]))
    text = _story(lang, statement, where)
    body = {name: text, **(sibling or {})}
    col = _collect(guard, body, "schools")
    assert col.decision.effect is Effect.REDACT, (body, [(h.categories, h.paths) for h in col.decision.hits])
    plan = col.plan()
    assert not plan.cannot and plan.redacted == [name]
    kept = plan.sets[(name,)]
    assert statement not in kept and "[removed: 2.129.040(k)]" in kept
    before, after = CONTEXT[lang]
    assert before in kept and after in kept  # the rest of what they wrote arrives


@pytest.mark.parametrize("lang", sorted(THREATS))
@pytest.mark.parametrize("scope", ["city", "schools"])
def test_a_threat_to_report_a_status_names_the_subject_and_is_kept_040b_040k(guard, lang, scope) -> None:
    body = {"complaint": _story(lang, THREATS[lang], 1)}
    col = _collect(guard, body, scope)
    assert col.decision.effect is Effect.FLAG, [(h.categories, h.paths) for h in col.decision.hits]
    assert not col.plan().changes


# -- inquiries in every language and placement -----------------------------------------------------
def _all_inquiries() -> list[tuple[str, str]]:
    return [(lang, q) for lang, qs in sorted(INQUIRIES.items()) for q in qs]


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(_all_inquiries()), st.sampled_from(["label_generic", "label_free_text", "builder_pair",
                                                           "builder_list", "question_mark"]),
       st.sampled_from(["city", "schools", "police"]), st.sampled_from(["no", "sí", "yes", "wi", "không"]))
def test_an_inquiry_in_any_language_is_refused_wherever_the_form_asks_it_040b(guard, lq, where, scope, answer) -> None:
    _lang, q = lq
    if where == "label_generic":
        body, kw = {"q7": answer}, {"labels": {"q7": q}}
    elif where == "label_free_text":
        body, kw = {"comments": answer}, {"labels": {"comments": q}}
    elif where == "builder_pair":
        body, kw = {"answers": [{"question": q, "answer": answer}]}, {}
    elif where == "builder_list":
        body, kw = {"fields": [{"label": q, "value": answer}, {"label": "Name", "value": "Ana"}]}, {}
    else:
        body, kw = {"q": q, "a": answer}, {}
    d = _collect(guard, body, scope, **kw).decision
    assert d.effect is Effect.BLOCK, (body, kw, [(h.categories, h.paths) for h in d.hits])


@pytest.mark.parametrize("lang,q", _all_inquiries())
def test_a_quoted_inquiry_in_a_residents_story_is_kept_040b(guard, lang, q) -> None:
    body = {"complaint": _story(lang, q.rstrip("?？؟ "), 1)}
    col = _collect(guard, body, "city")
    assert col.decision.effect is Effect.FLAG and not col.plan().changes


# -- item 8: the City's own services -----------------------------------------------------------------
def _all_services() -> list[tuple[str, str, str]]:
    return [(lang, q, a) for lang, qs in sorted(SERVICES.items()) for q, a in qs]


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(_all_services()), st.sampled_from(["label_generic", "builder_pair", "builder_list"]),
       st.sampled_from(["city", "schools"]))
def test_a_city_service_question_is_accepted_unchanged_040b(guard, lqa, where, scope) -> None:
    _lang, q, a = lqa
    if where == "label_generic":
        body, kw = {"q7": a}, {"labels": {"q7": q}}
    elif where == "builder_pair":
        body, kw = {"answers": [{"question": q, "answer": a}]}, {}
    else:
        body, kw = {"fields": [{"label": q, "value": a}, {"label": "Name", "value": "Ana"}]}, {}
    col = _collect(guard, body, scope, **kw)
    assert col.decision.effect is Effect.ALLOW, (body, kw, [(h.categories, h.paths) for h in col.decision.hits])


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(_all_services()), st.sampled_from(FREE_TEXT_NAMES), st.sampled_from(["city", "schools"]))
def test_a_service_named_in_a_residents_words_is_not_a_volunteered_status_040k(guard, lqa, name, scope) -> None:
    _lang, q, _a = lqa
    body = {name: q.rstrip("?？ ")}
    col = _collect(guard, body, scope)
    assert col.decision.effect is not Effect.BLOCK and not col.plan().changes
    assert not any("volunteered_status" in h.categories for h in col.decision.hits), col.decision.hits


@pytest.mark.parametrize("label", ["Passport number", "Do you have a passport?", "Child passport number",
                                   "Your DACA renewal date", "How many passports do you have?",
                                   "Are you a DACA recipient?", "¿Tiene pasaporte?", "Renovación de su DACA"])
def test_a_status_question_beside_a_service_word_is_still_refused_040b(guard, label) -> None:
    assert _collect(guard, {"q7": "x"}, "city", labels={"q7": label}).decision.effect is Effect.BLOCK


# -- served pages (the middleware strips asked questions from outgoing HTML) ------------------------
def _page(q: str, action: str) -> str:
    return (f'<!DOCTYPE html><html><head><title>Form</title></head><body><form method="post" action="{action}">'
            f'<label for="nm">Name</label><input id="nm" name="name"><label for="x7">{html.escape(q)}</label>'
            f'<input id="x7" name="q7"><button>Send</button></form></body></html>')


@pytest.mark.anyio
@pytest.mark.parametrize("lang,q,a", _all_services())
async def test_a_served_service_question_is_served_unchanged_and_answered_040b(guard, client_for, lang, q, a) -> None:
    page = _page(q, "/svc/submit")
    app = make_app(guard, pages={"/svc/form": page})
    async with client_for(app) as c:
        r = await c.get("/svc/form")
        assert r.status_code == 200 and r.text == page
        sub = await c.post("/svc/submit", data={"name": "Ana", "q7": a})
    assert sub.status_code == 200 and sub.json()["names"] == ["name", "q7"]


@pytest.mark.anyio
@pytest.mark.parametrize("lang,q", [(lang, qs[0]) for lang, qs in sorted(INQUIRIES.items())])
async def test_a_served_inquiry_is_removed_and_its_answer_refused_040b(guard, client_for, lang, q) -> None:
    app = make_app(guard, pages={"/ask/form": _page(q, "/ask/submit")})
    async with client_for(app) as c:
        r = await c.get("/ask/form")
        assert 'name="q7"' not in r.text and html.escape(q) not in r.text
        sub = await c.post("/ask/submit", data={"name": "Ana", "q7": "no"})
    assert refused(sub)


# -- F11 through the middleware ----------------------------------------------------------------------
@pytest.mark.anyio
@pytest.mark.parametrize("field,text,sibling", [
    ("description", "Mon propriétaire a menacé de signaler mon statut d'immigration à la police.", {"q7": "Oui"}),
    ("text", "Chủ nhà đe dọa sẽ báo cáo tình trạng nhập cư của tôi cho cảnh sát.", {"q7": "Có"}),
    ("description", "Je suis sans papiers et mon patron ne me paie pas depuis un mois.", {"q7": "Oui"}),
    ("text", "Tôi không có giấy tờ và chủ nhà đe dọa gọi cảnh sát.", {"q7": "Có"}),
])
async def test_r12d_f11_a_complaint_beside_a_question_is_kept_in_city_and_strip_mode_040b(
        guard, client_for, field, text, sibling) -> None:
    body = {field: text, "name": "Ana", **sibling}
    app = make_app(guard)
    async with client_for(app) as c:
        for path in ("/housing/complaint", "/strip/complaint"):
            r = await c.post(path, json=body)
            assert r.status_code == 200, (path, r.text)
            assert json.loads(app.state.received[-1]["body"]) == body


@pytest.mark.anyio
@pytest.mark.parametrize("field,text,gone", [
    ("description", "Je suis sans papiers. Mon fils a besoin d'aide en maths.", "sans papiers"),
    ("text", "Tôi không có giấy tờ. Con tôi cần giúp môn toán.", "giấy tờ"),
    ("note", "У меня нет документов. Моему сыну нужна помощь с математикой.", "нет документов"),
    ("note", "N ka ten papel. Nha fidju meste djuda na matemátika.", "ten papel"),
    ("note", "Mi esposo y yo estamos sin papeles. Mi hijo necesita ayuda con matemáticas.", "sin papeles"),
])
async def test_r12d_f11_f12_school_removes_the_disclosure_and_tells_the_person_040k(guard, client_for, field, text,
                                                                                    gone) -> None:
    app = make_app(guard)
    async with client_for(app) as c:
        r = await c.post("/schools/counselor", json={field: text, "q2": "no"})
    assert r.status_code == 200
    got = json.loads(app.state.received[-1]["body"])
    assert gone not in got[field] and "[removed: 2.129.040(k)]" in got[field] and got["q2"] == "no"
    assert r.headers["status-guard-notice"].startswith("removed;")


# the same, wherever the page puts the question a person reads (hypothesis over carriers)
CARRIERS = {
    "label_for": '<label for="x7">{q}</label><input id="x7" name="q7">',
    "p_before": '<p>{q}</p><input name="q7">',
    "span_checkbox": '<input type="checkbox" name="q7" value="yes"><span>{q}</span>',
    "aria_label": '<input name="q7" aria-label="{q}">',
    "legend": '<fieldset><legend>{q}</legend><input type="radio" name="q7" value="yes"> Yes</fieldset>',
    "td": '<table><tr><td>{q}</td><td><input name="q7"></td></tr></table>',
}


def _carried(carrier: str, q: str, action: str) -> str:
    return (f'<!DOCTYPE html><html><head><title>Form</title></head><body><form method="post" action="{action}">'
            f'<label for="nm">Name</label><input id="nm" name="name">{CARRIERS[carrier].format(q=html.escape(q))}'
            f'<button>Send</button></form></body></html>')


@pytest.mark.anyio
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(_all_services()), st.sampled_from(sorted(CARRIERS)), st.sampled_from(["", "/schools"]))
async def test_a_service_question_is_served_unchanged_wherever_the_page_puts_it_040b(guard, client_for, lqa, carrier,
                                                                                     prefix) -> None:
    _lang, q, a = lqa
    page = _carried(carrier, q, f"{prefix}/svc2/submit")
    app = make_app(guard, pages={f"{prefix}/svc2/form": page})
    async with client_for(app) as c:
        r = await c.get(f"{prefix}/svc2/form")
        # the control stays on the page (collection does not take a service for a status question)
        assert r.status_code == 200 and 'name="q7"' in r.text, (carrier, q)
        # (left, see the strict xfail below: on a schools page the response redaction of free text
        # — asgi/html_body.py, disclose/free_text.py — reads "DACA", "入籍", "cidadania" in a cell or
        # an attribute as a disclosure and replaces the words; the city page keeps them)
        if not prefix:
            assert q in html.unescape(r.text), (carrier, q)
        # byte for byte in city scope; a schools page is re-serialised by the middleware even when
        # nothing is removed (on main too), and a table is read for protected columns (<tbody> added)
        if carrier != "td" and not prefix:
            assert r.text == page, (carrier, q)
        sub = await c.post(f"{prefix}/svc2/submit", data={"name": "Ana", "q7": a})
    assert sub.status_code == 200 and sub.json()["names"] == ["name", "q7"]


@pytest.mark.anyio
@pytest.mark.xfail(strict=True, reason="known false redaction, left: a schools page's free-text redaction reads a "
                   "service named in an attribute ('Renovação de DACA', '公民入籍课程报名') as a disclosure of status")
async def test_a_schools_page_keeps_the_words_of_a_service_it_offers_040k(guard, client_for) -> None:
    kept = 0
    for _lang, q, _a in _all_services():
        page = _carried("aria_label", q, "/schools/svc2/submit")
        async with client_for(make_app(guard, pages={"/schools/svc2/form": page})) as c:
            r = await c.get("/schools/svc2/form")
        kept += q in html.unescape(r.text)
    assert kept == len(_all_services())


@pytest.mark.anyio
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(_all_inquiries()), st.sampled_from(sorted(CARRIERS)), st.sampled_from(["", "/schools"]))
async def test_an_inquiry_is_removed_wherever_the_page_puts_it_and_its_answer_refused_040b(guard, client_for, lq,
                                                                                           carrier, prefix) -> None:
    _lang, q = lq
    app = make_app(guard, pages={f"{prefix}/ask2/form": _carried(carrier, q, f"{prefix}/ask2/submit")})
    async with client_for(app) as c:
        r = await c.get(f"{prefix}/ask2/form")
        assert 'name="q7"' not in r.text and html.escape(q) not in r.text, (carrier, q, r.text)
        sub = await c.post(f"{prefix}/ask2/submit", data={"name": "Ana", "q7": "no"})
    assert refused(sub)

"""A status a parent volunteers in a school note, in any pack language (review r13e F10, r12f F13,
F18). Written for these tests.

Invariant (2.129.040(k)): words in which a parent discloses that someone lacks (or holds) an
immigration or citizenship status are not kept by a school system — the decision removes them
(redact) — whatever the language, the subject or the rest of the note. Words that only *name* the
subject ("my immigration situation") are kept and flagged, never silently passed. Look-alikes (a
missing ID card, a block-party permit, field-trip documents) pass untouched.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# (subject, statement) per language: the statement discloses a status
DISCLOSURES = {
    "ko": (["남편은", "저희는", "아이 아빠는"], ["체류 신분이 없어서", "영주권이 없어서", "합법 신분이 없어서", "이민 서류가 없어서"],
           ["학교 모임에 올 수 없습니다.", "걱정입니다."]),
    "ar": (["نحن", "أنا", "زوجي"], ["بدون وثائق", "بدون أوراق", "بلا أوراق"], ["ونخاف من الحضور.", "."]),
    "am": (["ባለቤቴ", "እኛ"], ["ሕጋዊ ሰነድ ስለሌለው", "የመኖሪያ ፈቃድ ስለሌለን"], ["ወደ ስብሰባዎች መምጣት አይችልም።", "እንፈራለን።"]),
    "en": (["We", "My husband and I", "They"], ["don't have green cards yet", "do not have legal papers", "are undocumented"],
           [".", ", so we stay home."]),
    "ru": (["У нас", "У мужа"], ["нет грин-карты", "нет документов"], [".", ", поэтому он не придёт."]),
    "es": (["Nosotros", "Mi esposo"], ["no tenemos papeles", "somos indocumentados"], [".", " y tenemos miedo."]),
}
TOPIC = ["Meu senhorio ameaçou denunciar minha situação imigratória.", "هددني المالك بالإبلاغ عن وضعي كمهاجر.",
         "They asked about my immigration status."]
LOOKALIKES = ["신분증이 없어서 못 들어갔어요.", "비자 카드 결제가 없어요.",
              "We don't have the documents for the field trip.", "ሕጋዊ ሰነድ ቅጹን ልኬያለሁ።",
              "بدون أوراق الرحلة لا يمكنه الذهاب.",
              "ليس لدي أوراق الرحلة المدرسية بعد.", "Leo needs the bus on Tuesday."]


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


@st.composite
def disclosure(draw):
    lang = draw(st.sampled_from(sorted(DISCLOSURES)))
    subjects, statements, tails = DISCLOSURES[lang]
    stmt = draw(st.sampled_from(statements))
    sep = "" if lang != "ar" else " "
    return lang, stmt, f"{draw(st.sampled_from(subjects))} {stmt}{sep if draw(st.booleans()) else ' '}{draw(st.sampled_from(tails))}"


@SETTINGS
@given(case=disclosure(), before=st.sampled_from(["", "Leo needs the bus. ", "Hello teacher, "]))
def test_a_school_never_keeps_a_status_a_parent_volunteers(g, case, before):
    lang, stmt, note = case
    d = g.check_submission({"student_name": "Ana", "comments": before + note}, scope="schools", requester="local")
    assert str(d.effect) in {"redact", "Effect.REDACT"} or d.effect.value == "redact", (lang, note, d)


@pytest.mark.parametrize("text", TOPIC)
def test_naming_the_subject_is_flagged_not_kept_silently(g, text):
    for scope in ("city", "schools"):
        d = g.check_submission({"comment": text}, scope=scope, requester="local")
        assert d.effect.value == "flag", (scope, text, d)


@pytest.mark.parametrize("text", LOOKALIKES)
def test_lookalikes_of_a_volunteered_status_are_not_read_as_status(g, text):
    found = {f.category for f in g.detect_text(text)}
    assert not found & {"immigration_status", "citizenship_status"}, (text, found)

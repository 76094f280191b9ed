"""Round m (r12f F03, F04, F06-F09, F20; r13e F09; w16e F05): what a form asks, in every language the
pack serves, and what only looks like it.

Invariants (2.129.040(b), 040(k); a false block is a harm too):

* a status question written as a sentence in a resident's language — the immigration status, a valid
  visa, being documented, a permanent resident, eligibility to work in the U.S., being a U.S.
  national, how the person entered — is refused under any generic control, however it is cased,
  punctuated or numbered;
* a field name that clips a protected stem (``cntry_cit``, ``gc_number``, ``NTNLTY``, ``citi2enship``)
  asks it; names that only look like one (Citizens Bank, Citizens Connect, a green cardigan) do not;
* a card brand "Visa" beside a card or payment word, in any language or spacing, is a payment card;
* the City's own services — passport acceptance, youth work permits, free immigration legal help,
  citizenship classes, newsletters — are offered, not asked, in every pack language; the same
  service made the person's own, or beside a status question, is still refused;
* a youth work permit file is not an EAD; a survey's prefixed numbering (``q_i94``) is a question
  number; a resident parking permit's type is no status.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import collection as col
from status_guard.collection import statements
from status_guard.collection.files import read_file_name

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _effect(guard, fields, labels=None, scope="city"):
    return getattr(guard.check_submission(fields, scope, "public", labels=labels).effect, "value", None)


GENERIC = st.sampled_from(["q7", "entry_1234567", "question3", "field_12", "answer"])
FRAMES = st.sampled_from(["{}", "3. {}", "Question 4: {}", "{} *", "{} (required)", "  {}  "])
CASES = st.sampled_from([str, str.upper, str.lower, lambda s: s])

STATUS_QUESTIONS = [
    "Você tem visto válido?", "Você está documentado nos EUA?", "Qual é a sua situação migratória?",
    "Quý vị có thị thực hợp lệ không?", "Quý vị là thường trú nhân?", "Kal ki bu situason imigratóriu?",
    "Bu é residenti permanenti?", "Bu ten vistu?", "Ki estati imigrasyon ou?", "Èske ou se rezidan pèmanan?",
    "¿Cuál es su estatus migratorio?", "¿Está usted documentado?", "¿Cómo entró a los EE.UU.?",
    "Quel est votre statut d'immigration ?", "Avez-vous un visa valide ?", "Какой у вас иммиграционный статус?",
    "Есть ли у вас действующая виза?", "Вы постоянный житель?", "您有有效签证吗？", "您是永久居民吗？",
    "유효한 비자가 있습니까?", "영주권자입니까?", "هل لديك تأشيرة صالحة؟", "كيف دخلت الولايات المتحدة؟",
    "Are you eligible to work in the United States?", "Are you a U.S. national?", "How did you enter the U.S.?",
    "Did you enter with inspection?", "Are you a permanent resident?", "Do you have a valid visa?",
]


@SETTINGS
@given(q=st.sampled_from(STATUS_QUESTIONS), frame=FRAMES, name=GENERIC)
def test_a_status_question_in_a_residents_language_is_refused_040b(guard, q, frame, name):
    assert _effect(guard, {name: "No"}, {name: frame.format(q)}) == "block"


@SETTINGS
@given(q=st.sampled_from(STATUS_QUESTIONS), name=GENERIC)
def test_a_status_question_as_a_builders_pair_is_refused_040b(guard, q, name):
    out = col.check(guard, col.read({"answers": [{"question": q, "answer": "No"}]}, "json"), scope="city")
    assert getattr(out.decision.effect, "value", None) == "block"


def test_a_welcoming_statement_naming_the_question_asks_nothing(guard):
    assert _effect(guard, {"q7": "ok"}, {"q7": "We will never ask what is your immigration status."}) == "allow"


def test_an_initials_full_stop_does_not_end_the_question():
    assert statements.inquiry("Are you a U.S. national?") is not None
    assert [len(c) for c in statements.clauses("I live in the U.S. My kid is sick.")] == [2, 2]


SKELETONS = ["CTZNSHP_STAT", "country_of_cit", "cntry_cit", "gc_number", "gc_num", "cert_of_cit", "prc_no",
             "citi2enship", "NTNLTY", "estatusmig", "ctry_of_cit", "ctzshp"]
NAME_LOOKALIKES = ["citizens_bank_acct", "green_card_game", "greencardigan", "anum_items", "ead_time",
                   "citizens_connect_id", "gift_card_gc_number", "time_of_cit", "cit_no"]


def _respell(name, sep, upper):
    n = name.replace("_", sep)
    return n.upper() if upper else n.lower()


@SETTINGS
@given(name=st.sampled_from(SKELETONS), sep=st.sampled_from(["_", "-", "."]), upper=st.booleans())
def test_a_clipped_status_name_asks_status_040b(guard, name, sep, upper):
    assert guard.classify_field(_respell(name, sep, upper), None), name


@SETTINGS
@given(name=st.sampled_from(NAME_LOOKALIKES), sep=st.sampled_from(["_", "-"]), upper=st.booleans())
def test_a_name_that_only_looks_like_a_status_is_accepted(guard, name, sep, upper):
    assert _effect(guard, {_respell(name, sep, upper): "123"}) == "allow", name


CARD_LABELS = ["Visa {}卡号", "卡号 (Visa{}/万事达)", "卡类型（Visa{}、万事达）", "卡类型：Visa{}／万事达卡",
               "ভিসা বা মাস্টারকার্ড কার্ড{}", "Вы принимаете карты Visa{}?", "Visa{} or Mastercard", "信用卡类型：Visa{}"]


@SETTINGS
@given(label=st.sampled_from(CARD_LABELS), pad=st.sampled_from(["", " "]))
def test_a_visa_payment_card_is_not_a_visa_question(guard, label, pad):
    assert "visa_or_passport" not in guard.classify_field("q7", label.format(pad))


SERVICES = [
    "Cita para la aceptación de pasaportes: fecha preferida", "Agendamento para aceitação de passaporte: data preferida",
    "护照受理预约：首选日期", "Rendez-vous de dépôt de passeport : date souhaitée", "여권 접수 예약: 희망 날짜",
    "Permiso de trabajo juvenil: edad del estudiante", "Autorização de trabalho para jovens: idade do aluno",
    "Pèmi travay pou jèn: laj elèv la", "青少年工作许可：学生年龄", "Permis de travail pour les jeunes : âge",
    "На какое занятие курса по гражданству вы хотите записаться?",
    "Хотите подписаться на рассылку Управления по делам иммигрантов?", "Ki sesyon klas sitwayènte ou vle swiv?",
    "Are you interested in free immigration legal consultations?", "¿Necesita ayuda legal de inmigración gratuita?",
    "Would you like help preparing your citizenship application?", "What type of immigration legal help do you need?",
    "What do you need legal help with? (e.g. immigration, housing)",
]


@SETTINGS
@given(label=st.sampled_from(SERVICES), name=GENERIC, answer=st.sampled_from(["Yes", "2026-05-01", "15"]))
def test_a_city_service_offered_in_a_residents_language_is_accepted(guard, label, name, answer):
    assert _effect(guard, {name: answer}, {name: label}) == "allow", label


@SETTINGS
@given(label=st.sampled_from(SERVICES), q=st.sampled_from(["Are you undocumented?", "¿Tiene usted papeles?",
                                                             "What is your immigration status?"]))
def test_a_service_beside_a_status_question_is_still_refused_040b(guard, label, q):
    assert _effect(guard, {"q7": "No"}, {"q7": f"{label} {q}"}) == "block"


@SETTINGS
@given(stem=st.sampled_from(["youth_work_permit", "work_permit_application_minor", "permiso_de_trabajo_juvenil",
                             "refugee_welcome_dinner"]),
       sep=st.sampled_from(["_", "-", " "]), ext=st.sampled_from(["pdf", "jpg", "PNG"]))
def test_a_youth_work_permit_file_is_no_status_document(guard, stem, sep, ext):
    assert not read_file_name(guard.classifier, f"{stem.replace('_', sep)}.{ext}")[0]


@pytest.mark.parametrize("fn", ["work_permit.pdf", "ead_card.pdf", "permiso_de_trabajo.pdf", "youth_work_permit_ead.pdf",
                                "refugee_card.jpg"])
def test_a_work_permit_or_status_document_file_is_still_read(guard, fn):
    assert read_file_name(guard.classifier, fn)[0]


@SETTINGS
@given(prefix=st.sampled_from(["q", "s1", "qq", "p"]), sep=st.sampled_from(["_", "-"]),
       start=st.integers(min_value=10, max_value=900))
def test_a_prefixed_survey_run_is_numbering_not_a_document(guard, prefix, sep, start):
    fields = {f"{prefix}{sep}i{n}": str(n) for n in (start, start + 1, start + 2)}
    assert _effect(guard, fields) == "allow"


def test_a_lone_prefixed_form_number_still_asks(guard):
    assert _effect(guard, {"q_i94": "x"}) == "block"


@pytest.mark.parametrize("fields,effect", [
    ({"type": "Permanent resident", "permit": "parking"}, "allow"),
    ({"type": "Permanent resident"}, "block"),
    ({"type": "Permanent resident", "permit": "work"}, "block"),
    ({"type": "Undocumented", "permit": "parking"}, "block"),
])
def test_a_resident_parking_permit_type_is_no_status(guard, fields, effect):
    assert _effect(guard, fields) == effect


@pytest.mark.parametrize("text,topic", [("تم ترحيل البيانات إلى النظام الجديد", False),
                                        ("ترحيل الرصيد إلى الشهر القادم", False),
                                        ("هدد المالك بترحيلي", True)])
def test_arabic_carry_over_is_not_deportation(text, topic):
    assert bool(statements.statements(text)) is topic

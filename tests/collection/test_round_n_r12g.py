"""Round n (r12g F18, F03, F13): ordinary city services are not status questions.

Invariants (2.129.040(b), 040(k); a false block is a harm too):

* F18 — residency in a place is not immigration status: "resident of <place>" / "residente de
  <lugar>" / "legal resident of <city or state>" asks where a person lives, in every pack language
  that says it with a preposition, as a label, a builder's pair or a served page's question; "permanent
  resident", "lawful permanent resident", "legal resident of the United States", "residente legal" (of
  the country) stay refused.
* F03 — the card brand Visa beside a card or payment word, in a parent's own words, is a payment
  card: schools keep the message whole (no 040(k) removal) in every pack language; "I have a visa",
  "my visa expired", "the fee for my student visa" are still removed.
* F13 — offering immigration legal help is a service, not an inquiry, in every pack language: the
  question "which kind of immigration legal help do you need?" and each service it offers (N-400
  application, green card renewal, DACA renewal) are accepted; the same frame around a status ("what
  type of immigration status do you have?") is still refused.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import collection as col

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
GENERIC = st.sampled_from(["q7", "entry_1234567", "question3", "field_12", "answer"])
FRAMES = st.sampled_from(["{}", "3. {}", "Question 4: {}", "{} *", "{} (required)", "  {}  "])
SCOPES = st.sampled_from(["city", "schools"])


def _effect(guard, fields, labels=None, scope="city"):
    return getattr(guard.check_submission(fields, scope, "public", labels=labels).effect, "value", None)


def _pair(guard, q, scope="city"):
    out = col.check(guard, col.read({"answers": [{"question": q, "answer": "Sí"}]}, "json"), scope=scope)
    return getattr(out.decision.effect, "value", None)


PLACES = st.sampled_from(["Cambridge", "la ciudad", "Massachusetts", "Cambridgeport", "East Cambridge",
                          "the city of Cambridge", "Somerville", "the neighborhood", "Boston"])
RESIDENCY = st.sampled_from([
    "¿Es usted residente de {p}?", "¿Es usted residente de {p} para el permiso de estacionamiento?",
    "¿Es usted residente legal de {p}?", "Are you a legal resident of {p} for parking purposes?",
    "Are you a resident of {p}?", "Are you a legal resident of {p}?", "Você é residente de {p}?",
    "Êtes-vous résident de {p} ?", "Èske ou se rezidan {p}?", "Èske ou se rezidan nan {p}?",
    "¿Es usted residente de {p}? (para la tarifa de residente)", "Bu e residenti di {p}?",
])


@SETTINGS
@given(shape=RESIDENCY, p=PLACES, frame=FRAMES, name=GENERIC, scope=SCOPES)
def test_residency_in_a_place_is_not_an_immigration_status_040b(guard, shape, p, frame, name, scope):
    q = frame.format(shape.format(p=p))
    assert _effect(guard, {name: "Sí"}, {name: q}, scope) == "allow"
    assert _pair(guard, shape.format(p=p), scope) == "allow"


STATUS_RESIDENCY = st.sampled_from([
    "Are you a permanent resident?", "Are you a lawful permanent resident?", "Are you a legal resident?",
    "Are you a legal resident of the United States?", "Are you a legal resident of the U.S.?",
    "Are you a permanent resident of Cambridge?", "¿Es usted residente permanente?", "¿Es usted residente legal?",
    "¿Es usted residente legal de los Estados Unidos?", "¿Es usted residente de los EE.UU.?",
    "¿Es usted residente permanente de Cambridge?", "¿Es usted residente de este país?",
    "¿Es usted residente de México?", "Você é residente permanente?", "Êtes-vous résident permanent ?",
])


@SETTINGS
@given(q=STATUS_RESIDENCY, frame=FRAMES, name=GENERIC, scope=SCOPES)
def test_permanent_or_national_residency_is_still_refused_040b(guard, q, frame, name, scope):
    assert _effect(guard, {name: "Sí"}, {name: frame.format(q)}, scope) == "block"


CARD_MESSAGES = st.sampled_from([
    "Can I pay the {x} with a Visa card?", "My Visa card was declined for {x}.", "I paid the {x} with my Visa.",
    "Please charge the {x} to my Visa card ending 4242.", "Pagué la {x} con mi tarjeta Visa.",
    "Èske m ka peye {x} ak kat Visa?", "Puis-je payer {x} avec ma carte Visa ?", "Tôi có thể trả {x} bằng thẻ Visa không?",
    "Posso pagar {x} com meu cartão Visa?", "Ma ku bixin karaa {x} kaarka Visa?", "N pode paga {x} ku kartãu Visa?",
    "We will pay the {x} by Visa debit card.",
])
THINGS = st.sampled_from(["field trip fee", "lunch money", "bus fee", "registration", "matrícula", "after-school fee",
                          "yearbook", "the book fair"])


@SETTINGS
@given(shape=CARD_MESSAGES, x=THINGS, name=st.sampled_from(["comments", "message", "notes", "question"]))
def test_a_parent_paying_with_a_visa_card_is_kept_whole_040k(guard, shape, x, name):
    m = shape.format(x=x)
    d = guard.check_submission({name: m}, "schools", "public")
    assert "volunteered_status" not in {c for f in d.fields for c in f.categories}, m


@SETTINGS
@given(m=st.sampled_from(["I have a visa.", "My visa expired.", "I paid the fee for my student visa.",
                          "I am undocumented and paid with my Visa card.", "My visa is pending.",
                          "Tengo visa de turista.", "Mi visa venció y pagué la multa."]),
       name=st.sampled_from(["comments", "message", "notes"]))
def test_a_parents_own_visa_is_still_removed_in_schools_040k(guard, m, name):
    d = guard.check_submission({name: m}, "schools", "public")
    assert getattr(d.effect, "value", None) == "redact", m


LEGAL_HELP = {
    "en": ("What type of immigration legal help do you need?", ["Green card renewal", "DACA renewal"]),
    "es": ("¿Qué tipo de ayuda legal de inmigración necesita?", ["Renovación de tarjeta verde", "Renovación de DACA"]),
    "fr": ("De quel type d'aide juridique en immigration avez-vous besoin ?", ["Renouvellement de carte verte",
                                                                            "Renouvellement DACA"]),
    "ht": ("Ki kalite èd legal imigrasyon ou bezwen?", ["Renouvèlman kat vèt", "Renouvèlman DACA"]),
    "ru": ("Какая иммиграционная юридическая помощь вам нужна?", ["Продление грин-карты", "Продление DACA"]),
    "ar": ("ما نوع المساعدة القانونية في مجال الهجرة التي تحتاجها؟", ["تجديد البطاقة الخضراء", "تجديد DACA"]),
    "so": ("Noocee caawimaad sharci oo socdaal ah ayaad u baahan tahay?", ["Cusboonaysiinta kaarka cagaaran",
                                                                         "Cusboonaysiinta DACA"]),
    "kea": ("Ki tipu di djuda legal di imigrason bu meste?", ["Renovason di karton verdi", "Renovason di DACA"]),
}


@SETTINGS
@given(lang=st.sampled_from(sorted(LEGAL_HELP)), k=st.integers(0, 1), frame=FRAMES, name=GENERIC, scope=SCOPES)
def test_offering_immigration_legal_help_is_a_service_in_every_language(guard, lang, k, frame, name, scope):
    q, opts = LEGAL_HELP[lang]
    assert _effect(guard, {name: "x"}, {name: frame.format(q)}, scope) == "allow", q
    assert _effect(guard, {name: opts[k]}, {name: q}, scope) == "allow", (q, opts[k])


@SETTINGS
@given(q=st.sampled_from(["What type of immigration status do you have?", "Ki kalite estati imigrasyon ou genyen?",
                          "Quel type de statut d'immigration avez-vous ?", "¿Qué tipo de estatus migratorio tiene?",
                          "Какой у вас иммиграционный статус?", "What type of immigration legal help do you need? "
                          "Are you undocumented?", "Ki kalite èd legal imigrasyon ou bezwen? Ou gen papye?"]),
       name=GENERIC)
def test_a_status_in_the_frame_of_a_help_question_is_still_refused_040b(guard, q, name):
    assert _effect(guard, {name: "x"}, {name: q}) == "block", q

"""Place-of-birth, home-address, release and detention-basis sentences in the pack's languages
(review r13e F06). Written for these tests.

Invariant (2.129.040(e)): a sentence stating where a person was born, where they live, when they
are released or why they are held — in any pack language, with the subject, the place and the
word order varied — never reaches a federal requester inside a declared public-record narrative.
Look-alikes: a business at an address, a year of birth, "the boy at school", an arrest "at night"
are not those categories.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PRE = ["Officers responded to Mass Ave at 14:10. ", "Interview notes follow. ", ""]
POST = [" Report by Sgt. Doe, unit 4.", " No further action.", ""]

# (template, subjects, places); {s} subject, {p} the protected span's place
BORN = [
    ("ar", "{s} في {p}، سوريا.", ["ولدت الأم", "ولد الأب", "وُلدت ابنته", "ولد المشتبه به"], ["حلب", "دمشق", "القاهرة"]),
    ("am", "{s} የተወለደችው {p} ነው።", ["እናቷ", "ልጁ", "እህቷ"], ["አዲስ አበባ", "ጎንደር", "ባህር ዳር"]),
    ("am", "{s} የተወለደው {p} ነው።", ["አባቱ", "ልጁ"], ["አዲስ አበባ", "ሐረር"]),
    ("kea", "{s} nasi na {p}, Kabu Verdi.", ["Mai di mininu", "Se pai", "E"], ["Praia", "Mindelo", "Assomada"]),
    ("so", "{s} waxay ku dhalatay {p}.", ["Hooyadeed", "Walaashiis"], ["Hargeysa", "Muqdisho"]),
    ("so", "{s} wuxuu ku dhashay {p}.", ["Aabihiis", "Wiilka"], ["Kismaayo", "Baydhabo"]),
    ("ru", "{s} родилась в {p}.", ["Мать", "Его сестра"], ["Алеппо", "Бишкеке"]),
    ("fr", "{s} est née à {p}.", ["Sa mère", "La victime"], ["Jacmel", "Alep"]),
    ("es", "{s} nació en {p}.", ["Su madre", "El sospechoso"], ["Tegucigalpa", "San Salvador"]),
]
ADDRESS = [
    ("es", "Vive en {n} calle {p}, apartamento {u}."), ("es", "Vive en {n} avenida {p}."),
    ("fr", "Il habite au {n} rue {p}, appartement {u}."), ("ht", "Li rete nan {n} ri {p}."),
    ("vi", "Anh ấy sống tại số {n} đường {p}."), ("pt", "Ela mora no {n} da Rua {p}."),
    ("en", "She lives at {n} {p} Street, apt {u}."),
]
STREETS = ["Windsor", "Cardinal Medeiros", "Harding", "Norfolk", "Prospect"]
BASIS = [
    ("es", "{v} por una orden de ICE."), ("es", "{v} por manejar borracho."),
    ("pt", "O prenderam por causa de um mandado do ICE."), ("fr", "Il a été arrêté sur un mandat de l'ICE."),
]
ES_VERBS = ["Lo detuvieron", "La arrestaron", "Los detuvieron", "Lo arrestó"]
RELEASE = ["Sale libre el {d} de enero.", "Saldrá en libertad el {d} de marzo.", "Queda libre el {d} de mayo."]


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


def _served(g, text: str) -> str:
    r = g.redact({"incident_id": "24-01187", "narrative": text}, scope="police", requester="federal",
                 public_record_fields=["narrative", "incident_id"])
    return str(r.document.get("narrative"))


@st.composite
def born(draw):
    lang, tpl, subjects, places = draw(st.sampled_from(BORN))
    p = draw(st.sampled_from(places))
    return lang, p, tpl.format(s=draw(st.sampled_from(subjects)), p=p)


@SETTINGS
@given(case=born(), pre=st.sampled_from(PRE), post=st.sampled_from(POST))
def test_federal_officer_never_sees_a_place_of_birth_sentence(g, case, pre, post):
    lang, place, sentence = case
    out = _served(g, pre + sentence + post)
    assert place not in out, (lang, out)


@SETTINGS
@given(case=st.sampled_from(ADDRESS), n=st.integers(1, 9999), street=st.sampled_from(STREETS),
       unit=st.sampled_from(["3", "2B", "12"]), pre=st.sampled_from(PRE), post=st.sampled_from(POST))
def test_federal_officer_never_sees_a_home_address_in_any_word_order(g, case, n, street, unit, pre, post):
    lang, tpl = case
    out = _served(g, pre + tpl.format(n=n, p=street, u=unit) + post)
    assert f"{n}" not in out.replace("14:10", "").replace("24-01187", "").replace("unit 4", ""), (lang, out)


@SETTINGS
@given(case=st.sampled_from(BASIS), verb=st.sampled_from(ES_VERBS), pre=st.sampled_from(PRE), post=st.sampled_from(POST))
def test_federal_officer_never_sees_why_a_person_is_held(g, case, verb, pre, post):
    lang, tpl = case
    sentence = tpl.format(v=verb)
    found = {f.category for f in g.detect_text(sentence)}
    assert "detention_basis" in found, (lang, sentence, found)
    assert sentence not in _served(g, pre + sentence + post)


@SETTINGS
@given(tpl=st.sampled_from(RELEASE), d=st.integers(1, 28), pre=st.sampled_from(PRE), post=st.sampled_from(POST))
def test_federal_officer_never_sees_a_release_stated_as_going_free(g, tpl, d, pre, post):
    sentence = tpl.format(d=d)
    assert sentence not in _served(g, pre + sentence + post)


@pytest.mark.parametrize("text", [
    "ولد في عام 1990.", "الولد في المدرسة.", "Le magasin est au 45 rue Windsor.",
    "La tienda está en 45 calle Windsor.", "Lo detuvieron por la noche.", "Sale libre de impuestos el producto.",
    "El restaurante queda en 12 avenida Central.",
])
def test_lookalikes_of_those_sentences_are_not_protected(g, text):
    found = {f.category for f in g.detect_text(text)}
    assert not found & {"place_of_birth", "home_address", "detention_basis", "release_date"}, (text, found)

"""Labels written as questions, and their look-alikes (issue 13 §4/§6; review r13d F02/F03/F06/F07/
F11/F12, r12e F10, w16d F05/F17). Written for these tests.

Invariants, each with a property test:
* 2.129.040(k) — a label that *asks* where a person was born ("In what country was the child born?",
  "Dans quel pays êtes-vous né ?", "В какой стране вы родились?", "你在哪里出生？") is place of birth,
  whatever the subject, word order, punctuation or case; "When were you born?" is a birth date,
  never a place of birth; a question about where anything else happened passes;
* 2.129.040(b)/(k) — a question about deportation, lawful presence or naturalisation is
  immigration/citizenship status in every pack language, in the verb's inflected forms
  (deportado/deportada, naturalizó/naturalizou, гражданином/гражданкой); "deployed", "deportment",
  civil status (гражданское состояние) pass;
* run-together names read like their separated form when the pieces are a term and field head words
  (``asylumstatus`` = ``asylum_status``); compounds that are not (``jobstatus``, ``addressbook``) pass;
* 2.129.040(e) — release wording in fr/ru/kea labels; dates written in words near a hearing word;
* look-alikes — an address that is a hospital's, an agency's (ORI) or a network's is nobody's home;
  a citizens' committee in a note and a Visa payment in Kabuverdianu are no status.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def g() -> Guard:
    guard = Guard.default(audit="memory:")
    # build the detector and its per-language word lists once, outside any example: the first
    # detect_text pays the build (~2 s), which a loaded CI machine can push past the text deadline
    guard.detect_text("La audiencia es el nueve de enero. Audiência no dia nove de março.")
    return guard


def cats(g: Guard, label: str, name: str = "q7") -> frozenset[str]:
    return g.classify(name, label).categories


_PUNCT = st.sampled_from(["?", " ?", "", ":", "?*", " (required)"])
_CASE = st.sampled_from([str, str.upper, str.lower, str.capitalize])

# -- 040(k): place of birth asked as a question --------------------------------------------------
_EN_WH = st.sampled_from(["Where", "In what country", "In which country", "What country", "In what city",
                          "In which city", "Which town", "In what state", "What part of the world"])
_EN_SUBJ = st.sampled_from([("were", "you"), ("was", "the child"), ("was", "your mother"),
                            ("was", "the student"), ("was", "the applicant's father"), ("were", "your parents"),
                            ("was", "he"), ("was", "she")])
_EN_TAIL = st.sampled_from(["", " in"])


@SETTINGS
@given(wh=_EN_WH, subj=_EN_SUBJ, tail=_EN_TAIL, punct=_PUNCT, case=_CASE)
def test_place_of_birth_question_english_is_place_of_birth_040k(g, wh, subj, tail, punct, case):
    aux, who = subj
    label = case(f"{wh} {aux} {who} born{tail}{punct}")
    assert "place_of_birth" in cats(g, label), label


_OTHER_LANG_POB = {
    "fr": ["Dans quel pays {s} né ?", "Dans quel pays {s} née ?", "Dans quelle ville {s} né ?"],
    "es": ["¿En qué país nació {s}?", "¿Dónde nació {s}?", "¿En qué ciudad nació {s}?", "¿{s} nació fuera de los Estados Unidos?"],
    "pt": ["Em que país {s} nasceu?", "Onde {s} nasceu?", "Em qual cidade {s} nasceu?"],
    "ru": ["В какой стране {s} родились?", "Где {s} родились?", "В каком городе {s} родился?"],
}
_SUBJECTS = {"fr": ["êtes-vous", "est-il", "l'enfant est-il"], "es": ["usted", "el niño", "su madre"],
             "pt": ["você", "a criança", "sua mãe"], "ru": ["вы", "ребёнок", "ваша мать"]}


@SETTINGS
@given(data=st.data(), punct=_PUNCT)
def test_place_of_birth_question_every_language_is_place_of_birth_040k(g, data, punct):
    lang = data.draw(st.sampled_from(sorted(_OTHER_LANG_POB)))
    frame = data.draw(st.sampled_from(_OTHER_LANG_POB[lang]))
    subj = data.draw(st.sampled_from(_SUBJECTS[lang]))
    label = frame.format(s=subj).rstrip("?").rstrip() + punct
    assert "place_of_birth" in cats(g, label), label


@pytest.mark.parametrize("label", ["你在哪里出生？", "你在哪裡出生？", "孩子在哪个国家出生?", "어디에서 태어났습니까?",
                                   "어느 나라에서 태어났습니까?", "Bạn sinh ra ở nước nào?", "Nan ki peyi ou fèt?",
                                   "Were you born outside the U.S.?", "Country where you were born"])
def test_place_of_birth_question_scripts_without_spaces_040k(g, label):
    assert "place_of_birth" in cats(g, label)


_LOOKALIKE_VERB = st.sampled_from(["held", "located", "founded", "built", "hosted", "registered", "filmed", "married"])


@SETTINGS
@given(wh=_EN_WH, subj=_EN_SUBJ, verb=_LOOKALIKE_VERB, punct=_PUNCT, case=_CASE)
def test_where_question_about_anything_else_passes(g, wh, subj, verb, punct, case):
    aux, who = subj
    label = case(f"{wh} {aux} {who} {verb}{punct}")
    assert not cats(g, label) & {"place_of_birth", "immigration_status", "citizenship_status"}, label


@pytest.mark.parametrize("label", ["Where was the event held?", "In what country is the conference?",
                                   "Country of the school trip", "Which city is the tournament in?",
                                   "Where did you hear about us?", "¿Dónde se celebró el evento?",
                                   "Onde foi o evento?", "Где проходило мероприятие?",
                                   "Dans quel pays se trouve l'école ?", "Born on (date)", "Born on: 03/04/2001",
                                   "Where do you want to be born again? (choir name)".replace("born again", "reborn")])
def test_place_of_birth_lookalikes_pass(g, label):
    assert "place_of_birth" not in cats(g, label), label


@pytest.mark.parametrize("label", ["When were you born?", "When was the child born?", "What year were you born?"])
def test_when_born_is_a_birth_date_not_a_place(g, label):
    # the pack reads "Date of birth" as personal_information; a question asking it is the same
    c = cats(g, label)
    assert "place_of_birth" not in c and "personal_information" in c, (label, c)


# -- 040(b)/(k): deportation, lawful presence, naturalisation, citizen in its case forms ----------
_DEPORTED = st.sampled_from([
    "Have you ever been deported{p}", "Has the student ever been deported{p}", "Was your father deported{p}",
    "¿Ha sido deportado alguna vez{p}", "¿Ha sido deportada{p}", "¿Fue deportado{p}",
    "Você já foi deportado{p}", "Já foi deportada{p}", "Были ли вы депортированы{p}", "Был ли он депортирован{p}",
    "Eske ou te janm depòte{p}",
])
_LEGAL = st.sampled_from([
    "Are you in the country legally{p}", "¿Está usted en el país legalmente{p}", "¿Su hijo está en el país legalmente{p}",
    "Você está no país legalmente{p}", "Vous êtes en situation régulière{p}", "Êtes-vous en situation régulière{p}",
    "Вы находитесь в стране легально{p}", "Ребёнок находится в стране легально{p}",
    "Is the child lawfully present{p}",
])
_CITIZEN_RU = st.sampled_from(["Являетесь ли вы гражданином США{p}", "Ребёнок является гражданином США{p}",
                               "Является ли мать гражданкой США{p}", "Вы гражданин США{p}"])
_NATURAL = st.sampled_from(["¿Cuándo se naturalizó{p}", "Quando se naturalizou{p}", "Dat natiralizasyon{p}",
                            "Nimewo sètifika natiralizasyon{p}", "Êtes-vous naturalisé{p}", "When were you naturalized{p}"])


@SETTINGS
@given(frame=_DEPORTED, punct=_PUNCT, case=_CASE)
def test_deportation_question_is_immigration_status_040b(g, frame, punct, case):
    label = case(frame.format(p=punct))
    assert "immigration_status" in cats(g, label), label


@SETTINGS
@given(frame=_LEGAL, punct=_PUNCT, case=_CASE)
def test_lawful_presence_question_is_immigration_status_040b(g, frame, punct, case):
    label = case(frame.format(p=punct))
    assert "immigration_status" in cats(g, label), label


@SETTINGS
@given(frame=st.one_of(_CITIZEN_RU, _NATURAL), punct=_PUNCT)
def test_citizenship_question_in_its_inflected_forms_is_citizenship_status_040k(g, frame, punct):
    label = frame.format(p=punct)
    assert "citizenship_status" in cats(g, label), label


@pytest.mark.parametrize("label", ["Have you ever been deployed?", "Has the student ever been suspended?",
                                   "Deportment grade", "Conduct and deportment", "Гражданское состояние",
                                   "Гражданский брак", "Гражданская оборона", "Naturalist club member?",
                                   "Are you in the country for a visit?", "Situation familiale",
                                   "¿Ha sido reportado alguna vez un bache?",
                                   "Êtes-vous en situation régulière vis-à-vis des impôts ?",
                                   "Situation régulière auprès de l'URSSAF"])
def test_status_question_lookalikes_pass(g, label):
    assert not cats(g, label) & {"immigration_status", "citizenship_status"}, label


# -- run-together names read as their separated form ----------------------------------------------
_RT_TERM = st.sampled_from(["asylum", "refugee", "legal", "citizenship", "immigration", "visa"])
_RT_HEAD = st.sampled_from(["status", "statuscode", "code", "flag", "type", "ind"])
_RT_CASE = st.sampled_from([str.lower, str.upper])


@SETTINGS
@given(term=_RT_TERM, head=_RT_HEAD, case=_RT_CASE, prefix=st.sampled_from(["", "student_", "app.", "PERSON_"]))
def test_run_together_status_name_reads_like_its_separated_form(g, term, head, case, prefix):
    sep = head if head != "statuscode" else "status_code"
    separated = g.classify(prefix + case(f"{term}_{sep}")).categories
    glued = g.classify(prefix + case(term + head)).categories
    assume(separated)
    assert separated & glued, (term + head, glued, separated)


@pytest.mark.parametrize("name", ["jobstatus", "orderstatus", "casestatus", "taxstatus", "runstatus",
                                  "addressbook", "racetrack", "statuscode", "countrycode", "workorderstatus"])
def test_run_together_lookalikes_pass(g, name):
    assert not g.classify(name).categories & {"immigration_status", "race_ethnicity", "home_address",
                                              "citizenship_status"}, name


def test_numero_de_a_run_together_is_an_a_number_040k(g):
    for n in ["numerodeA", "numero_de_a", "NUMERO_DE_A"]:
        assert "alien_registration_number" in g.classify(n).categories, n


# -- 040(e): release wording in labels and notes, dates in words near hearing words --------------
@pytest.mark.parametrize("label", ["Date de sortie de prison", "Дата выхода на свободу", "Data di saída di kadia",
                                   "Data di libertason", "Fecha en que sale de la cárcel", "Data de saída da prisão"])
def test_release_wording_every_language_is_release_date_040e(g, label):
    assert "release_date" in cats(g, label), label


@pytest.mark.parametrize("label", ["Date de sortie du film", "Дата выпуска", "Date de sortie du produit"])
def test_release_wording_lookalikes_pass(g, label):
    assert "release_date" not in cats(g, label), label


_ORD = st.sampled_from(["first", "second", "third", "ninth", "twelfth", "twenty-first", "thirty-first", "fifteenth"])
_MON = st.sampled_from(["January", "March", "May", "December", "Sept"])
_HEAR = st.sampled_from(["Arraignment", "Her hearing", "The court date", "Next hearing"])


@SETTINGS
@given(o=_ORD, m=_MON, h=_HEAR, form=st.integers(0, 2))
def test_hearing_date_in_words_is_found_in_notes_040e(g, o, m, h, form):
    date = [f"the {o} of {m}", f"{m} {o}", f"on the {o}"][form]
    note = f"{h} is set for {date}." if form < 2 else f"{h} is {date}."
    assert "hearing_information" in {f.category for f in g.detect_text(note)}, note


@SETTINGS
@given(n=st.sampled_from(["nueve", "quince", "veintiuno", "treinta y uno", "nove", "vinte e dois", "dezoito"]),
       m=st.sampled_from(["diciembre", "enero", "dezembro", "março"]))
def test_hearing_date_in_words_es_pt_is_found_in_notes_040e(g, n, m):
    note = f"La audiencia es el {n} de {m}." if m in ("diciembre", "enero") else f"Audiência no dia {n} de {m}."
    assert "hearing_information" in {f.category for f in g.detect_text(note)}, note


@pytest.mark.parametrize("note", ["The ninth of January is a holiday.", "Meeting of the Citizens Committee on the ninth.",
                                  "La reunión del comité ciudadano es el nueve de diciembre.",
                                  "Consejo de seguridad ciudadana: reunión el quince de enero.",
                                  "We went to the first game on January ninth."])
def test_dates_in_words_lookalike_notes_pass(g, note):
    found = {f.category for f in g.detect_text(note)}
    assert not found & {"hearing_information", "release_date", "citizenship_status"}, (note, found)


# -- look-alikes: addresses that are nobody's home; payments ---------------------------------------
@pytest.mark.parametrize("name", ["hospital.address", "hospitalAddress", "HospitalStreetAddress", "ns3:Hospital/ns3:Address",
                                  "ipv4_address", "ipv6_address", "ORI_ADDR", "server_address", "gateway_address"])
def test_address_that_is_nobodys_home_passes(g, name):
    assert "home_address" not in g.classify(name).categories, name


@pytest.mark.parametrize("name", ["patient.address", "patientAddress", "student.address", "home_address",
                                  "hospital_patient_address"])
def test_a_persons_address_stays_home_address_040e(g, name):
    assert "home_address" in g.classify(name).categories, name


@pytest.mark.parametrize("label", ["Pagamentu ku Visa", "Pagu ku Visa", "Enderesu di kompanha", "Enderesu di empreza",
                                   "Enderesu di ospital"])
def test_kabuverdianu_lookalikes_pass(g, label):
    assert not cats(g, label) & {"visa_or_passport", "home_address"}, label


@pytest.mark.parametrize("note", ["Patient released from hospital on Dec 9.", "The patient was discharged on Dec 9."])
def test_patient_is_a_person_but_a_hospital_discharge_is_no_release_in_notes(g, note):
    # "patient" names a person (its address is home) and a medical context (its release is a discharge)
    assert "release_date" not in {f.category for f in g.detect_text(note)}, note


def test_a_persons_release_next_to_a_patient_word_is_still_found_040e(g):
    assert "release_date" in {f.category for f in g.detect_text("The inmate will be released on Dec 9.")}

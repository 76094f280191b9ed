"""Look-alikes of a status question hold in every language of the pack's lexicon (2.129.040(b),
issue 12 item 8; label conventions 4 and 5 of the blind corpus).

Invariants:

* a city service named after a status subject — the subject word of any lexicon language beside a
  service noun of the same language (a citizenship class, ``lễ nhập tịch``, ``церемония
  натурализации``, ``clases de ciudadanía``) — is never refused, wherever the form carries the
  text: a field's label, a form builder's question/answer pair, a field name, a file name;
* a welcoming statement (``we will not ask about your immigration status`` in any language) is never
  refused, and does not hide a question asked in another clause of the same text;
* the same subject word *asked* — alone, or with the person addressed beside the service noun — is
  always refused, in the same placements;
* a builder's own record (``Entry.Status``) is not a status question; a key spelling the
  subject out under a record (``Person.ImmigrationStatus``) still is; an abbreviation is read as
  the form's sibling key spells it (``cit_stat`` beside ``citation_status``), and as the lexicon
  spells it otherwise (``cf_cit_stat``).

Every language's subject words are taken from what the classifier itself reads as a status (the
test fails if a language has none), so a language added to the lexicon without service nouns or
statements fails here (see ``collection/vocabulary.yaml``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Effect, Guard
from status_guard import collection
from status_guard.collection.lookalikes import vocab

# candidate subject words per language; the test keeps those the classifier reads as a status
SUBJECTS = {
    "en": ["citizenship", "naturalization", "immigrant", "immigration", "passport", "nationality"],
    "es": ["ciudadanía", "naturalización", "inmigrantes", "inmigración", "pasaporte", "nacionalidad"],
    "pt": ["cidadania", "naturalização", "imigrantes", "imigração", "passaporte", "nacionalidade"],
    "ht": ["sitwayennte", "natiralizasyon", "imigran", "imigrasyon", "paspò", "nasyonalite"],
    "fr": ["citoyenneté", "naturalisation", "immigrants", "immigration", "passeport", "nationalité"],
    "kea": ["sidadania", "naturalizason", "imigranti", "imigrason", "pasaporti", "nasionalidadi"],
    "vi": ["nhập tịch", "quốc tịch", "nhập cư", "di trú", "hộ chiếu"],
    "ar": ["الجنسية", "التجنس", "الهجرة", "المهاجرين", "جواز السفر"],
    "ru": ["гражданства", "натурализации", "иммиграции", "иммигрантов", "паспорта"],
    "so": ["dhalasho", "dhalashada", "socdaalka", "soogalootiga", "baasaboor", "jinsiyadda"],
    "am": ["ዜግነት", "የዜግነት", "ኢሚግሬሽን", "ፓስፖርት"],
    "bn": ["নাগরিকত্ব", "অভিবাসন", "অভিবাসী", "পাসপোর্ট"],
    "ko": ["시민권", "귀화", "이민", "여권", "국적"],
    "zh": ["公民", "入籍", "移民", "护照", "国籍"],
    "zh-Hant": ["公民", "入籍", "移民", "護照", "國籍"],
}
COMPACT = {"am", "bn", "ko", "zh", "zh-Hant"}

_GUARD = Guard.default(audit="memory:")
_V = vocab()


def _subjects(lang: str) -> list[str]:
    clf = _GUARD.classifier
    return [w for w in SUBJECTS.get(lang, []) if clf.classify("", w).categories & _V.categories]


LANGS = sorted(_GUARD.classifier.lexicon.languages)


def _services(lang: str) -> list[str]:
    return sorted({" ".join(p.words) if lang not in COMPACT else p.ctext for p in _V.services if p.lang == lang})


def _statements(lang: str) -> list[str]:
    return sorted({" ".join(p.words) if lang not in COMPACT else p.ctext for p in _V.not_asked if p.lang == lang})


def test_every_lexicon_language_has_subjects_service_nouns_and_statements() -> None:
    for lang in LANGS:
        assert _subjects(lang), f"{lang}: no subject word the classifier reads as a status"
        assert lang in _V.languages["services"] and _services(lang), f"{lang}: no service nouns"
        assert lang in _V.languages["not_asked"] and _statements(lang), f"{lang}: no welcoming statements"
        assert lang in _V.languages["addressed"], f"{lang}: no words addressing the person"


def _join(lang: str, *parts: str) -> str:
    return ("" if lang in COMPACT else " ").join(parts)


@st.composite
def service_names(draw: Any) -> tuple[str, str]:
    lang = draw(st.sampled_from(LANGS))
    subject = draw(st.sampled_from(_subjects(lang)))
    noun = draw(st.sampled_from(_services(lang)))
    name = _join(lang, noun, subject) if draw(st.booleans()) else _join(lang, subject, noun)
    return lang, name


PLACEMENTS = ("label", "builder", "name", "file")


def _effect(text: str, placement: str) -> Effect:
    if placement == "label":
        return _GUARD.check_submission({"f1": "Maria Lopez", "f2": "yes"}, scope="city", requester="public",
                                       labels={"f2": text}).effect
    if placement == "builder":
        return _GUARD.check_submission({"answers": [{"question": text, "answer": "Maria Lopez"}]}, scope="city",
                                       requester="public").effect
    if placement == "name":
        key = "_".join(text.split()) if " " in text else text
        return _GUARD.check_submission({key: "yes"}, scope="city", requester="public").effect
    reading = collection.read({"f1": "Maria Lopez"}, "form", files={"upload": ["_".join(text.split()) + "_flyer.pdf"]})
    return collection.check(_GUARD, reading, scope="city", requester="public").decision.effect


REFUSED = (Effect.BLOCK, Effect.STRIP)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(svc=service_names(), placement=st.sampled_from(PLACEMENTS))
def test_a_city_service_named_after_a_status_is_never_refused_in_any_language_040b(svc: tuple[str, str],
                                                                                   placement: str) -> None:
    lang, text = svc
    assert _effect(text, placement) not in REFUSED, (lang, text, placement)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lang=st.sampled_from(LANGS), data=st.data(), placement=st.sampled_from(PLACEMENTS))
def test_the_subject_asked_alone_is_always_refused_in_any_language_040b(lang: str, data: Any, placement: str) -> None:
    subject = data.draw(st.sampled_from(_subjects(lang)))
    assert _effect(subject, placement) in REFUSED, (lang, subject, placement)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lang=st.sampled_from(LANGS), data=st.data(), placement=st.sampled_from(("label", "builder")))
def test_a_welcoming_statement_is_never_refused_and_hides_no_other_question_040b(lang: str, data: Any,
                                                                                 placement: str) -> None:
    subject = data.draw(st.sampled_from(_subjects(lang)))
    statement = data.draw(st.sampled_from(_statements(lang)))
    promise = _join(lang, statement, subject)
    assert _effect(promise, placement) not in REFUSED, (lang, promise, placement)
    assert _effect(f"{promise}. {subject}?", placement) in REFUSED, (lang, promise, placement)


@pytest.mark.parametrize("label", [
    "When was your naturalization orientation?", "Your citizenship tutoring: which immigration status?",
    "¿Cuál es su ciudadanía? (clase de inglés)", "Vui lòng cho biết quốc tịch của bạn",
])
def test_a_service_noun_does_not_hide_the_persons_own_status_040b(label: str) -> None:
    assert _effect(label, "label") in REFUSED


@pytest.mark.parametrize("doc, refused", [
    ({"Entry": {"Number": 5, "Status": "Submitted"}, "HoVaTen": "Lê Thị Hoa"}, False),
    ({"Submission": {"Entry": {"Status": "Submitted"}}}, False),
    ({"Person": {"ImmigrationStatus": "LPR"}}, True),
    ({"Immigration": {"Status": "LPR"}}, True),
    ({"entry_status": "EWI"}, True),
    ({"citation_no": "P-1", "cit_stat": "unpaid", "citation_status": "under appeal"}, False),
    ({"cf_cit_stat": "LPR", "cf_city": "Cambridge"}, True),
    ({"cit_stat": "LPR", "city_stat": "ok"}, True),
])
def test_a_builders_record_and_a_spelled_out_abbreviation_are_not_questions_040b(doc: dict[str, Any],
                                                                                  refused: bool) -> None:
    effect = _GUARD.check_submission(doc, scope="city", requester="public").effect
    assert (effect in REFUSED) is refused, (doc, effect)

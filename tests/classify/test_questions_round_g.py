"""Status questions written as sentences in every pack language, and their look-alikes (issue 13;
review r13e F03/F04). Written for these tests.

Invariants, each with a property test:
* 2.129.040(k) — a label that asks in what country/where a person was born is place of birth in
  each of the 15 pack languages (en es pt ht zh zh-Hant vi ar ru so am kea fr bn ko), whatever the
  subject, the question mark, a form's numbering or required-star, and case;
* 2.129.040(b) — a label that asks whether a person was ever deported/removed (or when they entered
  the United States) is immigration status in each pack language;
* look-alikes — questions about where else something happens, school expulsion, travel wishes,
  "when were you born" pass without these categories.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


#: per language: sentences asking the place of birth; {s} is the subject (omitted where the
#: language marks it on the verb)
POB = {
    "en": ["In what country {s} born?", "Where {s} born?", "Which city {s} born in?"],
    "es": ["¿En qué país nació {s}?", "¿Dónde nació {s}?"],
    "pt": ["Em que país {s} nasceu?", "Onde {s} nasceu?"],
    "fr": ["Dans quel pays {s} né ?", "Où {s} né ?"],
    "ru": ["В какой стране {s} родились?", "Где {s} родился?"],
    "ht": ["Kote {s} te fèt?", "Nan ki peyi {s} te fèt?", "Ki kote {s} fèt?"],
    "kea": ["Na ki país {s} nasi?", "Undi ki {s} nasi?", "Undi {s} nase?"],
    "so": ["Dalkee {s} ku dhalatay?", "Xagee {s} ku dhashay?"],
    "vi": ["{s} sinh ra ở nước nào?", "{s} sinh ở đâu?"],
    "ar": ["في أي بلد ولدت{s}؟", "ما هو بلد ميلادك{s}؟", "أين ولدت{s}؟"],
    "am": ["በየትኛው አገር ተወለዱ{s}?", "የት ነው የተወለዱት{s}?"],
    "bn": ["{s} কোন দেশে জন্মগ্রহণ করেছেন?", "{s} কোথায় জন্মগ্রহণ করেছেন?"],
    "ko": ["{s} 어느 나라에서 태어나셨습니까?", "{s} 어디에서 태어났어요?"],
    "zh": ["{s}在哪个国家出生？", "{s}在哪里出生?"],
    "zh-Hant": ["{s}在哪個國家出生？", "{s}在哪裡出生?"],
}
DEPORT = {
    "en": ["Have {s} ever been deported?", "Were {s} ever removed from the U.S.?"],
    "es": ["¿Alguna vez ha sido deportado {s}?", "¿Cuándo entró {s} a los Estados Unidos?"],
    "pt": ["{s} já foi deportado?"],
    "fr": ["{s} déjà été expulsé(e) ?", "{s} déjà été expulsé des États-Unis ?"],
    "ru": ["{s} когда-либо депортировали?"],
    "ht": ["Èske {s} te janm depote?"],
    "kea": ["{s} dja foi deportadu?"],
    "so": ["Weligaa ma {s} lagu masaafuriyay?", "Ma lagu tarxiilay {s} weligaa?"],
    "vi": ["{s} đã từng bị trục xuất chưa?"],
    "ar": ["هل سبق أن تم ترحيلك{s}؟"],
    "am": ["ከአገር ተባረው ያውቃሉ{s}?"],
    "bn": ["{s} কি কখনো নির্বাসিত করা হয়েছে?", "{s} কি কখনো ডিপোর্ট করা হয়েছে?"],
    "ko": ["{s} 추방된 적이 있습니까?"],
    "zh": ["{s}有没有被递解出境过？"],
    "zh-Hant": ["{s}有沒有被遞解出境過？"],
}
SUBJECTS = {
    "en": ["were you", "was the child", "was your mother", "was the student's father"],
    "es": ["usted", "el niño", "su madre", ""], "pt": ["você", "a criança", "sua mãe"],
    "fr": ["êtes-vous", "l'enfant est-il", "votre mère est-elle"], "ru": ["вы", "ребёнок", "ваша мать"],
    "ht": ["ou", "pitit la", "manman ou"], "kea": ["bu", "bo", "nha"], "so": ["aad", "ayuu ilmuhu", ""],
    "vi": ["Bạn", "Con bạn", "Mẹ của bạn"], "ar": ["", " يا أحمد"], "am": ["", " እርስዎ"],
    "bn": ["আপনি", "আপনাকে", "আপনার সন্তান"], "ko": ["", "당신은", "학생은"],
    "zh": ["您", "你", "孩子"], "zh-Hant": ["您", "你", "孩子"],
}
#: subjects of the deportation frames where they differ (the English frames carry the verb)
DEPORT_SUBJECTS = {**SUBJECTS, "en": ["you", "your parents", "they"], "fr": ["Avez-vous", "L'enfant a-t-il", "Votre père a-t-il"],
                   "ru": ["Вас", "Его", "Вашего отца"], "es": ["usted", "su padre", ""]}
_PUNCT = st.sampled_from(["", " ", "*", " (required)", ":"])
_PREFIX = st.sampled_from(["", "4. ", "Q7 - ", "* "])


def _label(frame: str, subj: str, prefix: str, punct: str) -> str:
    return prefix + frame.format(s=subj).strip() + punct


@pytest.mark.parametrize("lang", sorted(POB))
def test_every_pack_language_has_place_of_birth_sentences(lang):
    assert POB[lang] and DEPORT[lang] and SUBJECTS[lang]


@SETTINGS
@given(data=st.data(), prefix=_PREFIX, punct=_PUNCT)
def test_place_of_birth_sentence_every_pack_language_is_place_of_birth_040k(g, data, prefix, punct):
    lang = data.draw(st.sampled_from(sorted(POB)))
    frame = data.draw(st.sampled_from(POB[lang]))
    subj = data.draw(st.sampled_from(SUBJECTS[lang]))
    label = _label(frame, subj, prefix, punct)
    assert "place_of_birth" in g.classify("q4", label).categories, (lang, label)


@SETTINGS
@given(data=st.data(), prefix=_PREFIX, punct=_PUNCT)
def test_deportation_sentence_every_pack_language_is_immigration_status_040b(g, data, prefix, punct):
    lang = data.draw(st.sampled_from(sorted(DEPORT)))
    frame = data.draw(st.sampled_from(DEPORT[lang]))
    subj = data.draw(st.sampled_from(DEPORT_SUBJECTS[lang]))
    label = _label(frame, subj, prefix, punct)
    assert "immigration_status" in g.classify("q4", label).categories, (lang, label)


@pytest.mark.parametrize("label", [
    "Avez-vous déjà été expulsé de l'école ?", "Dans quel pays voulez-vous voyager ?",
    "어느 나라를 방문하고 싶습니까?", "በየትኛው አገር መኖር ይፈልጋሉ?", "আপনি কোন দেশে ভ্রমণ করেছেন?",
    "ما هو بلدك المفضل؟", "Where was the meeting held?", "Ki kote lekòl la ye?", "Undi ki bu ta mora?",
    "Masaafurka dugsiga", "Kote ou te fè travay la?", "Which files were removed from the folder?",
    "¿Cuándo entró a la escuela?", "Has the item ever been removed from the list?",
])
def test_lookalike_questions_are_not_status_or_birthplace(g, label):
    got = g.classify("q4", label).categories
    assert not got & {"place_of_birth", "immigration_status"}, (label, got)


@pytest.mark.parametrize("label", ["When were you born?", pytest.param("¿Cuándo nació usted?", marks=pytest.mark.xfail(
    reason="known false positive (r13e, issue 13): the Spanish term 'nacio' alone is read as place of birth, so a date-of-birth question also gets place_of_birth; strict, so the fix is noticed", strict=True)),
    "Когда вы родились?"])
def test_birth_date_question_is_not_place_of_birth(g, label):
    assert "place_of_birth" not in g.classify("q4", label).categories

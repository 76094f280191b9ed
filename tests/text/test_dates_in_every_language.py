"""Hearing and release dates written in digits or in words, in every pack language (review r13e
F05). Written for these tests; the number words and month names below are the ones people write
(checked against grammars of each language), not copied from the recognizers.

Invariant (2.129.040(e)): a hearing or release date stated next to a hearing/release cue, in any
pack language, with the day in digits or in words, never reaches a federal requester in a
declared public-record narrative. Look-alike: the same date beside an ordinary city event (a
library opening, a school fair) is not a hearing or release date.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PRE = ["Officers responded to Mass Ave at 14:10. ", "Per the clerk: ", ""]
POST = [" Report by Sgt. Doe, unit 4.", " No further action.", ""]

# day -> written form, per language; months: (December, January, March)
WORDS = {
    "en": {1: "the first of {m}", 9: "the ninth of {m}", 12: "the twelfth of {m}", 21: "{m} twenty-first"},
    "es": {1: "primero de {m}", 9: "nueve de {m}", 12: "doce de {m}", 21: "veintiuno de {m}"},
    "pt": {1: "primeiro de {m}", 9: "nove de {m}", 12: "doze de {m}", 21: "vinte e um de {m}"},
    "fr": {1: "premier {m}", 9: "neuf {m}", 12: "douze {m}", 21: "vingt et un {m}"},
    "ht": {1: "premye {m}", 9: "nèf {m}", 12: "douz {m}", 21: "venteyen {m}"},
    "kea": {1: "primeru di {m}", 9: "nove di {m}", 12: "dozi di {m}", 21: "binti i un di {m}"},
    "so": {1: "kowda {m}", 9: "sagaal {m}", 12: "toban iyo laba {m}", 21: "labaatan iyo kow {m}"},
    "zh": {1: "{m}一日", 9: "{m}九日", 12: "{m}十二号", 21: "{m}二十一日"},
    "vi": {1: "ngày mùng một {m}", 9: "ngày chín {m}", 12: "ngày mười hai {m}", 21: "ngày hai mươi mốt {m}"},
    "ru": {1: "первого {m}", 9: "девятого {m}", 12: "двенадцатого {m}", 21: "двадцать первого {m}"},
    "ar": {1: "الأول من {m}", 9: "التاسع من {m}", 12: "الثاني عشر من {m}", 21: "الحادي والعشرين من {m}"},
    "ko": {1: "{m} 일일", 9: "{m} 구일", 12: "{m} 십이일", 21: "{m} 이십일일"},
}
DIGITS = {
    "en": "{m} {d}", "es": "{d} de {m}", "pt": "{d} de {m}", "fr": "{d} {m}", "ht": "{d} {m}",
    "kea": "{d} di {m}", "so": "{d} {m}", "zh": "{m}{d}日", "vi": "ngày {d} {m}", "ru": "{d} {m}",
    "ar": "{d} {m}", "ko": "{m} {d}일", "am": "{m} {d}", "bn": "{d} {m}",
}
MONTHS = {
    "en": ["December", "January", "March"], "es": ["diciembre", "enero", "marzo"],
    "pt": ["dezembro", "janeiro", "março"], "fr": ["décembre", "janvier", "mars"],
    "ht": ["desanm", "janvye", "mas"], "kea": ["dezembru", "janeru", "marsu"],
    "so": ["Disembar", "Janaayo", "Maarso"], "zh": ["十二月", "一月", "三月"],
    "vi": ["tháng mười hai", "tháng giêng", "tháng ba"], "ru": ["декабря", "января", "марта"],
    "ar": ["ديسمبر", "يناير", "مارس"], "ko": ["십이월", "일월", "삼월"],
    "am": ["ታህሳስ", "ጥር", "መጋቢት"], "bn": ["ডিসেম্বর", "জানুয়ারি", "মার্চ"],
}
DIGIT_MONTHS = {**MONTHS, "zh": ["12月", "1月", "3月"], "ko": ["12월", "1월", "3월"],
                "vi": ["tháng 12", "tháng 1", "tháng 3"]}
HEARING = {
    "en": "The court date is {x}.", "es": "La audiencia en la corte es el {x}.",
    "pt": "A audiência no tribunal é dia {x}.", "fr": "Il a une audience au tribunal le {x}.",
    "ht": "Li gen odyans nan tribinal {x}.", "kea": "El ten audiénsia na tribunal dia {x}.",
    "so": "Maxkamadda waxaa loo ballansan yahay {x}.", "zh": "出庭日期是{x}。",
    "vi": "Ngày ra tòa là {x}.", "ru": "Суд назначен на {x}.", "ar": "موعد المحكمة {x}.",
    "ko": "재판은 {x}입니다.", "am": "የፍርድ ቤት ቀጠሮ {x} ነው።", "bn": "আদালতের শুনানি {x}।",
}
RELEASE = {
    "en": "He will be released {x}.", "es": "Sale libre el {x}.", "pt": "Será solto dia {x}.",
    "fr": "Il sera libéré le {x}.", "ht": "Y ap libere l {x}.", "kea": "El ta sai di kadeia dia {x}.",
    "so": "Waxaa la sii deynayaa {x}.", "zh": "将于{x}释放。", "vi": "Anh ấy sẽ được thả {x}.",
    "ru": "Его освободят {x}.", "ar": "سيتم الإفراج عنه {x}.", "ko": "{x}에 석방 예정입니다.",
}
EVENT = {
    "en": "The library reopens {x}.", "es": "La biblioteca abre el {x}.", "pt": "A biblioteca abre dia {x}.",
    "fr": "La bibliothèque ouvre le {x}.", "ht": "Bibliyotèk la ouvri {x}.", "kea": "Biblioteka ta abri dia {x}.",
    "so": "Maktabadda waxay furmaysaa {x}.", "zh": "图书馆{x}开放。", "vi": "Thư viện mở cửa {x}.",
    "ru": "Библиотека откроется {x}.", "ar": "تفتح المكتبة {x}.", "ko": "도서관은 {x}에 문을 엽니다.",
}


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


def _served(g, text: str) -> str:
    r = g.redact({"incident_id": "24-01187", "narrative": text}, scope="police", requester="federal",
                 public_record_fields=["narrative", "incident_id"])
    return str(r.document.get("narrative"))


@st.composite
def dated(draw, cues: dict[str, str]):
    lang = draw(st.sampled_from(sorted(cues)))
    in_words = lang in WORDS and draw(st.booleans())
    if in_words:
        day = draw(st.sampled_from(sorted(WORDS[lang])))
        x = WORDS[lang][day].format(m=draw(st.sampled_from(MONTHS[lang])))
    else:
        d = draw(st.integers(1, 28))
        x = DIGITS[lang].format(d=d, m=draw(st.sampled_from(DIGIT_MONTHS[lang])))
        if lang == "so" and draw(st.booleans()):
            x = x.replace(f"{d} ", f"{d}-ka ", 1)
    return lang, x, cues[lang].format(x=x)


@SETTINGS
@given(case=dated(HEARING), pre=st.sampled_from(PRE), post=st.sampled_from(POST))
def test_federal_officer_never_sees_a_hearing_date_in_any_language(g, case, pre, post):
    lang, x, sentence = case
    out = _served(g, pre + sentence + post)
    assert x not in out, (lang, out)


@SETTINGS
@given(case=dated(RELEASE), pre=st.sampled_from(PRE), post=st.sampled_from(POST))
def test_federal_officer_never_sees_a_release_date_in_any_language(g, case, pre, post):
    lang, x, sentence = case
    out = _served(g, pre + sentence + post)
    assert x not in out, (lang, out)


@SETTINGS
@given(case=dated(EVENT))
def test_a_date_of_an_ordinary_city_event_is_not_a_hearing_or_release(g, case):
    lang, x, sentence = case
    found = {f.category for f in g.detect_text(sentence)}
    assert not found & {"hearing_information", "release_date"}, (lang, sentence, found)

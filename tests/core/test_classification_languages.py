"""The languages Cambridge's residents read (issue 13, item 4): Vietnamese, Arabic, Russian,
Somali, Amharic, Cape Verdean Creole, French, Bengali, Korean and Traditional Chinese, beside
the original five. Written for these tests, not taken from the blind sets.

Invariants:
* a question about each protected category, written the way a form in that language asks it,
  is classified to that category (whatever the field's name: ``q7``);
* the look-alikes hold in every language: a "Visa" card is a payment card, a citizenship class
  or a citizens' committee is not citizenship, a child's custody is not jail;
* every term of every language file, used as a label, reaches its category (no term is dead
  data), and the script's own spelling variants meet (ሠ/ሰ, ة/ه, the Arabic article, accents).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

PROTECTED = {
    "vi": [("Tình trạng di trú của bạn", "immigration_status"), ("Quốc tịch", "citizenship_status"),
           ("Nơi sinh", "place_of_birth"), ("Địa chỉ nhà", "home_address"), ("Địa chỉ nơi làm việc", "work_address"),
           ("Ngày ra tòa", "hearing_information"), ("Ngày được thả", "release_date"), ("Số hộ chiếu", "visa_or_passport"),
           ("Chủng tộc", "race_ethnicity"), ("Thời gian tạm giam", "detention_length"), ("Lý do bị bắt", "detention_basis")],
    "ar": [("وضع الهجرة", "immigration_status"), ("الجنسية", "citizenship_status"), ("مكان الميلاد", "place_of_birth"),
           ("عنوان المنزل", "home_address"), ("عنوان العمل", "work_address"), ("موعد المحكمة", "hearing_information"),
           ("تاريخ الإفراج", "release_date"), ("رقم جواز السفر", "visa_or_passport"), ("الأصل العرقي", "race_ethnicity"),
           ("سبب الاحتجاز", "detention_basis"), ("رقم تسجيل الأجانب", "alien_registration_number")],
    "ru": [("Иммиграционный статус", "immigration_status"), ("Гражданство", "citizenship_status"),
           ("Место рождения", "place_of_birth"), ("Домашний адрес", "home_address"), ("Адрес места работы", "work_address"),
           ("Дата судебного заседания", "hearing_information"), ("Дата освобождения", "release_date"),
           ("Номер паспорта", "visa_or_passport"), ("Национальность", "race_ethnicity"), ("Срок задержания", "detention_length")],
    "so": [("Xaaladda socdaalka", "immigration_status"), ("Dhalashadaada", "citizenship_status"),
           ("Goobta dhalashada", "place_of_birth"), ("Ciwaanka guriga", "home_address"), ("Ciwaanka shaqada", "work_address"),
           ("Taariikhda maxkamadda", "hearing_information"), ("Taariikhda sii deynta", "release_date"),
           ("Lambarka baasaboorka", "visa_or_passport"), ("Sababta xarigga", "detention_basis")],
    "am": [("የኢሚግሬሽን ሁኔታ", "immigration_status"), ("ዜግነት", "citizenship_status"), ("የትውልድ ቦታ", "place_of_birth"),
           ("የቤት አድራሻ", "home_address"), ("የሥራ አድራሻ", "work_address"), ("የፍርድ ቤት ቀጠሮ", "hearing_information"),
           ("የፓስፖርት ቁጥር", "visa_or_passport"), ("የእስር ምክንያት", "detention_basis")],
    "kea": [("Status di imigrason", "immigration_status"), ("Sidadania", "citizenship_status"),
            ("Lugar di nasimentu", "place_of_birth"), ("Enderesu di kaza", "home_address"),
            ("Enderesu di trabadju", "work_address"), ("Data di audiensia", "hearing_information"),
            ("Numeru di pasaporti", "visa_or_passport"), ("Data di soltura", "release_date")],
    "fr": [("Statut d'immigration", "immigration_status"), ("Nationalité", "citizenship_status"),
           ("Lieu de naissance", "place_of_birth"), ("Adresse du domicile", "home_address"),
           ("Adresse de l'employeur", "work_address"), ("Date d'audience", "hearing_information"),
           ("Date de libération", "release_date"), ("Numéro de passeport", "visa_or_passport"),
           ("Origine ethnique", "race_ethnicity"), ("Motif de la détention", "detention_basis")],
    "bn": [("অভিবাসন অবস্থা", "immigration_status"), ("নাগরিকত্ব", "citizenship_status"), ("জন্মস্থান", "place_of_birth"),
           ("বাড়ির ঠিকানা", "home_address"), ("কর্মস্থলের ঠিকানা", "work_address"), ("শুনানির তারিখ", "hearing_information"),
           ("মুক্তির তারিখ", "release_date"), ("পাসপোর্ট নম্বর", "visa_or_passport")],
    "ko": [("이민 신분", "immigration_status"), ("국적을 선택하세요", "citizenship_status"), ("출생지", "place_of_birth"),
           ("집 주소", "home_address"), ("직장 주소", "work_address"), ("재판 날짜", "hearing_information"),
           ("석방 날짜", "release_date"), ("여권 번호", "visa_or_passport"), ("인종", "race_ethnicity"),
           ("구금 사유", "detention_basis")],
    "zh-Hant": [("移民身分", "immigration_status"), ("國籍", "citizenship_status"), ("出生地點", "place_of_birth"),
                ("家庭住址", "home_address"), ("工作地址", "work_address"), ("出庭日期", "hearing_information"),
                ("釋放日期", "release_date"), ("護照號碼", "visa_or_passport"), ("羈押原因", "detention_basis")],
}

LOOK_ALIKES = {
    "vi": [("Thẻ Visa", "visa_or_passport"), ("Ủy ban công dân", "citizenship_status"), ("Quyền nuôi con", "incarceration_status")],
    "ar": [("بطاقة فيزا", "visa_or_passport"), ("لجنة المواطنين", "citizenship_status"), ("حضانة الطفل", "incarceration_status"),
           ("امتحان الجنسية", "citizenship_status")],
    "ru": [("Карта Visa", "visa_or_passport"), ("Фото на паспорт", "visa_or_passport"), ("Опека над ребенком", "incarceration_status"),
           ("Курсы подготовки к экзамену на гражданство", "citizenship_status")],
    "so": [("Kaarka Visa", "visa_or_passport"), ("Sawirka baasaboorka", "visa_or_passport"),
           ("Taariikhda dhalashada", "citizenship_status")],
    "am": [("ቪዛ ካርድ", "visa_or_passport"), ("የዜግነት ፈተና", "citizenship_status")],
    "kea": [("Kartãu Visa", "visa_or_passport"), ("Diskontu pa pesoas di idadi", "personal_information")],
    "fr": [("Carte Visa", "visa_or_passport"), ("Comité consultatif citoyen", "citizenship_status"),
           ("Garde des enfants", "incarceration_status"), ("Cours de préparation à l'examen de citoyenneté", "citizenship_status")],
    "bn": [("ভিসা কার্ড", "visa_or_passport"), ("শ্রবণ পরীক্ষা", "hearing_information")],
    "ko": [("비자카드", "visa_or_passport"), ("시민권 수업", "citizenship_status"), ("양육권", "incarceration_status"),
           ("청력 검사", "hearing_information")],
    "zh-Hant": [("Visa卡", "visa_or_passport"), ("子女監護權", "incarceration_status"), ("聽力檢查", "hearing_information")],
    "es": [("Tarjeta Visa", "visa_or_passport"), ("Clase de ciudadanía", "citizenship_status"), ("Custodia de los hijos", "incarceration_status")],
    "pt": [("Cartão Visa", "visa_or_passport"), ("Guarda dos filhos", "incarceration_status")],
    "ht": [("Kat Visa", "visa_or_passport"), ("Komite sitwayen", "citizenship_status")],
    "en": [("Visa card", "visa_or_passport"), ("Passport parking zone", "visa_or_passport"), ("Citizenship grade", "citizenship_status"),
           ("Tow release", "release_date"), ("Chain of custody", "incarceration_status")],
}


@pytest.mark.parametrize(("lang", "label", "category"),
                         [(lang, label, cat) for lang, rows in PROTECTED.items() for label, cat in rows])
def test_each_language_asks_each_category(guard: Guard, lang: str, label: str, category: str) -> None:
    assert category in guard.classify_field("q7", label), (lang, label, guard.classify("q7", label).reasons)


@pytest.mark.parametrize(("lang", "label", "category"),
                         [(lang, label, cat) for lang, rows in LOOK_ALIKES.items() for label, cat in rows])
def test_look_alikes_hold_in_every_language(guard: Guard, lang: str, label: str, category: str) -> None:
    assert category not in guard.classify_field("q7", label), (lang, label, guard.classify("q7", label).reasons)


@pytest.mark.parametrize("lang", ["vi", "ar", "ru", "so", "am", "kea", "fr", "bn", "ko", "zh-Hant"])
def test_every_language_file_covers_every_category(guard: Guard, lang: str) -> None:
    [f] = [x for x in guard.policy.lexicon.languages if x.language == lang]
    # categories *derived* from a person's own words (``volunteered: of: [...]``, issue 12) are
    # found through the categories they are of, so they need no terms of their own
    direct = {c for c, cat in guard.policy.file.categories.items() if not cat.volunteered}
    missing = direct - {c for c, lc in f.categories.items() if lc.terms}
    assert not missing, f"{lang} has no terms for {sorted(missing)}"
    assert any("visa" in la.phrase.lower() or "виза" in la.phrase or "فيزا" in la.phrase or "ቪዛ" in la.phrase
               or "ভিসা" in la.phrase or "비자" in la.phrase for la in f.look_alikes), f"{lang}: no Visa-card look-alike"


def _terms() -> list[tuple[str, str, str]]:
    from status_guard.policy import load_policy

    out = []
    for f in load_policy().lexicon.languages:
        for cat, lc in f.categories.items():
            for t in lc.terms:
                text = t if isinstance(t, str) else t.term
                if not text.endswith("*") and not (not isinstance(t, str) and t.names_only):
                    out.append((f.language, cat, text))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(item=st.sampled_from(_terms()), wrap=st.sampled_from(["{}", "{}:", "¿{}?", "{} *", "({})", "1. {}"]))
def test_every_term_of_every_language_reaches_its_category(guard: Guard, item, wrap: str) -> None:
    lang, cat, term = item
    label = wrap.format(term)
    got = guard.classify("q9", label)
    # a term may be subsumed or vetoed by a look-alike or owner inside itself (that is data, and
    # checked by the look-alike tests); otherwise it must reach its category
    vetoed = any(la.phrase for f in guard.policy.lexicon.languages for la in f.look_alikes
                 if cat in la.categories and la.phrase.lower() in term.lower())
    if not vetoed and cat != "incarceration_status":
        assert cat in got.categories, (lang, term, dict(got.reasons))


@pytest.mark.parametrize(("a", "b"), [
    ("የአሠሪዎ ስም", "የአሰሪዎ ስም"),          # Amharic: ሠ and ሰ are one sound
    ("الجنسية", "جنسية"),                    # Arabic: the article
    ("الجنسيّة", "الجنسية"),                 # Arabic: a shadda
    ("Địa chỉ", "dia chi"),                  # Vietnamese: accents
    ("Nationalité", "nationalite"),
])
def test_spelling_variants_of_a_script_meet(guard: Guard, a: str, b: str) -> None:
    assert guard.classify_field("q", a) == guard.classify_field("q", b)


def test_real_russian_keeps_its_letters_and_a_lone_word_still_matches(guard: Guard) -> None:
    # "раса" is made only of letters that look Latin: alone it is folded, inside Russian it is not
    assert "race_ethnicity" in guard.classify_field("q", "Раса")
    assert "race_ethnicity" in guard.classify_field("q", "Ваша раса")
    # a Latin word disguised with Cyrillic letters is still read as Latin
    assert "citizenship_status" in guard.classify_field("q", "сitizenship")

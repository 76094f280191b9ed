"""What the default recognizers find — and the look-alikes they must leave alone."""

from __future__ import annotations

import pytest


def spans(detector, text, category=None):
    return [text[f.start:f.end] for f in detector.detect(text) if category is None or f.category == category]


def categories(detector, text):
    return {f.category for f in detector.detect(text)}


# ---------------------------------------------------------------- A-numbers (2.129.040(b), (e))

@pytest.mark.parametrize("a_number", ["A123456789", "A-123456789", "A12345678", "A-098-765-432",
                                      "A098-765-432", "A 098 765 432", "A12-345-678"])
def test_a_number_is_found_with_and_without_dashes(detector, a_number):
    text = f"ICE fax listed {a_number} for the arrestee."
    assert spans(detector, text, "alien_registration_number") == [a_number]


@pytest.mark.parametrize("lookalike", ["a123456789", "A1234567", "A1234567890", "BA123456789", "A123456789-2"])
def test_a_number_lookalikes_are_not_a_numbers(detector, lookalike):
    assert "alien_registration_number" not in categories(detector, f"Reference {lookalike} on the form.")


def test_student_id_shaped_like_an_a_number_stays_below_threshold(detector):
    assert "alien_registration_number" not in categories(detector, "Student ID A12345678 used at the front desk.")


def test_bare_digits_are_an_a_number_only_right_after_an_a_number_label(detector):
    assert spans(detector, "Applicant A# 204-113-998 is eligible.", "alien_registration_number") == ["204-113-998"]
    assert "alien_registration_number" not in categories(detector, "Order 204-113-998 shipped on time.")


def test_a_label_that_starts_before_the_context_window_still_counts(detector):
    text = "The applicant's alien registration number is 087-654-321 per the card on file."
    assert spans(detector, text, "alien_registration_number") == ["087-654-321"]


# ---------------------------------------------------------------- I-94, passports

def test_i94_number_is_visa_or_passport(detector):
    text = "Her I-94 number 694817253A1 was in the glovebox."
    assert spans(detector, text, "visa_or_passport") == ["694817253A1"]


def test_passport_number_needs_a_passport_word_nearby(detector):
    assert spans(detector, "Passport no. E4418821 was lost.", "visa_or_passport") == ["E4418821"]
    assert spans(detector, "Pasaporte número G12345678.", "visa_or_passport") == ["G12345678"]
    assert "visa_or_passport" not in categories(detector, "Invoice E4418821 was paid in full.")


# ---------------------------------------------------------------- home addresses (040(e))

@pytest.mark.parametrize("address", [
    "48 Columbia Street, Apt 3, Cambridge, MA 02139",
    "112 Hampshire St #2, Cambridge",
    "14 Brookline St Apt 2R Cambridge MA 02139",
    "240 Prospect Street, Cambridge MA 02139",
    "77 Magazine Road",
    "9 Berkshire St, Cambridge, MA 02141",
    "1234 Massachusetts Ave, Unit 5, Cambridge, MA 02138-1234",
    "15 Broadway, Cambridge",
])
def test_street_address_is_found_whole(detector, address):
    text = f"Resident lives at {address}. Follow-up next week."
    assert spans(detector, text, "home_address") == [address]


@pytest.mark.parametrize("text", [
    "Officers dispersed 12 youths near the park.",
    "The meeting is in Room 3 at City Hall.",
    "Grade 5 students walked 3 blocks down the road to the library.",
    "Bail set at $500 by the clerk magistrate.",
])
def test_numbers_next_to_words_are_not_addresses(detector, text):
    assert "home_address" not in categories(detector, text)


# ---------------------------------------------------------------- release dates and hearings (040(e))

@pytest.mark.parametrize("text,date", [
    ("He will be released on 03/14/2026 to family.", "03/14/2026"),
    ("Expected release date 2026-04-01 per the jail.", "2026-04-01"),
    ("Scheduled for release on March 20, 2026 from Middlesex Jail.", "March 20, 2026"),
    ("El detenido saldrá bajo fianza el 20/03/2026.", "20/03/2026"),
    ("O preso será solto no dia 18 de março de 2026.", "18 de março de 2026"),
    ("Moun nan ap soti nan prizon 15 mas 2026.", "15 mas 2026"),
    ("嫌疑人将于2026年3月25日释放。", "2026年3月25日"),
    ("He will be released next Tuesday.", "next Tuesday"),
])
def test_date_near_a_release_word_is_a_release_date(detector, text, date):
    assert spans(detector, text, "release_date") == [date]


@pytest.mark.parametrize("text,date", [
    ("Arraignment set for 2026-05-04 at Third District Court.", "2026-05-04"),
    ("His immigration court hearing is April 2, 2026.", "April 2, 2026"),
    ("Tiene una audiencia en la corte el 15 de abril de 2026.", "15 de abril de 2026"),
    ("Li gen yon odyans nan tribinal imigrasyon 10/04/2026.", "10/04/2026"),
    ("移民法庭听证会定于2026年4月20日。", "2026年4月20日"),
])
def test_date_near_a_hearing_word_is_hearing_information(detector, text, date):
    assert spans(detector, text, "hearing_information") == [date]


def test_weekday_and_date_are_both_hidden_in_a_release_sentence(detector):
    text = "Scheduled for release on Friday, March 20, 2026 from Middlesex Jail."
    assert spans(detector, text, "release_date") == ["on Friday", "March 20, 2026"]
    redacted = detector.redact(text, detector.detect(text))
    assert "Friday" not in redacted and "March 20" not in redacted


def test_each_date_takes_the_category_of_its_nearest_context_word(detector):
    text = ("Bail set at $500. Subject is expected to be released on 03/14/2026 pending arraignment "
            "in Cambridge District Court on 03/16/2026.")
    found = {(f.category, text[f.start:f.end]) for f in detector.detect(text)}
    # the bail amount is release information too (issue 13: bail or bond status is release_date)
    assert found == {("release_date", "03/14/2026"), ("hearing_information", "03/16/2026"),
                     ("release_date", "Bail set at $500")}


@pytest.mark.parametrize("text", [
    "Report of youths on the basketball court on 2026-02-11; dispersed.",
    "Student passed the hearing screening on 10/02/2025.",
    "Reminder: hearing test for grade 1 on 11/18/2025.",
    "Participant signed the release of liability form on 01/09/2026.",
    "Field trip to the Museum of Science on 5/14.",
    "Invoice dated March 3, 2026 was paid.",
])
def test_dates_without_a_real_release_or_hearing_are_not_flagged(detector, text):
    assert categories(detector, text) & {"release_date", "hearing_information"} == set()


# ---------------------------------------------------------------- status terms, five languages (040(b), (k))

@pytest.mark.parametrize("text,term", [
    ("Mother said they are undocumented.", "undocumented"),
    ("She overstayed her visa last year.", "overstayed her visa"),
    ("The family is seeking asylum.", "seeking asylum"),
    ("Client has TPS and DACA.", "TPS"),
    ("He has a green card.", "green card"),
    ("La clienta es indocumentada.", "indocumentada"),
    ("El testigo no tiene papeles.", "no tiene papeles"),
    ("A cliente está sem documentos.", "sem documentos"),
    ("O pai foi deportado.", "deportado"),
    ("Kliyan an di li san papye.", "san papye"),
    ("Papa a te depòte.", "depòte"),
    ("客户说她是无证移民。", "无证移民"),
    ("她的签证过期了。", "签证过期"),
    ("She is here illegally and works nights.", "here illegally"),
    ("They don't have papers.", "don't have papers"),
    ("No tiene estatus legal en este país.", "No tiene estatus legal"),
    ("Ele não tem documentos.", "não tem documentos"),
    ("Her H-1B was revoked after the layoff.", "H-1B was revoked"),
    ("He told her she would be sent back to Guatemala.", "sent back to Guatemala"),
])
def test_status_terms_are_found_in_five_languages(detector, text, term):
    assert term in spans(detector, text, "immigration_status")


def test_accentless_spelling_still_counts(detector):
    assert spans(detector, "Tiene orden de deportacion.", "immigration_status") == ["orden de deportacion"]


@pytest.mark.parametrize("text", [
    "Resident asked about the Asylum Hill Congregational Church food pantry.",
    "Parent paid with Visa; receipt emailed.",
    "Student qualifies for the migrant education program.",
    "English learner status reviewed by the ELL coordinator.",
    "Proof of district residency: a utility bill.",
    "The Citizens Advisory Committee meets Tuesday.",
    "Student received the good citizenship award.",
    "It is illegal to park on the sidewalk overnight.",
    "The car was parked illegally on Prospect Street.",
    "He did not have a license or registration.",
])
def test_lookalikes_are_not_status(detector, text):
    assert categories(detector, text) & {"immigration_status", "citizenship_status"} == set()


def test_person_called_illegal_is_a_status_remark(detector):
    assert "immigration_status" in categories(detector, 'Caller said the man next door is "illegal".')


def test_citizenship_statements_are_citizenship_status(detector):
    for text in ["He is not a U.S. citizen.", "Father is a naturalized citizen.", "学生是美国公民。",
                 "El alumno es ciudadano estadounidense.", "Elèv la se sitwayen ameriken."]:
        assert "citizenship_status" in categories(detector, text), text


def test_place_of_birth_and_national_origin(detector):
    assert spans(detector, "The defendant was born in Guatemala City.", "place_of_birth") == ["born in Guatemala City"]
    assert spans(detector, "Witness (Salvadoran national) left.", "national_origin") == ["Salvadoran national"]
    assert spans(detector, "He is an immigrant from Haiti.", "national_origin") == ["immigrant from Haiti"]


# ---------------------------------------------------------------- evasion and API behaviour

def test_zero_width_characters_do_not_hide_a_status_term(detector):
    text = "Mother said they are undo\u200bcu\u00admented."
    found = [f for f in detector.detect(text) if f.category == "immigration_status"]
    assert [text[f.start:f.end] for f in found] == ["undo\u200bcu\u00admented"]


def test_fullwidth_a_number_is_found_at_its_original_span(detector):
    text = "番号 Ａ１２３４５６７８９ on the ICE form"
    found = [f for f in detector.detect(text) if f.category == "alien_registration_number"]
    assert [text[f.start:f.end] for f in found] == ["Ａ１２３４５６７８９"]


def test_category_filter_and_threshold(detector):
    text = "Undocumented; lives at 5 Otis Street."
    assert {f.category for f in detector.detect(text, categories=["home_address"])} == {"home_address"}
    assert detector.detect(text, min_score=0.99) == []


def test_findings_hold_no_excerpt_and_are_ordered(detector):
    text = "Lives at 5 Otis Street and is undocumented."
    found = detector.detect(text)
    assert [f.category for f in found] == ["home_address", "immigration_status"]
    assert all("Otis" not in repr(f) and "undocumented" not in repr(f) for f in found)


def test_threads_share_one_detector(detector):
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"Client {i} is undocumented; released on 3/{i % 28 + 1}/2026." for i in range(40)]
    expected = [detector.detect(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(detector.detect, texts)) == expected

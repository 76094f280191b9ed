"""Phrasing families of the field lexicon (policies/cambridge-2.129.yaml), each with the look-alike
it must not hit. Examples are written for these tests, not taken from the blind sets."""

from __future__ import annotations

import pytest

PROTECTED = [
    # abbreviations real schemas use
    ("imm_stat_code", None, "immigration_status"),
    ("immigStatus", None, "immigration_status"),
    ("ctzn_flag", None, "citizenship_status"),
    ("ctznshp", None, "citizenship_status"),
    # lawful presence / entry into the United States
    ("lawfulPresenceVerified", "Proof of lawful presence", "immigration_status"),
    ("legal_presence", None, "immigration_status"),
    ("entered_us_date", "When did you first enter the United States?", "immigration_status"),
    ("year_entered_us", "Year you entered the US", "immigration_status"),
    ("tiene_papeles", "¿Usted tiene papeles?", "immigration_status"),
    # visa documents are visa_or_passport (040(b) blocks it like status)
    ("sevis_number", "SEVIS number", "visa_or_passport"),
    ("i20_on_file", "I-20 on file", "visa_or_passport"),
    ("tipo_visa", "Clase de visa", "visa_or_passport"),
    ("qianzheng", "签证类型", "visa_or_passport"),
    # birthplace questions asked as yes/no
    ("born_in_us", "Was the child born in the United States?", "place_of_birth"),
    ("nacio_aqui", "¿Nació en Estados Unidos?", "place_of_birth"),
    ("fet_isit", "Èske ou fèt Ozetazini?", "place_of_birth"),
    ("family_origin", "Country of family origin", "national_origin"),
    # custody: how long, why, whether — in several languages
    ("total_days_incarcerated", None, "detention_length"),
    ("tempo_detencao", "Tempo de detenção", "detention_length"),
    ("motivo_arresto", "Motivo del arresto", "detention_basis"),
    ("reason_for_arrest", None, "detention_basis"),
    ("esta_presa", "¿Está presa?", "incarceration_status"),
    # personal information shorthand and IDs
    ("lname", None, "personal_information"),
    ("bday", None, "personal_information"),
    ("fecha_nac", "Fecha nac.", "personal_information"),
    ("itin", "ITIN", "personal_information"),
    ("num_seguro_social", "Número de Seguro Social", "personal_information"),
    ("prenon", "Prenon", "personal_information"),
    ("masshealth_id", None, "personal_information"),
    # addresses that are still home addresses
    ("address", "Address (where you live, not your office)", "home_address"),
    ("home_address", "Home address (not the work address)", "home_address"),
    ("direccion", "Dirección", "home_address"),
]


@pytest.mark.parametrize(("name", "label", "category"), PROTECTED)
def test_protected_phrasing_is_classified(guard, name, label, category):
    assert category in guard.classify_field(name, label)


LOOK_ALIKES = [
    # whose "legal status"? a business's
    ("legal_status", "Legal status of the company (LLC, partnership)", "immigration_status"),
    ("estatus_legal", "Estatus legal de la empresa", "immigration_status"),
    # an A-number field is its own category, not a status answer
    ("alien_registration_no", None, "immigration_status"),
    ("uscis_number", "USCIS # (A-Number)", "immigration_status"),
    # plants and animals
    ("alien_species_found", "Alien / invasive species found", "immigration_status"),
    # addresses of things and workplaces
    ("employer.address.street", None, "home_address"),
    ("direccion_trabajo", None, "home_address"),
    ("gongzuo", "工作地址", "home_address"),
    ("vendor_remit_address", None, "home_address"),
    ("site_url", "Website address", "home_address"),
    ("graffiti_location", "Address of the graffiti", "home_address"),
    ("park_address", None, "home_address"),
    ("proof_of_residence", "Proof of residence (utility bill, lease)", "home_address"),
    ("address_verified", "Address verified?", "home_address"),
    # public meetings, accessibility and sports courts
    ("public_hearing_speaker", "Sign up to speak at the public hearing", "hearing_information"),
    ("hearing_loop", "Hearing loop available?", "hearing_information"),
    ("court_reservation", "Pickleball court reservation", "hearing_information"),
    # bonds and releases that are not a person's
    ("bond_rating", "Moody's bond rating", "release_date"),
    ("early_release_day", "Early release day", "release_date"),
    ("software_release", "Release version", "release_date"),
    # a road race, an elective
    ("race_wave", "Start wave (5K)", "race_ethnicity"),
    ("race_division", "Race category (marathon / half / relay)", "race_ethnicity"),
    ("ethnic_studies", "Ethnic Studies course", "race_ethnicity"),
    # a senior discount is not citizenship
    ("descuento", "Descuento para ciudadanos mayores", "citizenship_status"),
    # "how long in custody" is length, not status
    ("days_in_custody", None, "incarceration_status"),
    ("tiempo_detenido", "Tiempo detenido", "incarceration_status"),
    # organisations' names and phones
    ("employer_name", "Employer name", "personal_information"),
    ("department_phone", "Department phone", "personal_information"),
]


@pytest.mark.parametrize(("name", "label", "category"), LOOK_ALIKES)
def test_look_alike_is_not_classified(guard, name, label, category):
    assert category not in guard.classify_field(name, label)


def test_race_category_of_a_person_is_still_race(guard):
    assert "race_ethnicity" in guard.classify_field("race_category", "Race category (OMB)")


def test_detainer_stays_detention_basis_not_immigration_status(guard):
    # police must record detainers for the 2.129.060 report: not tagged as a status field
    cats = guard.classify_field("ice_detainer", "ICE detainer on file?")
    assert "detention_basis" in cats and "immigration_status" not in cats

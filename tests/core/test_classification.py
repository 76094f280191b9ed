"""Field classification: normalisation, languages, look-alikes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from status_guard import Guard
from status_guard.cli import cli
from status_guard.normalize import normalize, tokens


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("isUsCitizen[]", "is us citizen"),
        ("form[citizen]", "form citizen"),
        ("citizenshipInfo.status", "citizenship info status"),
        ("parent1citizenship1", "parent 1 citizenship 1"),
        ("home-address", "home address"),
        ("USCitizen", "us citizen"),
        ("Dirección", "direccion"),
        ("ci\u200btizen\u00adship", "citizenship"),
        ("ＣＩＴＩＺＥＮＳＨＩＰ", "citizenship"),
        ("\u0421itizenship", "citizenship"),  # Cyrillic capital Es
        ("imm\u0456gration", "immigration"),  # Cyrillic i
        ("\u03bfrigin", "origin"),  # Greek omicron
    ],
)
def test_normalisation_folds_tricks(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_real_cyrillic_words_are_not_mangled() -> None:
    assert normalize("гражданство") == "гражданство"


@pytest.mark.parametrize(
    "name, label, category",
    [
        ("isUsCitizen[]", None, "citizenship_status"),
        ("form[citizen]", None, "citizenship_status"),
        ("citizenshipInfo.status", None, "citizenship_status"),
        ("parent1citizenship1", None, "citizenship_status"),
        ("isuscitizenship", None, "citizenship_status"),
        ("q1", "Are you a U.S. citizen?", "citizenship_status"),
        ("q2", "¿Cuál es su estatus migratorio?", "immigration_status"),
        ("q3", "Qual é a sua situação migratória?", "immigration_status"),
        ("q4", "Èske ou san papye?", "immigration_status"),
        ("q5", "您的移民身份是什么？", "immigration_status"),
        ("q6", "Número de pasaporte", "visa_or_passport"),
        ("q7", "A-Number (if any)", "alien_registration_number"),
        ("aNumber", None, "alien_registration_number"),
        ("lugar_de_nacimiento", None, "place_of_birth"),
        ("naturalidade", None, "place_of_birth"),
        ("q8", "Peyi kote ou fèt", "place_of_birth"),
        ("q9", "出生地", "place_of_birth"),
        ("homeAddr", None, "home_address"),
        ("q10", "Dirección", "home_address"),
        ("employer_address", None, "work_address"),
        ("releaseDate", None, "release_date"),
        ("next_court_date", None, "hearing_information"),
        ("arraignmentDate", None, "hearing_information"),
        ("days_in_custody", None, "detention_length"),
        ("custody_status", None, "incarceration_status"),
        ("holdBasis", None, "detention_basis"),
        ("ethnicity", None, "race_ethnicity"),
        ("country_of_origin", None, "national_origin"),
        ("i94_number", None, "visa_or_passport"),
        ("\u0421itizenship", None, "citizenship_status"),
        ("ci\u200btizenship", None, "citizenship_status"),
    ],
)
def test_classifies_names_and_labels_in_five_languages(guard: Guard, name: str, label: str | None, category: str) -> None:
    assert category in guard.classify_field(name, label)


@pytest.mark.parametrize(
    "name, label",
    [
        ("district_residency", "Proof of district residency"),
        ("residency_proof", "Residency proof (lease, utility bill)"),
        ("migrant_education_program", "Migrant Education Program (MEP) eligibility"),
        ("english_learner_status", "English learner status"),
        ("ell_status", None),
        ("card_type", "Visa"),
        ("visa_card_number", None),
        ("payment_method", "Pay with Visa or Mastercard"),
        ("citizens_advisory_committee", "Join the Citizens' Advisory Committee"),
        ("status", "Status"),
        ("application_status", None),
        ("senior_citizen_discount", None),
        ("hearing_screening", "Hearing screening result"),
        ("basketball_court", None),
        ("photo_release", "Media release form"),
        ("custody_agreement", "Child custody agreement on file?"),
        ("email_address", None),
        ("data_entry_date", None),
        ("business_legal_status", None),
        ("q1", "Enter a number between 1 and 10"),
    ],
)
def test_legitimate_look_alikes_are_not_protected_status(guard: Guard, name: str, label: str | None) -> None:
    status_like = {"immigration_status", "citizenship_status", "alien_registration_number", "visa_or_passport",
                   "incarceration_status", "hearing_information", "release_date", "home_address"}
    assert guard.classify_field(name, label) & status_like == frozenset()


def test_look_alikes_pass_a_school_enrollment_form(guard: Guard) -> None:
    form = {"district_residency_proof": "lease", "migrant_education_program": "yes", "english_learner_status": "EL",
            "card_type": "Visa", "status": "new", "hearing_screening": "pass"}
    d = guard.check_submission(form, scope="schools", requester="local")
    assert d.effect.value == "allow", d.explain()


def test_every_match_has_a_reason(guard: Guard) -> None:
    c = guard.classify("q", "¿Cuál es su estatus migratorio?")
    assert c.reasons["immigration_status"] == ("label term 'estatus migratorio' (es)",)


def test_classification_is_cached(guard: Guard) -> None:
    guard.classify_field("someFieldName_xyz")
    info = guard.classifier._pair_cache.cache_info()
    guard.classify_field("someFieldName_xyz")
    assert guard.classifier._pair_cache.cache_info().hits == info.hits + 1


def test_tokens_fold_plurals_consistently() -> None:
    assert tokens("citizens") == tokens("citizen")
    assert tokens("status") == ("status",)


def test_classify_cli_json() -> None:
    res = CliRunner().invoke(cli, ["classify", "parent1citizenship1", "--json"])
    assert res.exit_code == 0
    out = json.loads(res.output)
    assert out["categories"] == ["citizenship_status"]


def test_classify_cli_with_label() -> None:
    res = CliRunner().invoke(cli, ["classify", "q7", "--label", "Situação migratória"])
    assert "immigration_status" in res.output

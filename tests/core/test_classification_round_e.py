"""Field names, round e (issue 13, review r13d F07/F10). Written for these tests.

Invariants, each with a property test:
* F10 — ``rel`` is *release* before a date or time word; next to a party of a relationship
  (victim, suspect, witness, household …) or as a bare ``REL_TYPE`` it is a *relationship*, which
  no clause of 2.129 protects — a relationship-to-victim column is not a release date;
* F07 — the police/court export abbreviations of sentence expiration (= release), arraignment,
  nationality and citizenship are read in every spelling a column takes (2.129.040(e)/(k)).
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


def _render(words: list[str], style: str) -> str:
    if style == "UPPER_SNAKE":
        return "_".join(w.upper() for w in words)
    if style == "snake":
        return "_".join(words)
    if style == "camel":
        return words[0] + "".join(w.capitalize() for w in words[1:])
    if style == "dotted":
        return ".".join(words)
    return "-".join(w.upper() for w in words)


_STYLE = st.sampled_from(["UPPER_SNAKE", "snake", "camel", "dotted", "kebab"])
_PARTY = st.sampled_from(["victim", "vict", "susp", "suspect", "offender", "witness", "wit", "arrestee",
                          "complainant", "household", "spouse", "juv"])


@SETTINGS
@given(party=_PARTY, before=st.booleans(), tail=st.sampled_from(["to", "type", "to_{p}", "cd", "desc", ""]),
       style=_STYLE)
def test_relationship_to_a_party_is_never_a_release_date_040e(g, party, before, tail, style) -> None:
    """`rel` next to a party of a relationship (REL_TO_VICTIM, VICT_REL_TO_SUSP) is a relationship."""
    words = [party, "rel"] if before else ["rel"]
    words += [w.format(p=party) for w in tail.split("_")] if tail else []
    if party not in words:
        words.append(party)
    name = _render([w for t in words for w in t.split("_")], style)
    assert "release_date" not in g.classify(name).categories, name


@SETTINGS
@given(style=_STYLE, kind=st.sampled_from(["type", "typ", "cd", "desc"]))
def test_bare_relationship_type_is_not_a_release_date(g, style, kind) -> None:
    name = _render(["rel", kind], style)
    assert "release_date" not in g.classify(name).categories, name


@SETTINGS
@given(prefix=st.sampled_from([[], ["bkg"], ["inmate"], ["proj"], ["est"], ["exp"], ["sched"]]),
       date=st.sampled_from(["dt", "date", "dte", "tm", "time"]), style=_STYLE)
def test_rel_before_a_date_is_still_a_release_date_040e(g, prefix, date, style) -> None:
    """2.129.040(e): the look-alike rule never costs a release date (REL_DT, BKG_REL_DT, EST_REL_TM)."""
    name = _render(prefix + ["rel", date], style)
    assert "release_date" in g.classify(name).categories, name


@SETTINGS
@given(custody=st.sampled_from(["bkg", "booking", "inmate", "jail", "bond", "custody"]),
       kind=st.sampled_from(["type", "typ"]), style=_STYLE)
def test_release_type_of_a_booking_is_a_release_field_040e(g, custody, kind, style) -> None:
    name = _render([custody, "rel", kind], style)
    assert "release_date" in g.classify(name).categories, name


_EXPORT_ABBREVIATIONS = [
    (["sent", "exp"], ["dt", "date", "dte", ""], "release_date"),
    (["arng"], ["dt", "date", "tm", "crt"], "hearing_information"),
    (["arrgn"], ["dt", "date"], "hearing_information"),
    (["natl"], ["cd", "code", "ctry", "ind"], "national_origin"),
    (["citiz"], ["ind", "stat", "status", "cd", "flag"], "citizenship_status"),
]


@SETTINGS
@given(entry=st.sampled_from(_EXPORT_ABBREVIATIONS), data=st.data(), style=_STYLE,
       owner=st.sampled_from([[], ["subj"], ["inmate"], ["student"], ["curr"]]))
def test_police_export_abbreviations_are_read_in_every_spelling_040e_040k(g, entry, data, style, owner) -> None:
    head, tails, category = entry
    tail = data.draw(st.sampled_from(tails))
    name = _render(owner + head + ([tail] if tail else []), style)
    assert category in g.classify(name).categories, name


def test_nationality_code_is_blocked_in_sql_as_its_long_name_is(g) -> None:
    """The SQL inspector shares the classifier: NATL_CD and NATIONALITY_CD decide alike (F07)."""
    schema = {"students": {"id": "int", "NATL_CD": "text", "NATIONALITY_CD": "text"}}
    effects = {c: str(g.check_sql(f'SELECT id, "{c}" FROM students', dialect="postgres", scope="schools",
                                  requester="federal", schema=schema).effect)
               for c in ("NATL_CD", "NATIONALITY_CD")}
    assert effects["NATL_CD"] == effects["NATIONALITY_CD"], effects


@SETTINGS
@given(entry=st.sampled_from([(["in", "custody"], "incarceration_status"), (["in", "jail"], "incarceration_status"),
                              (["data", "prisao"], "incarceration_status"),
                              (["data", "da", "prisao"], "incarceration_status"),
                              (["data", "de", "prisao"], "incarceration_status")]),
       case=st.sampled_from(["lower", "upper"]), suffix=st.sampled_from(["", "_flag", "_ind", "_dt"]))
def test_run_together_custody_names_are_read_040e(g, entry, case, suffix) -> None:
    """A run-together name (incustody, dataprisao) is read as its spaced form is (F07)."""
    words, category = entry
    name = "".join(words)
    name = (name.upper() if case == "upper" else name) + (suffix.upper() if case == "upper" else suffix)
    assert category in g.classify(name).categories, name


@SETTINGS
@given(word=st.sampled_from(["income", "intake", "inactive", "index", "inspection", "insurance", "info", "input",
                             "invoice", "interest", "inventory", "instructor"]),
       suffix=st.sampled_from(["", "_dt", "_date", "_status", "_flag"]))
def test_words_beginning_with_in_are_not_custody(g, word, suffix) -> None:
    """Look-alike discipline: "in" as a piece never makes income or an inspection a custody field."""
    assert "incarceration_status" not in g.classify(word + suffix).categories, word + suffix


_PARKING = {"es": ["Zona de estacionamiento {p}", "Estacionamiento con {p}", "Pago de estacionamiento por {p}"],
            "pt": ["Estacionamento {p}", "Zona de estacionamento {p}"],
            "fr": ["Stationnement {p}", "Stationnement {p} (application)"],
            "ht": ["Zòn pakin {p}", "Pakin {p}"], "vi": ["Khu đậu xe {p}", "Đỗ xe {p}"],
            "ru": ["Парковка {p}", "Парковка через приложение {p}"], "en": ["{p} Parking", "Parking zone ({p} app)"]}
_PASSPORT_WORD = {"es": ["Passport", "pasaporte"], "pt": ["Passport", "passaporte"], "fr": ["Passport"],
                  "ht": ["Passport"], "vi": ["Passport"], "ru": ["Passport"], "en": ["Passport"]}


@SETTINGS
@given(lang=st.sampled_from(sorted(_PARKING)), data=st.data())
def test_passport_parking_is_a_look_alike_in_every_language(g, lang, data) -> None:
    """Look-alike discipline (issue 13 §6): Passport, the parking-payment app, asks for no passport."""
    label = data.draw(st.sampled_from(_PARKING[lang])).format(p=data.draw(st.sampled_from(_PASSPORT_WORD[lang])))
    assert "visa_or_passport" not in g.classify("q", label).categories, label


@SETTINGS
@given(label=st.sampled_from(["Passport number", "Número de pasaporte", "Número do passaporte", "Numéro de passeport",
                              "Passport number (for the parking permit)", "Número de pasaporte para estacionamiento"]))
def test_a_passport_number_asked_on_a_parking_form_is_still_a_passport_040b(g, label) -> None:
    assert "visa_or_passport" in g.classify("q", label).categories, label


@pytest.mark.parametrize("name, category", [
    ("inmigration_status", "immigration_status"),     # one edit from immigration (en) and inmigracion (es)
    ("incarcenation_status", "incarceration_status"),  # a typo is read as the word, not broken into pieces
    ("incarceratin_status", "incarceration_status"),
])
def test_a_typo_one_edit_from_two_protected_words_is_still_protected(guard, name: str, category: str) -> None:
    """2.129.040(b)/(e): a misspelt protected name is read as a protected word (fail closed), never as
    nothing (both readings protected) nor as a run-together of unrelated pieces ("incarce" + "nation")."""
    assert category in guard.classify_field(name), name

"""Classification at the level of the systems the city runs (issue 13, items 1-3 and 6; issue 12
item 6). Invariants, each with a property test that generates shapes the examples do not list:

* **Abbreviations** (item 1): a police / school export column written with the abbreviations of
  its system (``NEXT_CRT_DT``, ``ALIEN_REG_NBR``) is classified like the same name spelled out, in
  any identifier style (ALLCAPS_UNDERSCORE, snake, camel, kebab, dotted, bracketed).
* **Names that hide the word** (issue 12 item 6): a one-letter typo or digits standing for letters
  in a long protected word still reach its category; a real word one letter away is left alone.
* **Context decides** (item 2): an address under an employer is a work address, under a school, a
  business or an incident nobody's home address; a person's address stays a home address,
  whatever words sit in between.
* **Standards, exactly** (item 3): every Ed-Fi, CEDS and NIEM element listed in the pack classifies
  to its categories, with the standard and its version in the reason, and a container decides
  what the generic location elements below it are.
* **Look-alikes** (item 6): payment cards, citizenship classes and grades, passport-photo and
  Passport-parking services, property and tow release, chain of custody never take the category
  they look like.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.classify.segments import split_segments
from status_guard.classify.variants import _one_edit
from status_guard.normalize import tokens

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def styles(words: list[str]) -> st.SearchStrategy[str]:
    """A list of words written in the identifier styles real exports use. Camel and Pascal case
    are left out when a one-letter word follows another word: ``XANum`` cannot say whether it is
    ``xa num`` or ``x a num`` (its capitals run together), so no reader can recover the words."""
    shapes = [
        "_".join(w.upper() for w in words),
        "_".join(words),
        "-".join(words),
        ".".join(words),
        words[0] + "".join(f"[{w}]" for w in words[1:]),
    ]
    if not any(len(w) == 1 for w in words[1:]):
        shapes += [words[0] + "".join(w.capitalize() for w in words[1:]), "".join(w.capitalize() for w in words)]
    return st.sampled_from(shapes)


# --------------------------------------------------------------------------- item 1: abbreviations
POLICE_AND_SCHOOL = [
    (["arraign", "dt"], "hearing_information"),
    (["next", "crt", "dt"], "hearing_information"),
    (["crt", "loc"], "hearing_information"),
    (["bkg", "rls", "dt"], "release_date"),
    (["proj", "rel", "date"], "release_date"),
    (["citz"], "citizenship_status"),
    (["alien", "reg", "nbr"], "alien_registration_number"),
    (["ins", "no"], "alien_registration_number"),
    (["ethn"], "race_ethnicity"),
    (["emp", "addr"], "work_address"),
    (["hold", "agency"], "detention_basis"),
    (["i247a", "rcvd", "dt"], "detention_basis"),
    (["cit", "stat"], "citizenship_status"),
    (["imm", "st"], "immigration_status"),
    (["uscis", "no"], "alien_registration_number"),
    (["a", "num"], "alien_registration_number"),
    (["natz", "date"], "citizenship_status"),
    (["subj", "pob"], "place_of_birth"),
    (["res", "addr"], "home_address"),
    (["dkt", "no"], "hearing_information"),
    (["jail", "credit", "days"], "detention_length"),
    (["outst", "warr"], "detention_basis"),
]


@pytest.mark.parametrize(("words", "category"), POLICE_AND_SCHOOL)
def test_police_and_school_export_columns_keep_their_category(guard: Guard, words: list[str], category: str) -> None:
    name = "_".join(w.upper() for w in words)
    c = guard.classify(name)
    assert category in c.categories, (name, dict(c.reasons))
    assert any("read as" in r or "term" in r for r in c.reasons[category])


@SETTINGS
@given(data=st.data(), case=st.sampled_from(POLICE_AND_SCHOOL),
       prefix=st.sampled_from([[], ["subj"], ["rpt"], ["person"], ["x"]]))
def test_abbreviated_columns_are_classified_in_every_identifier_style(guard: Guard, data: st.DataObject, case, prefix) -> None:
    words, category = case
    name = data.draw(styles(prefix + words))
    assert category in guard.classify_field(name), name


def test_abbreviations_with_another_meaning_stay_harmless(guard: Guard) -> None:
    # a citation number, an employee id, a relationship, health insurance are not status
    assert guard.classify_field("CIT_NO") & {"citizenship_status"} == frozenset()
    assert guard.classify_field("emp_id") & {"work_address"} == frozenset()
    assert guard.classify_field("guardian_rel") & {"release_date"} == frozenset()
    assert "alien_registration_number" not in guard.classify_field("ins_no", "Health insurance number")
    assert "immigration_status" not in guard.classify_field("imm_record", "Immunization record")


# --------------------------------------------------------------------------- names that hide the word
FUZZY = ["citizenship", "immigration", "naturalization", "nationality", "birthplace", "passport", "undocumented",
         "ethnicity", "deportation", "incarceration", "arraignment"]


def _category_of(guard: Guard, word: str) -> frozenset[str]:
    return guard.classify_field(word)


@SETTINGS
@given(word=st.sampled_from(FUZZY), data=st.data())
def test_a_one_letter_typo_of_a_protected_word_still_classifies(guard: Guard, word: str, data: st.DataObject) -> None:
    want = _category_of(guard, word)
    i = data.draw(st.integers(min_value=1, max_value=len(word) - 2))
    kind = data.draw(st.sampled_from(["delete", "swap", "replace", "insert"]))
    letter = data.draw(st.sampled_from("aeiourstnl"))
    if kind == "delete":
        typo = word[:i] + word[i + 1:]
    elif kind == "swap":
        typo = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    elif kind == "replace":
        typo = word[:i] + letter + word[i + 1:]
    else:
        typo = word[:i] + letter + word[i:]
    if typo == word or tokens(typo)[0] in guard.classifier.variants.known:
        return  # a real word of the lexicon, not a typo
    assert want & guard.classify_field(f"{typo}_status"), (word, typo)


@SETTINGS
@given(word=st.sampled_from(FUZZY), data=st.data())
def test_digits_standing_for_letters_still_classify(guard: Guard, word: str, data: st.DataObject) -> None:
    leet = {"i": "1", "e": "3", "a": "4", "o": "0", "s": "5", "t": "7"}
    positions = [i for i, ch in enumerate(word) if ch in leet and 0 < i < len(word) - 1]
    if not positions:
        return
    chosen = data.draw(st.sets(st.sampled_from(positions), min_size=1, max_size=3))
    disguised = "".join(leet[ch] if i in chosen else ch for i, ch in enumerate(word))
    assert _category_of(guard, word) & guard.classify_field(disguised), disguised


@pytest.mark.parametrize("word", ["residency", "citizens", "released", "employee", "detained", "rationality", "retainer"])
def test_real_words_one_letter_away_are_not_read_as_typos(guard: Guard, word: str) -> None:
    assert guard.classifier.variants.typo(tokens(word)[0]) is None  # the pass sees normalised tokens


def test_one_edit_is_exactly_one_edit() -> None:
    assert _one_edit("citizenhip", "citizenship") and _one_edit("citziens", "citizens")
    assert not _one_edit("citizenship", "citizenship") and not _one_edit("citizen", "citizenship")


# --------------------------------------------------------------------------- item 2: context decides
ADDRESS_PARTS = [["address"], ["address", "street"], ["street", "address"], ["address", "line", "1"], ["zip", "code"],
                 ["mailing", "address"], ["address", "city"]]


@SETTINGS
@given(data=st.data(), owner=st.sampled_from(["employer", "employment", "workplace", "job_site", "work"]),
       part=st.sampled_from(ADDRESS_PARTS))
def test_an_address_under_an_employer_is_a_work_address(guard: Guard, data: st.DataObject, owner: str, part) -> None:
    sep = data.draw(st.sampled_from([".", "/", "_", "[", "__"]))
    name = owner + sep + "_".join(part) + ("]" if sep == "[" else "")
    cats = guard.classify_field(name)
    assert "work_address" in cats and "home_address" not in cats, (name, cats)


@SETTINGS
@given(data=st.data(), owner=st.sampled_from(["school", "business", "vendor", "agency", "incident", "facility",
                                              "courthouse", "pothole", "park", "shelter"]),
       part=st.sampled_from(ADDRESS_PARTS))
def test_a_school_business_or_incident_address_is_nobodys_home(guard: Guard, data: st.DataObject, owner: str, part) -> None:
    sep = data.draw(st.sampled_from([".", "/", "_"]))
    name = owner + sep + "_".join(part)
    assert "home_address" not in guard.classify_field(name), name


@SETTINGS
@given(data=st.data(), owner=st.sampled_from(["student", "guardian", "parent", "applicant", "emergency_contact",
                                              "inmate", "resident", "person"]),
       part=st.sampled_from(ADDRESS_PARTS))
def test_a_persons_address_stays_a_home_address(guard: Guard, data: st.DataObject, owner: str, part) -> None:
    sep = data.draw(st.sampled_from([".", "/", "_"]))
    assert "home_address" in guard.classify_field(owner + sep + "_".join(part))


@pytest.mark.parametrize(("name", "label", "gone"), [
    ("towed_vehicle.release_date", None, "release_date"),
    ("property_release_date", "Property released to owner", "release_date"),
    ("hospital_discharge_date", None, "release_date"),
    ("patient.discharge_dt", None, "release_date"),
    ("evidence_chain_of_custody", None, "incarceration_status"),
    ("child_custody_order", None, "incarceration_status"),
    ("hospital_length_of_stay", None, "detention_length"),
    ("shelter.length_of_stay", None, "detention_length"),
    ("court_name", None, "personal_information"),
    ("nc:PersonBirthLocation/nc:LocationCityName", None, "personal_information"),
    ("PGFinalGrades.Citizenship", "Citizenship (conduct) grade", "citizenship_status"),
])
def test_context_makes_a_look_alike(guard: Guard, name: str, label: str | None, gone: str) -> None:
    assert gone not in guard.classify_field(name, label), guard.classify(name, label).reasons


def test_jail_discharge_and_booking_release_stay_release(guard: Guard) -> None:
    assert "release_date" in guard.classify_field("jail_discharge_date")
    assert "release_date" in guard.classify_field("BKG_RLS_DT")


def test_the_label_gives_the_owner_when_the_name_says_nothing(guard: Guard) -> None:
    assert guard.classify_field("addr2", "Employer address, line 2") & {"work_address"}
    assert "home_address" not in guard.classify_field("addr2", "Employer address, line 2")
    assert "home_address" in guard.classify_field("addr2", "Home address, line 2")


# --------------------------------------------------------------------------- item 3: standards
def _elements(guard: Guard) -> list[tuple[str, str, frozenset[str]]]:
    out = []
    for v in guard.policy.lexicon.vocabularies:
        for e in v.elements:
            if not e.container and not e.reference:
                out.append((v.title, e.element, frozenset(e.categories)))
    return out


def test_every_standards_element_classifies_to_its_categories(guard: Guard) -> None:
    wrong = []
    titles = {v.title for v in guard.policy.lexicon.vocabularies}  # Ed-Fi's birthDate is also CEDS' Birthdate
    for title, element, cats in _elements(guard):
        c = guard.classify(element)
        if c.categories != cats:
            wrong.append((element, sorted(cats), sorted(c.categories)))
        elif cats and not any(t in r for rs in c.reasons.values() for r in rs for t in titles):
            wrong.append((element, "reason does not name a standard"))
    assert not wrong, wrong[:20]


def test_standard_reasons_name_the_version(guard: Guard) -> None:
    c = guard.classify("nc:PersonBirthDate")
    assert any("NIEM 6.0" in r for r in c.reasons["personal_information"])
    c = guard.classify("birthCountryDescriptor")
    assert any("Ed-Fi Data Standard 5.2" in r for r in c.reasons["place_of_birth"])
    c = guard.classify("Country of Birth Code")
    assert any("CEDS 12" in r and "000051" in r for r in c.reasons["place_of_birth"])


@pytest.mark.parametrize(("path", "category", "not_category"), [
    ("nc:EmploymentLocation/nc:LocationAddress/nc:AddressFullText", "work_address", "home_address"),
    ("/nc:Person/nc:PersonBirthLocation/nc:LocationCityName", "place_of_birth", "home_address"),
    ("j:Booking/j:BookingSubject/nc:RoleOfPerson/nc:PersonBirthDate/nc:Date", "personal_information", "incarceration_status"),
    ("j:Arrest/nc:ActivityLocation/nc:LocationAddress/nc:AddressFullText", None, "home_address"),
    ("schools[0].addresses[0].streetNumberName", None, "home_address"),
    ("studentEducationOrganizationAssociations.addresses[].streetNumberName", "home_address", None),
    ("citizenshipStatusDescriptors.codeValue", None, "citizenship_status"),
    ("RefCountry.Code", None, "national_origin"),
    ("hs:AlienIdentification/nc:IdentificationID", "alien_registration_number", "immigration_status"),
])
def test_xpath_dotted_and_prefixed_standard_paths(guard: Guard, path: str, category: str | None,
                                                  not_category: str | None) -> None:
    cats = guard.classify_field(path)
    if category:
        assert category in cats, (path, guard.classify(path).reasons)
    if not_category:
        assert not_category not in cats, (path, guard.classify(path).reasons)


def test_a_json_booking_is_not_a_niem_booking(guard: Guard) -> None:
    # NIEM local names are read as NIEM only inside a NIEM path (a prefix somewhere in it)
    assert "incarceration_status" not in guard.classify_field("booking.projectedReleaseDate")
    assert "incarceration_status" in guard.classify_field("j:Booking/nc:ActivityDate")


def test_path_segments_keep_their_namespace_prefix() -> None:
    segs = split_segments("/j:Booking/nc:PersonName[0]/nc:PersonGivenName", frozenset({"j", "nc"}))
    assert [(s.prefix, s.text) for s in segs] == [("j", "Booking"), ("nc", "PersonName"), ("nc", "PersonGivenName")]
    # an unknown prefix is a word, not a namespace: imm:status is still immigration status
    assert split_segments("imm:status", frozenset({"nc"}))[0].prefix is None


# --------------------------------------------------------------------------- item 6: look-alikes
LOOK_ALIKES = [
    ("card_type", "Visa", "visa_or_passport"),
    ("payment.method", "Visa gift card", "visa_or_passport"),
    ("passport_parking_zone", "Passport parking zone", "visa_or_passport"),
    ("photo_slot", "Passport photo appointment", "visa_or_passport"),
    ("citizenship_class_signup", "Register for the free citizenship class", "citizenship_status"),
    ("citizenship_grade", "Citizenship / effort grade", "citizenship_status"),
    ("cac_member", "Citizens' Advisory Committee", "citizenship_status"),
    ("PROP_RLS_TO", "Property released to", "release_date"),
    ("tow_release_date", "Tow lot release date", "release_date"),
    ("EVID_CUST_LOC", "Evidence custody location", "incarceration_status"),
    ("hearing_screening", "Hearing screening result", "hearing_information"),
    ("zba_hearing_date", "Zoning Board of Appeals hearing date", "hearing_information"),
    ("detention_assigned", "After-school detention assigned", "incarceration_status"),
    ("library_hold", "Library hold pickup", "detention_basis"),
    ("event_booking_date", "Event booking date", "incarceration_status"),
]


@pytest.mark.parametrize(("name", "label", "category"), LOOK_ALIKES)
def test_look_alikes_do_not_take_the_category_they_resemble(guard: Guard, name: str, label: str, category: str) -> None:
    assert category not in guard.classify_field(name, label), guard.classify(name, label).reasons


def _lookalike_phrases(guard: Guard) -> list[tuple[str, str, frozenset[str]]]:
    out = []
    for lang in guard.policy.lexicon.languages:
        for la in lang.look_alikes:
            out.append((lang.language, la.phrase, frozenset(la.categories)))
    return out


def test_every_look_alike_phrase_of_every_language_vetoes_its_categories(guard: Guard) -> None:
    bad = []
    for lang, phrase, cats in _lookalike_phrases(guard):
        got = guard.classify_field("q", phrase) & cats
        if got:
            bad.append((lang, phrase, sorted(got)))
    assert not bad, bad


@SETTINGS
@given(data=st.data())
def test_look_alike_phrases_hold_in_every_identifier_style(guard: Guard, data: st.DataObject) -> None:
    lang, phrase, cats = data.draw(st.sampled_from([x for x in _lookalike_phrases(guard) if x[0] == "en"]))
    words = [w for w in re.split(r"\W+", phrase) if w]
    name = data.draw(styles(words))
    assert not (guard.classify_field(name) & cats), (name, guard.classify(name).reasons)

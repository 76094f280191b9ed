"""The §1373 carve-out releases a status and nothing else; values used as keys (review round 1,
flaws R01, R02, R14).

Invariants:

* **Carve-out (8 U.S.C. §1373, 2.129.070).** Under a status key, a federal officer in police scope
  receives a value only when it *is* a citizenship / immigration status and nothing else — every
  word of it status vocabulary (an allow-list, ``status_guard.disclose.status_values``). Any other
  value — an address in any written form (street first, a hyphen-glued or spelled-out house number,
  a continental street, a custody room or facility), a date or time, a custody, release, hearing or
  detention phrase, an employer, a name, a national origin — in any case, alone or after a status
  ("asylee, held at Middlesex jail"), as a scalar or in a list, never reaches them (2.129.040(e)).
  Real status values, in the ways systems write them, still do.
* **Keys that are values.** A mapping key that is a protected value — an address or custody place
  (also written as an identifier, ``Ana_77_Elm_St``), a date, a name — never reaches a default-deny
  requester; a key that states a protected value in words (``"born in Haiti"``) never reaches
  school staff (2.129.040(k)), while a key that only names the field (``"Place of birth"``) stays.

The property tests generate the written forms; the named tests are the reviewer's reproducers.
"""

from __future__ import annotations

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

from .generators import STATUS_KEYS, STATUS_VALUES

SETTINGS = settings(max_examples=400, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

STREETS = ["Elm", "Prospect", "Main", "Oak Hill", "Massachusetts", "Rindge"]
SUFFIXES = ["St", "Street", "Ave", "Avenue", "Rd", "Road", "Way", "Pl", "Blvd"]
NUMBER_WORDS = ["seventy-seven", "twelve", "forty two", "one hundred", "nine"]
FACILITIES = ["Middlesex House of Correction", "Middlesex Jail", "Plymouth County Correctional Facility",
              "Suffolk County Jail", "Burlington Processing Center", "Bristol County Detention Center"]
UNITS = ["Room", "Cell", "Bed", "Pod", "Unit", "Block", "Tier"]
FIRST = ["Ana", "Jean", "Maria", "Wei", "Fatima", "Nguyen"]
LAST = ["Pereira", "Baptiste", "Santos", "Chen", "Haile", "Tran"]
COUNTRIES = ["Haiti", "Mexico", "Brazil", "El Salvador", "Ethiopia", "Vietnam", "China"]
DEMONYMS = ["Haitian", "Mexican", "Brazilian", "Salvadoran", "Ethiopian", "Vietnamese"]
EMPLOYERS = ["Acme Ltd", "City Cleaners", "Harvard Dining", "Star Market", "MIT"]


@st.composite
def addresses(draw) -> str:
    n = draw(st.integers(1, 9999))
    street = f"{draw(st.sampled_from(STREETS))} {draw(st.sampled_from(SUFFIXES))}"
    unit = draw(st.sampled_from(UNITS))
    form = draw(st.sampled_from(["number_first", "street_first", "hyphen", "slug", "underscore", "spelled",
                                 "continental", "calle", "rua", "po_box", "apartment", "custody_unit",
                                 "facility", "unit_and_facility"]))
    return {
        "number_first": f"{n} {street}",
        "street_first": f"{street} {n}",
        "hyphen": f"ADDR-{n} {street}",
        "slug": f"{n}-{street.replace(' ', '-')}",
        "underscore": f"{draw(st.sampled_from(FIRST))}_{n}_{street.replace(' ', '_')}",
        "spelled": f"{draw(st.sampled_from(NUMBER_WORDS))} {street}",
        "continental": f"{draw(st.sampled_from(['Hauptstraße', 'Kerkstraat', 'Lindenallee', 'Bahnhofplatz']))} {n % 300}",
        "calle": f"c/ {draw(st.sampled_from(['Mayor', 'Sol', 'Luna']))} {n % 300}",
        "rua": f"Rua das {draw(st.sampled_from(['Flores', 'Pedras']))} {n}",
        "po_box": f"PO Box {n}",
        "apartment": f"Apt {n % 90}B",
        "custody_unit": f"{unit} {n % 400}",
        "facility": draw(st.sampled_from(FACILITIES)),
        "unit_and_facility": f"{unit} {n % 400}, {draw(st.sampled_from(FACILITIES))}",
    }[form]


@st.composite
def other_protected(draw) -> str:
    """Dates and times, custody / release / hearing / detention phrases, employers, names,
    national origins, contact data: each a category 2.129.040(e) withholds."""
    d = draw(st.integers(1, 28))
    m = draw(st.integers(1, 12))
    return draw(st.sampled_from([
        f"2026-{m:02d}-{d:02d}", f"{m}/{d}", f"{m}/{d}/2026", f"Nov {d}", f"{d} November", "Tuesday", "next week",
        "tomorrow", "pending release", "released", f"released {m}/{d}", "release pending", "held at Middlesex jail",
        "in ICE custody since Tuesday", "in custody", "detained", f"{d} days detained", "on an ICE detainer",
        "awaiting transfer", "bail posted", f"hearing on Dec {d}", "court date next week", "in removal proceedings",
        f"works at {draw(st.sampled_from(EMPLOYERS))}", f"employed by {draw(st.sampled_from(EMPLOYERS))}",
        f"{draw(st.sampled_from(FIRST))} {draw(st.sampled_from(LAST))}",
        f"{draw(st.sampled_from(LAST))}, {draw(st.sampled_from(FIRST))}",
        f"born in {draw(st.sampled_from(COUNTRIES))}", f"{draw(st.sampled_from(DEMONYMS))} national",
        f"citizen of {draw(st.sampled_from(COUNTRIES))}", f"from {draw(st.sampled_from(COUNTRIES))}",
        f"617-555-01{d:02d}", f"ana{d}@example.org", f"A{200000000 + d * 7919}",
    ]))


@st.composite
def protected_as_status(draw) -> str:
    """A protected value, alone or after a real status, in any case."""
    core = draw(st.one_of(addresses(), other_protected()))
    status = draw(st.sampled_from(STATUS_VALUES))
    shape = draw(st.sampled_from(["{p}", "{p}", "{s}, {p}", "{s} ({p})", "{s} - {p}", "{p}; {s}", "{s}\n{p}"]))
    value = shape.format(p=core, s=status)
    case = draw(st.sampled_from(["as is", "lower", "upper", "title"]))
    return {"as is": value, "lower": value.lower(), "upper": value.upper(), "title": value.title()}[case]


def _federal(g: Guard, doc) -> str:
    return orjson.dumps(g.redact(doc, "police", "federal").document).decode()


@SETTINGS
@given(value=protected_as_status(), key=st.sampled_from(STATUS_KEYS),
       shape=st.sampled_from(["scalar", "nested", "list", "list_with_status"]))
def test_federal_officer_never_receives_protected_information_stored_as_the_status(guard: Guard, value, key, shape) -> None:
    doc = {"scalar": {key: value}, "nested": {"person": {key: value}}, "list": {key: [value]},
           "list_with_status": {"person": {key: ["Lawful permanent resident", value]}}}[shape]
    out = _federal(guard, doc)
    assert orjson.dumps(value).decode() not in out, out


@st.composite
def written_statuses(draw) -> str:
    """Status values the way systems write them."""
    v = draw(st.sampled_from(STATUS_VALUES + ["U.S. Citizen", "Noncitizen", "non-citizen", "N/A", "Unknown", "Yes",
                                              "No", "TPS", "EWI", "I-485 pending", "Asylum granted",
                                              "Green card holder", "LPR (conditional)", "Refugee / asylee"]))
    case = draw(st.sampled_from(["as is", "lower", "upper"]))
    v = {"as is": v, "lower": v.lower(), "upper": v.upper()}[case]
    return draw(st.sampled_from(["{}", " {} ", "{}."])).format(v)


@SETTINGS
@given(value=written_statuses(), key=st.sampled_from(STATUS_KEYS))
def test_federal_officer_receives_a_status_under_its_own_key_as_1373_allows(guard: Guard, value, key) -> None:
    out = guard.redact({"person": {key: value}}, "police", "federal").document
    assert out["person"][key] == value


# --- the reviewer's reproducers (R01, R02) ---------------------------------------------------------

def test_federal_officer_never_receives_an_address_written_street_first_or_spelled_out_as_the_status(guard: Guard) -> None:
    """R01: street first, a hyphen-glued or spelled-out house number, a continental street, a
    custody room: none reaches a federal officer as "the status"."""
    for v in ["Elm St 77", "Hauptstraße 5, Berlin", "c/ Mayor 12", "SENTINEL-ADDR-77 Elm St", "seventy-seven Elm St",
              "Room 12, Middlesex House of Correction"]:
        for doc in ({"person": {"citizenship_status": v}}, {"person": {"immigration_status": [v]}}):
            assert v not in _federal(guard, doc), v


def test_federal_officer_never_receives_custody_release_or_employment_stored_as_the_status(guard: Guard) -> None:
    """R02: incarceration status, pending release, a date, employment under a status key."""
    for v in ["pending release", "held at Middlesex jail", "in ICE custody since Tuesday", "released 11/29",
              "works at Acme Ltd"]:
        assert v not in _federal(guard, {"person": {"immigration_status": v}}), v


def test_a_name_stored_as_the_status_is_no_longer_released(guard: Guard) -> None:
    """The gap the first round documented (a name has no shape) is closed by the allow-list."""
    assert "Ana Pereira" not in _federal(guard, {"citizenship": "Ana Pereira"})


# --- keys that are values (R14) --------------------------------------------------------------------

@SETTINGS
@given(key=st.one_of(addresses(), st.sampled_from([f"{f} {l}" for f in FIRST for l in LAST]),
                     st.sampled_from(["2026-11-29", "Nov 29", "Pereira, Ana", "A123456789"])),
       container=st.sampled_from(["custody", "x", "people", "by_location", "records"]))
def test_federal_officer_never_receives_a_protected_value_used_as_a_key(guard: Guard, key, container) -> None:
    out = _federal(guard, {container: {key: ["B1"]}})
    assert orjson.dumps(key).decode() not in out, out


@SETTINGS
@given(country=st.sampled_from(COUNTRIES), phrase=st.sampled_from(["born in {}", "Born in {}", "birthplace {}",
                                                                   "country of birth: {}", "nacido en {}"]))
def test_school_staff_never_receive_a_place_of_birth_used_as_a_key(guard: Guard, country, phrase) -> None:
    key = phrase.format(country)
    out = orjson.dumps(guard.redact({"student": {"name": "Kid A", "flags": {key: True}}}, "schools", "local").document)
    assert country.encode() not in out, out


def test_a_key_that_only_names_the_field_stays_for_school_staff(guard: Guard) -> None:
    out = guard.redact({"student": {"Place of birth": "Haiti", "Grade": 3}}, "schools", "local").document
    assert "Place of birth" in out["student"] and out["student"]["Place of birth"] == "[REDACTED]"


def test_custody_places_and_identifier_shaped_addresses_as_keys_are_withheld(guard: Guard) -> None:
    """R14: a custody location key, an address written as an identifier, a place of birth in words."""
    for doc, scope, req, secret in [({"custody": {"Room 12, Middlesex Jail": ["B1"]}}, "police", "federal", "Middlesex"),
                                    ({"student": {"name": "Kid A", "flags": {"born in Haiti": True}}}, "schools",
                                     "local", "Haiti"),
                                    ({"x": {"Ana_77_Elm_St": 1}}, "police", "federal", "77_Elm")]:
        assert secret not in orjson.dumps(guard.redact(doc, scope, req).document).decode()

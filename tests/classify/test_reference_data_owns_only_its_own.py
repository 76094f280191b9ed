"""Reference data above a person (review r13e F12). Written for these tests.

Invariant (2.129.040(b)/(k)): a path segment the pack reads as reference data (``j:Court``,
``RefCountry``, ``countryDescriptors``) decides only for what it names itself; a person named
below it (``student``, ``defendant``, ``nc:EntityPerson``) owns what follows, so a protected leaf
under that person is read exactly as without the reference wrapper. Look-alike: the reference
table's own fields (``RefCountry/countryName``) stay unprotected.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_REFERENCE = st.sampled_from(["j:Court", "RefCountry", "countryDescriptors"])
_MIDDLE = st.lists(st.sampled_from(["records", "items", "data", "j:CourtCase", "entry"]), max_size=2)
_PERSON = st.sampled_from(["student", "defendant", "applicant", "parent", "guardian", "person"])
_LEAF = st.sampled_from(["immigrationStatus", "birthCountry", "citizenship", "countryOfBirth", "visaType",
                         "homeAddress", "placeOfBirth", "citizenshipStatus"])
_SEP = st.sampled_from(["/", "."])


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


@SETTINGS
@given(ref=_REFERENCE, middle=_MIDDLE, person=_PERSON, leaf=_LEAF, sep=_SEP)
def test_protected_leaf_under_a_person_below_reference_data_is_read_040(g, ref, middle, person, leaf, sep):
    bare = sep.join([person, leaf])
    want = g.classify(bare).categories
    assert want, bare
    path = sep.join([ref, *middle, person, leaf])
    assert want <= g.classify(path).categories, path


@SETTINGS
@given(ref=_REFERENCE, leaf=st.sampled_from(["countryName", "CountryCode", "codeValue", "description",
                                              "shortDescription", "j:CourtName", "effectiveDate"]), sep=_SEP)
def test_reference_tables_own_fields_stay_unprotected(g, ref, leaf, sep):
    assert not g.classify(sep.join([ref, leaf])).categories


@pytest.mark.parametrize("doc,scope", [({"j:Court": {"defendant": {"immigrationStatus": "no"}}}, "city"),
                                       ({"RefCountry": {"student": {"birthCountry": "HT"}}}, "schools")])
def test_status_field_wrapped_in_reference_key_is_blocked_040b(g, doc, scope):
    assert "block" in str(g.check_submission(doc, scope=scope, requester="local").effect).lower()

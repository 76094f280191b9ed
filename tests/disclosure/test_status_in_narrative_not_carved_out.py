"""The §1373 carve-out covers a status value under its own status key, never a narrative
(review r13f F01). Written for these tests.

Invariant (2.129.040(e), 2.129.070, 8 U.S.C. §1373; docs/middleware.md "Responses", pass 2): a
status stated inside a declared public-record narrative is withheld from every requester class
that may not read the narrative's other protected content — ``federal`` and
``federal_immigration`` included — because the carve-out releases a leaf only when its own key is
a status key and its value is a status and nothing else. Look-alike: the status value under its
own status key is still released to a federal requester (the carve-out itself holds).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
STATUS = [("He is undocumented.", "undocumented"), ("No tiene papeles.", "papeles"),
          ("Li pa gen papye.", "papye"), ("他是非法移民。", "非法移民"), ("Subject is an illegal alien.", "illegal alien"),
          ("He overstayed his B-2 visa.", "overstayed"), ("Il est sans papiers.", "sans papiers"),
          ("She is a lawful permanent resident.", "permanent resident")]
BEFORE = ["", "Incident 24-118 reviewed. ", "Officer arrived at 2 pm.\n"]
AFTER = ["", " Officer Doe filed the report.", "\nEnd of report."]
REQUESTERS = ["federal", "federal_immigration", "unknown", "public"]


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


def _served(g, doc: dict, requester: str) -> dict:
    return g.redact(doc, scope="police", requester=requester, public_record_fields=["narrative"]).document


@SETTINGS
@given(status=st.sampled_from(STATUS), before=st.sampled_from(BEFORE), after=st.sampled_from(AFTER),
       requester=st.sampled_from(REQUESTERS))
def test_federal_officer_never_sees_status_stated_in_a_narrative(g, status, before, after, requester):
    sentence, word = status
    text = before + sentence + after
    served = str(_served(g, {"narrative": text}, requester).get("narrative"))
    assert word not in served, (requester, text, served)
    # the rest of the narrative is served (a span is redacted, not the whole record)
    if after:
        assert served.endswith(after), (requester, text, served)


@pytest.mark.parametrize("requester", ["federal", "federal_immigration"])
def test_status_under_its_own_status_key_is_still_given_to_federal_officers_1373(g, requester):
    doc = _served(g, {"immigration_status": "Lawful permanent resident",
                      "narrative": "Incident reviewed. He is undocumented."}, requester)
    assert doc.get("immigration_status") == "Lawful permanent resident"
    assert "undocumented" not in str(doc.get("narrative"))


def test_status_under_its_own_key_is_not_given_to_the_public(g):
    doc = _served(g, {"immigration_status": "Lawful permanent resident"}, "public")
    assert doc.get("immigration_status") != "Lawful permanent resident"

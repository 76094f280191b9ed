"""Declared public-record narratives served to a federal officer (review r13e F01/F02). Written
for these tests.

Invariant (2.129.040(e)/(k), 2.129.030): in a declared public-record field served to a federal
requester, whenever ``detect_text`` finds a span of a category withheld from that requester, the
served text does not contain that span — whatever the length of the text (one sentence), its
script (Chinese without spaces) or a label before the value. Look-alike: a field whose whole value
is one incident address or date is what the declaration releases, and stays.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
WITHHELD = {"incarceration_status", "place_of_birth", "release_date", "hearing_information", "work_address",
            "immigration_status", "citizenship_status", "alien_registration_number", "detention_basis"}
SENTENCES = ["Held without bail pending trial.", "Booked at 0300 hours on an OUI charge; remains in custody.",
             "Expected release: Jan 14.", "Country of birth: El Salvador.", "Trabaja en una panadería en 210 Broadway.",
             "Lugar de nacimiento: Tegucigalpa", "他目前被關押在縣監獄，下次開庭日期是12月9日。",
             "他目前被关押在县监狱，下次出庭日期是12月9日，预计1月14日释放。", "Next court date is 12/09/2026.",
             "Subject A-number a204113998 noted."]
WRAP = st.sampled_from(["{t}", "Officer arrived at 2 pm. {t}", "{t} Report by Sgt. Doe.", "{t}\n"])


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


def _served(g, text: str) -> str:
    r = g.redact({"incident_id": "24-01187", "narrative": text}, scope="police", requester="federal",
                 public_record_fields=["narrative", "incident_id"])
    return str(r.document.get("narrative"))


@SETTINGS
@given(parts=st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=2), wrap=WRAP)
def test_federal_officer_never_sees_a_detected_withheld_span_040e(g, parts, wrap):
    text = wrap.format(t=" ".join(parts))
    served = _served(g, text)
    for f in g.detect_text(text):
        span = text[f.start:f.end].strip()
        if f.category in WITHHELD and len(span) >= 4:
            assert span not in served, (text, f.category, span, served)


@pytest.mark.parametrize("value", ["12 Elm St", "45 Windsor Street, Cambridge"])
def test_declared_incident_address_alone_is_released(g, value):
    r = g.redact({"incident_id": "24-01187", "location": value}, scope="police", requester="federal",
                 public_record_fields=["location", "incident_id"])
    assert r.document.get("location") == value

"""The detention basis — an immigration agency's request or hold — goes with the custody word
beside it (review r13f F05). Written for these tests.

Invariant (2.129.040(e), detention basis / incarceration status): when a narrative says a person
is held, kept or detained *for*, *by* or *at the request of* ICE / ERO / DHS-ERO (in any of the
city's languages), a federal requester gets neither the custody word nor the agency basis: the
served text does not name the agency. Look-alike: "ice" in ordinary city text (ice skating, an
ice rink, "ICE contact" in a school emergency card) is not a detention basis.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
AGENCIES = ["ICE", "ERO", "DHS/ERO", "ICE/ERO"]
FRAMES = ["He is being held for {a}.", "She was detained by {a} yesterday.", "Hold placed by {a}.",
          "Kept at the request of {a}.", "Held on a request from {a}.", "Retenido a pedido de {a}.",
          "Retenida a solicitud de {a}.", "Il est détenu à la demande de l'{a}.", "Yo kenbe l pou {a}.",
          "Bị giữ theo yêu cầu của {a}.", "Задержан по запросу {a}.", "محتجز بناءً على طلب من {a}.",
          "Waxaa lagu hayaa codsi {a}.", "E sta prezu pa pididu di {a}.", "Preso a pedido do {a}."]
WRAPS = ["{s}", "Incident 24-118 reviewed. {s} Officer Doe filed the report.", "Booking note:\n{s}\nEnd."]


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


@SETTINGS
@given(frame=st.sampled_from(FRAMES), agency=st.sampled_from(AGENCIES), wrap=st.sampled_from(WRAPS))
def test_federal_officer_never_sees_the_detention_basis_beside_custody(g, frame, agency, wrap):
    text = wrap.format(s=frame.format(a=agency))
    served = g.redact({"narrative": text}, scope="police", requester="federal",
                      public_record_fields=["narrative"]).document["narrative"]
    assert agency not in served, (text, served)


@pytest.mark.parametrize("text", ["We went ice skating for the holiday.", "The ice rink is open by the river.",
                                  "ICE contact: grandmother, 617-555-0100.", "Held for the ice cream social."])
def test_ice_in_ordinary_city_text_is_not_a_detention_basis(g, text):
    assert "detention_basis" not in {f.category for f in g.detect_text(text)}, text

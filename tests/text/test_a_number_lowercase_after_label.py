"""A-numbers written with a lower-case ``a`` (review r13e F07). Written for these tests.

Invariant (2.129.040(b), alien registration number): an A-number written after an A-number
label is found whether its ``A`` is upper or lower case, hyphenated or grouped, in every
label language; served to a federal requester in a narrative it is redacted. Look-alikes: a
lower-case ``a`` + digits with no A-number label (a permit, an order, a vehicle registration)
is not an A-number.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
LABELS = ["A-number", "A number", "A No.", "Alien Reg. No.", "Alien Registration Number", "USCIS number",
          "INS no.", "número A", "numéro A", "số A", "A-номер", "A号码", "A#", "alien number"]


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


def _found(g, text: str) -> set[str]:
    return {f.category for f in g.detect_text(text)}


@SETTINGS
@given(label=st.sampled_from(LABELS), digits=st.from_regex(r"\A[1-9][0-9]{8}\Z").filter(lambda d: len(set(d)) > 2),
       shape=st.sampled_from(["a{d}", "a-{d}", "a{g}", "A{d}"]),
       frame=st.sampled_from(["Subject's {l} {v} was on the I-213.", "{l}: {v}", "Noted {l} {v} today.",
                              "{l} — {v}."]))
def test_a_number_after_its_label_is_found_any_case_040b(g, label, digits, shape, frame):
    value = shape.format(d=digits, g=f"-{digits[:3]}-{digits[3:6]}-{digits[6:]}")
    text = frame.format(l=label, v=value)
    assert "alien_registration_number" in _found(g, text), text


def test_federal_officer_never_sees_lowercase_a_number_040b(g):
    r = g.redact({"incident_id": "24-01187", "narrative": "Subject A-number a204113998 noted by officer during booking today."},
                 scope="police", requester="federal", public_record_fields=["narrative", "incident_id"])
    assert "a204113998" not in str(r.document.get("narrative"))


@pytest.mark.parametrize("text", ["Permit a204113998 was renewed.", "Order number a204113998 shipped.",
                                  "Vehicle registration number a20411399 expired.", "Use code a204113998 at checkout.",
                                  "Library card a204113998 is overdue."])
def test_lowercase_a_digits_without_a_number_label_is_not_an_a_number(g, text):
    assert "alien_registration_number" not in _found(g, text), text

"""Releases that are not a person's release from custody (review r13e F08). Written for these tests.

Invariant: a software/payroll/album release, a hospital discharge, a towed car or held property
released on a date is not a release date (no false redaction of an ordinary record, 2.129.040);
the same date after a person's release cue still is one (040(e)).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

LOOKALIKE = ["Software release 4.2 is scheduled for {d}.", "The payroll release is set for {d}.",
             "Discharged from Cambridge Hospital on {d} after a two-night stay.",
             "Gaariga waxaa la sii daayay {so}.", "The album release is {d}.", "Firmware version 3 ships {d}."]
PERSON = ["He will be released on {d}.", "Expected release from custody: {d}.", "Waxaa la sii deynayaa {so}."]
DATES = st.sampled_from(["January 14", "12/9", "Jan. 14th", "March 3, 2027"])
SO_DATES = st.sampled_from(["9 Disembar", "14 Janaayo", "3-da Maarso"])


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tpl=st.sampled_from(LOOKALIKE), d=DATES, so=SO_DATES)
def test_a_thing_released_is_not_a_persons_release_date(g, tpl, d, so):
    text = tpl.format(d=d, so=so)
    assert "release_date" not in {f.category for f in g.detect_text(text)}, text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tpl=st.sampled_from(PERSON), d=DATES, so=SO_DATES)
def test_a_persons_release_date_is_still_found(g, tpl, d, so):
    text = tpl.format(d=d, so=so)
    assert "release_date" in {f.category for f in g.detect_text(text)}, text

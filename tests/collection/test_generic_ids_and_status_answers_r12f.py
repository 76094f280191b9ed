"""r12f F15 + F14: a form builder's own default control name (SurveyJS ``question1``, Form.io
``textField1``, Contact Form 7 ``text-1``, Qualtrics ``QID7_TEXT``) says nothing, like ``q7``; and a
status answer under such a name — in any wording the answer lists read ("Lawful permanent
resident", "H-1B", "美国公民", "Parolee") — shows what was asked: 2.129.040(b) refuses it.
Look-alikes (a bare "Resident", "Yes", a contact form's own "question") still pass."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import collection as col
from status_guard.collection.subjects import subject_of

PREFIXES = ["question", "q", "textField", "text", "QID", "field", "input", "entry", "element", "untitled_question",
            "shortText", "textfield", "nf-field", "wpforms[fields]", "radio", "select"]
SEPS = ["", "_", "-", ".", "~"]
SUFFIXES = ["", "_TEXT", "-1", "[0]"]

generic_ids = st.builds(lambda p, sep, n, suf: f"{p}{sep}{n}{suf}", st.sampled_from(PREFIXES), st.sampled_from(SEPS),
                        st.integers(min_value=1, max_value=9999), st.sampled_from(SUFFIXES))

STATUS_ANSWERS = ["Permanent resident", "Lawful permanent resident", "H-1B", "Ciudadano estadounidense",
                  "Residente legal", "美国公民", "永久居民", "Постоянный житель", "영주권자", "Parolee",
                  "Conditional resident", "Degane joogto ah", "Residenti permanenti", "Undocumented",
                  "Green card holder", "Sin papeles", "Legal permanent resident", "I am a refugee", "US citizen"]

LOOKALIKES = ["Resident", "Cambridge resident", "Yes", "No", "Citizen science club", "Permanent resident parking",
              "Legal", "Blue", "Apartment 3", "Renter"]


def _effect(guard, name, value):
    out = col.check(guard, col.read({name: [value]}, "form"), scope="city")
    return getattr(out.decision.effect, "value", out.decision.effect)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=generic_ids)
def test_builder_default_names_are_generic_like_q7(name):
    """040(b): a builder's default name adds no subject of its own."""
    assert subject_of(name, "") in ("generic", "other"), name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=generic_ids, answer=st.sampled_from(STATUS_ANSWERS))
def test_status_answer_under_any_generic_id_is_refused_2_129_040_b(guard, name, answer):
    assert str(_effect(guard, name, answer)).endswith("block"), (name, answer)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=generic_ids, answer=st.sampled_from(LOOKALIKES))
def test_lookalike_answers_under_generic_ids_pass(guard, name, answer):
    assert not str(_effect(guard, name, answer)).endswith("block"), (name, answer)  # never refused


@pytest.mark.parametrize("name", ["question", "your_question", "question_text", "comments", "text", "textArea"])
def test_a_persons_own_question_field_stays_free_text(name):
    """A contact form's "Your question" is the person's own words (volunteered, never an answer)."""
    assert subject_of(name, "") == "free_text"

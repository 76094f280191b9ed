"""r12f F11 / F16: a builder's value named by its own key (Typeform ``variables`` / ``hidden``
``{"key": K, "type": T, T: value}``) is read under that key; Google Forms' response shape
``answers.{id}.textAnswers.answers[].value`` under an opaque question id reads the answer as an
answer to a generic question — 2.129.040(b) refuses a status either way. Look-alike keys pass."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import collection as col


def _effect(guard, body):
    out = col.check(guard, col.read(body, "json"), scope="city")
    return str(getattr(out.decision.effect, "value", out.decision.effect))


def _typeform(key, typ, value, where="variables"):
    return {"event_type": "form_response", "form_response": {"form_id": "F1", where: [{"key": key, "type": typ,
                                                                                    typ: value}], "answers": []}}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["citizenship", "immigration_status", "us_citizen", "visa_type", "ciudadania"]),
       typ=st.sampled_from(["text", "value"]), value=st.sampled_from(["no", "yes", "H-1B", "Permanent resident"]),
       where=st.sampled_from(["variables", "hidden_fields", "vars"]))
def test_typeform_variable_named_for_status_is_refused_2_129_040_b(guard, key, typ, value, where):
    assert _effect(guard, _typeform(key, typ, value, where)).endswith("block"), (key, value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["score", "price", "plan", "utm_source", "language", "ward"]),
       typ=st.sampled_from(["text", "number"]), value=st.sampled_from(["no", "yes", "12", "en"]))
def test_typeform_variable_with_a_lookalike_key_passes(guard, key, typ, value):
    assert _effect(guard, _typeform(key, typ, value)).endswith("allow"), (key, value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(qid=st.from_regex(r"[0-9a-f]{8}", fullmatch=True),
       answer=st.sampled_from(["Permanent resident", "Undocumented", "Green card holder", "Residente permanente",
                               "Lawful permanent resident", "美国公民"]))
def test_google_forms_response_status_answer_is_refused_2_129_040_b(guard, qid, answer):
    body = {"responseId": "ACYD", "answers": {qid: {"questionId": qid, "textAnswers": {"answers": [{"value": answer}]}}}}
    assert _effect(guard, body).endswith("block"), (qid, answer)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(qid=st.from_regex(r"[0-9a-f]{8}", fullmatch=True), answer=st.sampled_from(["Blue", "Tuesday", "Resident", "3"]))
def test_google_forms_response_lookalike_answer_passes(guard, qid, answer):
    body = {"responseId": "ACYD", "answers": {qid: {"questionId": qid, "textAnswers": {"answers": [{"value": answer}]}}}}
    assert not _effect(guard, body).endswith("block"), (qid, answer)

"""r12c (issue 12 item 8; fix-12 left: "the pack's exclude: phrase lists veto the subject
unconditionally, so 'your naturalization ceremony date' passes").

Invariant (2.129.040(b)): the pack's own look-alike phrases for city services ("naturalization
ceremony", "citizenship class", "DACA renewal clinic", "入籍仪式") name a service while nobody is
addressed beside them — "Naturalization ceremony date", "RSVP for your naturalization ceremony"
are accepted — but a step the person goes through, with the person addressed beside it, asks
their status: "Your naturalization ceremony date", "When is your citizenship class?" are refused.
Places, groups and publications ("your immigrant community", "your passport photo") are not read
back as questions. The phrases are taken from the policy pack itself (every ``exclude:`` phrase of a
status category that holds a step a person goes through and a term the classifier knows).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Effect, Guard
from status_guard.classify.lexicon import TERM
from status_guard.collection.lookalikes import _occurrences, vocab
from status_guard.normalize import tokens

GUARD = Guard.default(audit="memory:")
V = vocab()


def _phrases() -> list[str]:
    out = []
    for cid in sorted(V.personal_categories):
        for x in GUARD.policy.file.categories[cid].detectors.exclude:
            words = tuple(tokens(x))
            if not x.isascii() or not _occurrences(V.personal_services, words):
                continue
            if any(h.entry.kind == TERM and h.entry.category == cid for h in GUARD.classifier.lexicon.scan_words(words)):
                out.append(x)
    return sorted(set(out))


PHRASES = _phrases()
ASKS = ["Your {p} date", "When is your {p}?", "Date of your {p}", "Where will your {p} be held?"]
OFFERS = ["{P} date", "RSVP for your {p}", "Sign up for the {p}", "Register for your {p}", "{P} sign-up"]


def _effect(label: str, value: str) -> Effect:
    return GUARD.check_submission({"fields": [{"name": "q4", "label": label, "value": value}]},
                                  scope="city", requester="public").effect


def test_the_pack_has_service_phrases_to_read() -> None:
    assert len(PHRASES) >= 5, PHRASES


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(PHRASES), st.sampled_from(ASKS), st.sampled_from(["2026-12-01", "Boston", "yes"]))
def test_a_service_step_of_the_person_addressed_asks_their_status_040b(phrase, form, answer) -> None:
    assert _effect(form.format(p=phrase, P=phrase.capitalize()), answer) is Effect.BLOCK, (phrase, form)


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(PHRASES), st.sampled_from(OFFERS), st.sampled_from(["2026-12-01", "yes", "2"]))
def test_a_service_offered_is_not_a_status_question_040b(phrase, form, answer) -> None:
    assert _effect(form.format(p=phrase, P=phrase.capitalize()), answer) is not Effect.BLOCK, (phrase, form)


@pytest.mark.parametrize("label,asks", [
    ("你的入籍仪式日期", True), ("入籍仪式日期", False), ("报名参加入籍仪式", False),
    ("Tell us about your immigrant community", False), ("Your immigrant affairs newsletter preferences", False),
    ("Your passport appointment date", False), ("Your consulta ciudadana date", False),
])
def test_named_cases_040b(label, asks) -> None:
    assert (_effect(label, "yes") is Effect.BLOCK) is asks, label

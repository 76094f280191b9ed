"""Recognizer data is policy-pack data: a pack's `text:` section adds, replaces and removes."""

from __future__ import annotations

import pytest

from status_guard.text import TextDetector
from status_guard.text.config import build_config, load_default_data

POLICE_CASE = {
    "id": "docket_number", "category": "hearing_information",
    "patterns": [{"name": "docket", "regex": r"\b\d{4}CR\d{6}\b", "score": 0.8, "case_sensitive": True}],
}


def test_default_data_covers_the_policy_categories():
    cfg = build_config(None)
    assert cfg.categories >= {
        "immigration_status", "citizenship_status", "alien_registration_number", "visa_or_passport",
        "home_address", "release_date", "hearing_information", "place_of_birth", "national_origin",
    }
    assert cfg.min_score == load_default_data()["min_score"]


def test_policy_pack_can_add_a_recognizer_and_keep_the_defaults():
    det = TextDetector.from_policy_data({"recognizers": [POLICE_CASE]})
    text = "Docket 2652CR001234; the defendant is undocumented."
    assert {(f.category, f.recognizer) for f in det.detect(text)} == {
        ("hearing_information", "docket_number"), ("immigration_status", "immigration_status_terms")}


def test_policy_pack_can_remove_a_default_recognizer():
    det = TextDetector.from_policy_data({"recognizers": [{"id": "us_street_address", "enabled": False}]})
    assert "home_address" not in det.categories
    assert det.detect("Lives at 5 Otis Street.") == []


def test_policy_pack_replaces_a_recognizer_by_id():
    terms = {"id": "immigration_status_terms", "category": "immigration_status",
             "terms": {"score": 0.9, "words": {"es": ["sin estatus"]}}}
    det = TextDetector.from_policy_data({"recognizers": [terms]})
    assert [f.recognizer for f in det.detect("Cliente sin estatus.")] == ["immigration_status_terms"]
    # the replaced list no longer carries the default terms
    assert all(f.recognizer != "immigration_status_terms" for f in det.detect("Mother is undocumented."))


def test_policy_pack_without_inheritance_uses_only_its_own_recognizers():
    det = TextDetector.from_policy_data({"inherit_defaults": False, "recognizers": [POLICE_CASE]})
    assert det.categories == frozenset({"hearing_information"})
    assert det.detect("Undocumented; lives at 5 Otis Street.") == []


def test_policy_pack_can_tighten_the_threshold_and_limits():
    cfg = build_config({"min_score": 0.9, "limits": {"deadline_ms": 500}})
    assert (cfg.min_score, cfg.deadline_ms, cfg.max_chars) == (0.9, 500, 100_000)


def test_context_words_raise_and_negative_context_lowers_a_score(detector):
    plain = detector.detect("Reference A123456789.")
    boosted = detector.detect("USCIS A-number A123456789.")
    # (the student ID itself is personal information since issue 13: compare the A-number finding)
    lowered = [f for f in detector.detect("Student ID A123456789.", min_score=0.0)
               if f.category == "alien_registration_number"]
    assert plain[0].score < boosted[0].score
    assert lowered[0].score < plain[0].score < 1.0


@pytest.mark.parametrize("key", ["inherit_defaults"])
def test_inherit_defaults_must_be_boolean(key):
    from status_guard.text import RecognizerConfigError

    with pytest.raises(RecognizerConfigError, match="inherit_defaults"):
        build_config({key: "no"})


def test_the_cambridge_pack_text_section_if_present_builds_a_detector():
    policy_mod = pytest.importorskip("status_guard.policy")
    policy = policy_mod.load_policy(None)
    det = TextDetector.from_policy_data(policy.file.text)
    assert "immigration_status" in det.categories

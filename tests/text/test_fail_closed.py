"""Text that cannot be checked completely is refused — never passed through as clean."""

from __future__ import annotations

import pytest

from status_guard.errors import ClassificationError, LimitExceededError, StatusGuardError
from status_guard.text import (
    RecognizerConfigError,
    TextDetectionError,
    TextDetectionTimeout,
    TextDetector,
    TextTooLongError,
    UnsupportedCategoryError,
)

SECRET = "undocumented at 48 Columbia Street"
CATASTROPHIC = {
    "limits": {"deadline_ms": 100},
    "recognizers": [{
        "id": "pathological", "category": "immigration_status",
        "patterns": [{"name": "backtracks", "regex": "(a|aa)+$", "score": 0.9}],
    }],
}


def test_errors_are_status_guard_errors_that_callers_can_catch_once():
    assert issubclass(TextDetectionError, ClassificationError)
    assert issubclass(TextDetectionError, StatusGuardError)
    assert issubclass(TextTooLongError, LimitExceededError)
    assert issubclass(TextDetectionTimeout, TextDetectionError)


def test_a_recognizer_that_runs_out_of_time_raises_instead_of_being_skipped():
    det = TextDetector.from_policy_data(CATASTROPHIC)
    with pytest.raises(TextDetectionTimeout) as err:
        det.detect("a" * 60 + "b " + SECRET)
    assert "pathological/backtracks" in str(err.value)
    assert SECRET not in str(err.value) and "aaaa" not in str(err.value)


def test_presidio_own_pattern_recognizer_would_fail_open_on_the_same_timeout(monkeypatch):
    """Why PolicyRecognizer exists: Presidio logs a regex timeout and returns no result."""
    import presidio_analyzer.pattern_recognizer as pr
    from presidio_analyzer import Pattern, PatternRecognizer

    monkeypatch.setattr(pr, "REGEX_TIMEOUT_SECONDS", 0.05)
    rec = PatternRecognizer("immigration_status", patterns=[Pattern("backtracks", "(a|aa)+$", 0.9)])
    assert rec.analyze("a" * 60 + "b", ["immigration_status"]) == []  # silently "clean"


def test_a_recognizer_that_crashes_fails_closed_without_quoting_the_text(monkeypatch):
    det = TextDetector.from_policy_data(None)
    rec = next(r for r in det._analyzer.registry.recognizers if r.name == "us_street_address")

    class Exploding:
        def finditer(self, *args, **kwargs):
            raise RuntimeError(f"boom while reading {args[0] if args else ''}")

    monkeypatch.setattr(rec, "_patterns", [("street_address", Exploding(), 0.8, ("regex", "exploding", 0), None, None)])
    with pytest.raises(TextDetectionError) as err:
        det.detect(SECRET)
    assert "us_street_address/street_address" in str(err.value)
    assert "Columbia" not in str(err.value) and err.value.__cause__ is None


def test_text_over_the_size_bound_is_refused_with_the_limit_named():
    det = TextDetector.from_policy_data({"limits": {"max_chars": 50}})
    with pytest.raises(TextTooLongError) as err:
        det.detect(SECRET + " " + "x" * 40)
    assert "limit of 50" in str(err.value) and "Columbia" not in str(err.value)
    assert det.detect(SECRET)  # under the bound it is checked normally


def test_non_text_input_is_refused(detector):
    with pytest.raises(TextDetectionError, match="must be a str, not bytes"):
        detector.detect(SECRET.encode())


def test_a_threshold_outside_0_1_is_refused(detector):
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(TextDetectionError, match="min_score"):
            detector.detect(SECRET, min_score=bad)


def test_asking_for_a_category_no_recognizer_covers_is_refused(detector):
    # every category of the Cambridge pack has a recognizer since issue 13; a pack's own category
    # without one is still refused rather than silently not looked for
    with pytest.raises(UnsupportedCategoryError, match="shoe_size"):
        detector.detect(SECRET, categories=["shoe_size", "home_address"])


@pytest.mark.parametrize("bad,where", [
    ({"recognizers": [{"id": "x", "category": "home_address", "patterns": [{"name": "p", "regex": "(", "score": 0.5}]}]},
     "text.recognizers[x].patterns[0].regex: invalid regular expression"),
    ({"recognizers": [{"id": "x", "category": "home_address", "patterns": [{"name": "p", "regex": "a*", "score": 0.5}]}]},
     "matches the empty string"),
    ({"recognizers": [{"id": "x", "category": "home_address", "patterns": [{"name": "p", "regex": "a", "score": 2}]}]},
     "score: must be a number in [0.0, 1.0]"),
    ({"recognizers": [{"id": "x", "category": "home_address", "requires_context": True,
                       "patterns": [{"name": "p", "regex": "a", "score": 0.5}]}]},
     "requires_context: set, but no context"),
    ({"recognizers": [{"id": "x", "category": "home_address", "colour": "red", "terms": {"score": 1, "words": ["a"]}}]},
     "unknown key(s) ['colour']"),
    ({"limits": {"max_chars": 0}}, "text.limits.max_chars"),
    ({"recognizerz": []}, "unknown key(s) ['recognizerz']"),
])
def test_invalid_recognizer_data_is_refused_naming_the_key(bad, where):
    with pytest.raises(RecognizerConfigError) as err:
        TextDetector.from_policy_data(bad)
    assert where in str(err.value)

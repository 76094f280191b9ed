"""Remembered detections (issue 15, text.memo) are exactly the detections: for texts built from
the recognizers' own terms, context words, dates and numbers, ``detect`` with the memo — first
call and repeat, with and without a category filter, threshold and field classifier — returns
what a detector without the memo returns. A text that could not be checked is never remembered."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.text.findings import TextDetectionError


def _words(detector: Any) -> list[str]:
    words: set[str] = set()
    for spec in detector.config.recognizers:
        words.update(spec.terms[:20])
        if spec.context:
            words.update(spec.context.words[:10])
    return sorted(words)


@pytest.fixture(scope="module")
def plain(detector: Any) -> Any:
    from status_guard.text.engine import TextDetector
    from status_guard.text.memo import DetectMemo

    det = TextDetector(detector.config)
    det.memo = DetectMemo(max_entries=0)  # never remembers
    return det


FILLER = ["the", "parent", "said", "on", "3/4/2026", "A-123-456-789", "at 12 Elm Street", "Cambridge, MA 02139",
          "hearing", "released", "born in", "Haiti", "school", "bus", "Notes:", "POB: Port-au-Prince", ".", ","]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_remembered_detection_is_the_detection(detector: Any, plain: Any, data: Any) -> None:
    vocab = _words(detector) + FILLER
    text = " ".join(data.draw(st.lists(st.sampled_from(vocab), min_size=1, max_size=25)))
    cats = data.draw(st.one_of(st.none(), st.sets(st.sampled_from(sorted(detector.categories)), max_size=3)))
    threshold = data.draw(st.sampled_from([None, 0.0, 0.5, 0.9]))
    classifier = data.draw(st.sampled_from([None, lambda name: frozenset({"citizenship_status"})
                                            if "citizen" in name.lower() else frozenset()]))
    kw = {"categories": cats, "min_score": threshold, "field_classifier": classifier}
    want = plain.detect(text, **kw)
    assert detector.detect(text, **kw) == want
    assert detector.detect(text, **kw) == want  # the repeat is served from the memo


def test_a_text_that_could_not_be_checked_is_not_remembered(detector: Any, monkeypatch: Any) -> None:
    from status_guard.text.engine import TextDetector
    from status_guard.text.findings import TextDetectionTimeout

    det = TextDetector(detector.config)
    calls = []

    def failing(*a: Any, **k: Any) -> Any:
        calls.append(1)
        raise TextDetectionTimeout("deadline")

    monkeypatch.setattr(det, "_detect", failing)
    text = "She said she has no papers and is afraid of deportation"
    for _ in range(2):
        with pytest.raises(TextDetectionError):
            det.detect(text)
    assert len(calls) == 2  # checked again, refused again
    monkeypatch.undo()
    assert det.detect(text)  # once it can be checked, it is found


@settings(max_examples=50, deadline=None)
@given(texts=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=60), entries=st.integers(1, 10),
       total=st.integers(1, 300))
def test_remembered_detections_never_exceed_their_bounds(texts: list[str], entries: int, total: int) -> None:
    from status_guard.text.memo import DetectMemo

    memo = DetectMemo(max_entries=entries, max_chars=30, max_total_chars=total)
    for t in texts:
        key = memo.key(t, None, 0.5, None)
        if len(t) > 30:
            assert key is None
            continue
        memo.put(key, [])
        assert len(memo._data) <= entries and memo.total_chars <= total
        assert memo.total_chars == sum(len(k[0]) for k in memo._data)

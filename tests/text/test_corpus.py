"""Precision and recall on the labelled notes (tests/text/corpus/notes.yaml).

The floors are set below the measured figures (see docs/text.md) with room for one or two
regressions per category — not at them — so a change that makes detection worse fails here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from status_guard.text.evaluate import Report, evaluate, load_corpus

HOLDOUT = Path(__file__).parent / "corpus" / "holdout.yaml"

NOTE_LEVEL_FLOOR = {"precision": 0.90, "recall": 0.90}
SPAN_LEVEL_FLOOR = {"precision": 0.88, "recall": 0.90}
PER_CATEGORY_FLOOR = 0.80  # note-level precision and recall, categories with >= 5 labelled notes


def test_corpus_is_large_varied_and_has_lookalike_negatives(corpus):
    assert len(corpus) >= 80
    langs = Counter(n.lang for n in corpus)
    assert set(langs) == {"en", "es", "pt", "ht", "zh"} and min(langs.values()) >= 10
    assert set(Counter(n.kind for n in corpus)) == {"police", "school", "intake"}
    assert sum(1 for n in corpus if not n.labels) >= 20


def test_precision_and_recall_meet_their_floors(detector, corpus):
    report = evaluate(detector, corpus)
    note, span = Report.total(report.note_level), Report.total(report.span_level)
    assert note.precision >= NOTE_LEVEL_FLOOR["precision"], report.misses
    assert note.recall >= NOTE_LEVEL_FLOOR["recall"], report.misses
    assert span.precision >= SPAN_LEVEL_FLOOR["precision"]
    assert span.recall >= SPAN_LEVEL_FLOOR["recall"]
    for cat, c in report.note_level.items():
        if c.tp + c.fn >= 5:
            assert c.precision >= PER_CATEGORY_FLOOR, (cat, c)
            assert c.recall >= PER_CATEGORY_FLOOR, (cat, c)


def test_notes_with_nothing_protected_stay_clean(detector, corpus):
    flagged = [n.id for n in corpus if not n.labels and detector.detect(n.text)]
    assert len(flagged) <= 2, flagged


def test_second_note_set_keeps_precision_and_most_of_its_recall(detector):
    """holdout.yaml first scored P 0.95 / R 0.60 (docs/text.md); its misses then drove fixes,
    so it is no longer held out — these floors guard against regressions only."""
    report = evaluate(detector, load_corpus(HOLDOUT))
    note = Report.total(report.note_level)
    assert note.precision >= 0.90, report.misses
    assert note.recall >= 0.80, report.misses

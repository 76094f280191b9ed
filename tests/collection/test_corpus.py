"""The blind collection corpus (tests/corpus/collection/, 208 cases written and labelled by a
session that never saw the detection): refusal rate on what must not pass (2.129.040(b), 040(k)),
false-refusal rate on what must not be refused (residents' own words, the city's immigrant
services, look-alikes). The figures are in README.md; this test keeps them from sliding back.
Labels are the writer's and are never edited to agree with the guard."""

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _scorer():
    import sys

    if "status_guard_corpus_score" in sys.modules:
        return sys.modules["status_guard_corpus_score"]
    spec = importlib.util.spec_from_file_location("status_guard_corpus_score", HERE / "corpus_score.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_blind_corpus_refusal_and_false_refusal_rates_hold() -> None:
    scorer = _scorer()
    cases = scorer.load_cases()
    assert len(cases) >= 200 and (HERE.parent / "corpus" / "collection" / "DONE").exists()
    outcomes, summary = scorer.score(cases)
    print("\n" + scorer.table(summary))
    # measured 2026-12-01 after fix-12 (README "Collection": 95.7 % / 4.3 %, held out 93.8 % / 8.2 %);
    # a regression below these fails
    assert summary["refusal_rate"] >= 0.93, summary["misses"]
    assert summary["false_refusal_rate"] <= 0.06, summary["misses"]
    held_out = scorer.summarise([o for o in outcomes if scorer.split_of(o.case) == "test"])
    assert held_out["refusal_rate"] >= 0.90 and held_out["false_refusal_rate"] <= 0.10


def test_no_volunteered_story_in_the_corpus_is_refused_040b_040k() -> None:
    scorer = _scorer()
    cases = [c for c in scorer.load_cases() if c["class"] == "volunteered"]
    outcomes, _ = scorer.score(cases)
    assert not [o.case for o in outcomes if o.got in ("refused", "page-refused")]

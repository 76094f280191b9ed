"""Remembered audit-record work (issue 15) changes no record.

Invariants (AU-3 content of audit records, AU-9 tamper evidence):

* ``AuditLog.append_each`` remembers the checked shape of a record (everything but its
  ``request_id``) across batches. Any sequence of batches on ONE log — records refused, repeated
  with other request ids (some of which the log must refuse), in other Python shapes — leaves the
  log byte for byte the log one ``append`` per record leaves, and every answer is the same.
* ``Guard.record_fields`` remembers the value-free part of a decision's record by the decision
  object. The record offered for a decision is the record computed afresh
  (``Decision.to_record`` + ``summarise_paths``), however often the same decision is recorded, with
  whatever ``given`` paths and adapter, and changing one returned record changes no later one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.audit import open_audit
from status_guard.model import Item
from status_guard.safe_paths import summarise_paths

from .test_append_each import BATCH, _stored, _write_one_by_one, deterministic

SPLITS = st.lists(st.integers(1, 5), min_size=1, max_size=6)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(BATCH, min_size=1, max_size=4).map(lambda bs: [r for b in bs for r in b] * 2), cuts=SPLITS)
def test_remembered_shapes_across_batches_store_exactly_what_single_appends_store(
        tmp_path: Path, records: list[dict[str, Any]], cuts: list[int]) -> None:
    d = tmp_path / f"run-{len(list(tmp_path.iterdir()))}"
    d.mkdir()
    one, many = f"jsonl:{d / 'one'}", f"jsonl:{d / 'many'}"
    singles = _write_one_by_one(one, records, False)
    answers: list[Any] = []
    with deterministic():
        log = open_audit(many, fsync="never")
        i, k = 0, 0
        while i < len(records):  # the same records in several batches on one log
            n = cuts[k % len(cuts)]
            answers += log.append_each(records[i:i + n])
            i, k = i + n, k + 1
        log.close()
    assert _stored(many) == _stored(one)
    for s, b in zip(singles, answers, strict=True):
        if isinstance(s, Exception):
            assert type(b) is type(s) and str(b) == str(s)
        else:
            assert b == s


_GUARD = Guard.default(audit=None)
CATS = st.sampled_from(["citizenship_status", "immigration_status", "birthplace", "release_date", "home_address"])
ITEMS = st.lists(st.builds(lambda name, idx, cats: Item(f"{name}[{idx}].x" if idx >= 0 else name, frozenset(cats)),
                           st.sampled_from(["person", "items", "guardian", "dob_2012-01-01", "a1234567"]),
                           st.integers(-1, 30), st.sets(CATS, max_size=2)), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None)
@given(items=ITEMS, who=st.sampled_from(["local", "federal", "state"]), action=st.sampled_from(["disclose", "collect"]),
       given_paths=st.lists(st.sampled_from(["a.b", "items[3].note", "x"]), max_size=3),
       adapter=st.sampled_from(["asgi", "sql"]), repeats=st.integers(2, 4))
def test_the_record_of_a_remembered_decision_is_the_record_computed_afresh(
        items: list[Item], who: str, action: str, given_paths: list[str], adapter: str, repeats: int) -> None:
    decision = _GUARD.decide(action, items, scope="police", requester=who)
    fresh = decision.to_record()
    fresh["fields"] = summarise_paths([*fresh["fields"], *given_paths], names=adapter == "sql")
    for _ in range(repeats):
        rec = _GUARD.record_fields(decision, adapter=adapter, request_id="req-a", given=given_paths)
        assert {k: v for k, v in rec.items() if k not in ("adapter", "request_id", "monitor")} == fresh
        # a caller changing its record (nested lists and mappings too) changes no later record
        rec["fields"].append("changed")
        rec["citations"].append("changed")
        rec["requester"]["class"] = "changed"
        rec["policy"]["id"] = "changed"
        for e in rec["exceptions"]:
            e["id"] = "changed"

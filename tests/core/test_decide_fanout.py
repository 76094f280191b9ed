"""Decisions on records of a list are computed once per distinct (categories, public-record)
pair and fanned out: every item must still get exactly the outcome it gets on its own."""

from __future__ import annotations

from status_guard import Guard
from status_guard.model import Effect, Item


def _guard() -> Guard:
    return Guard.default(audit="memory:")


def test_federal_officer_list_records_each_get_their_own_outcome() -> None:
    guard = _guard()
    items = [
        Item("people[0].name", frozenset()),
        Item("people[0].home_address", frozenset({"home_address"})),
        Item("people[1].name", frozenset()),
        Item("people[1].home_address", frozenset({"home_address"})),
        Item("people[1].charge", frozenset({"incarceration_status"})),
        Item("people[2].home_address", frozenset({"home_address", "citizenship_status"})),
        Item("people[2].charge", frozenset({"incarceration_status"})),
        Item("people[3].release_date", frozenset({"release_date"}), value="2026-03-14"),
        Item("people[4].release_date", frozenset({"release_date"}), value="2026-03-15"),
    ]
    together = guard.decide("disclose", items, scope="police", requester="federal", public_record_fields=["charge"])
    for it, outcome in zip(items, together.fields, strict=True):
        alone = guard.decide("disclose", [it], scope="police", requester="federal", public_record_fields=["charge"])
        assert outcome == alone.fields[0], it.path
    assert {f.path: f.effect for f in together.fields}["people[0].home_address"] in (Effect.REDACT, Effect.STRIP)
    # every withheld path is listed once per item in the rule hits
    listed = [p for h in together.hits for p in h.paths]
    assert listed.count("people[1].home_address") == sum(
        1 for h in together.hits if "people[0].home_address" in h.paths)


def test_value_rule_fires_only_on_the_record_whose_value_triggers_it() -> None:
    guard = _guard()
    items = [Item(f"holds[{i}].hold_basis", frozenset({"detention_basis"}), value=v)
             for i, v in enumerate(["ICE detainer", "criminal warrant", "ICE detainer"])]
    together = guard.decide("detain", items, scope="police", requester="local")
    for it, outcome in zip(items, together.fields, strict=True):
        alone = guard.decide("detain", [it], scope="police", requester="local")
        assert outcome == alone.fields[0], it.path


def test_federal_officer_never_sees_a_protected_key_inside_list_records() -> None:
    guard = _guard()
    doc = {"records": [{"name": "A", "charge": "x"}, {"name": "B", "charge": "y", "A123456789": {"note": "ok"}}]}
    out = guard.redact(doc, scope="police", requester="federal", public_record_fields=["records[*].charge"])
    assert "A123456789" not in repr(out.document)
    assert out.document["records"][0]["charge"] == "x"

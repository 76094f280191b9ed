"""Carve-outs, keys and bookkeeping, decided per leaf (issue 10, classes 1, 7, 10, 13).

Invariants (the property suite in test_invariants.py generates the shapes; these are the named
cases a reviewer will look for first):

* 8 U.S.C. §1373 / 2.129.070 releases a **scalar status value under its own status key** and
  nothing else: not what is nested below a status key, not a date / address / long text stored
  "as the status", and never by inheritance from a parent key.
* A protected value used as a key is withheld for every category (A-numbers, dates, addresses,
  "Pereira, Ana"), not only A-numbers.
* In police scope a member of the public receives the declared public-record fields and nothing
  else — not status; a state agency receives the record.
* A redaction over hundreds of records produces one audit record that the log accepts, with
  summarised paths (``students[*].place_of_birth``), and never fails because of its size.
"""

from __future__ import annotations

import json
from pathlib import Path

from status_guard import Guard


def fed(guard: Guard, doc, **kw):
    return guard.redact(doc, "police", "federal", **kw).document


def test_federal_officer_receives_status_under_its_own_key(guard: Guard) -> None:
    out = fed(guard, {"person": {"citizenship_status": "Lawful permanent resident", "immigrationStatus": "H-1B",
                                 "is_us_citizen": False, "citizenship": ["US citizen"]}})
    assert out == {"person": {"citizenship_status": "Lawful permanent resident", "immigrationStatus": "H-1B",
                              "is_us_citizen": False, "citizenship": ["US citizen"]}}


def test_federal_officer_never_sees_what_is_nested_below_a_status_key(guard: Guard) -> None:
    out = fed(guard, {"immigration_status": {"notes": "lives at 12 Elm St", "since": "2019-03-02",
                                             "status": "asylee", "detail": {"release_date": "2026-12-01"}}})
    assert json.dumps(out).count("[REDACTED]") == 4


def test_federal_officer_never_sees_a_date_or_address_stored_as_the_status(guard: Guard) -> None:
    for value in ("2026-12-01", "12 Elm St", "December 1, 2026", "A123456789", 20261201,
                  "US citizen since 2019, released to 12 Elm St on December 1"):
        assert fed(guard, {"citizenship_status": value}) == {"citizenship_status": "[REDACTED]"}, value


def test_a_status_key_does_not_release_its_siblings_or_its_parent(guard: Guard) -> None:
    out = fed(guard, {"citizenship": "US citizen", "citizenship_notes": "release 2026-12-01 to ICE",
                      "home_address_citizenship": "12 Elm St"})
    assert out == {"citizenship": "US citizen", "citizenship_notes": "[REDACTED]",
                   "home_address_citizenship": "[REDACTED]"}


def test_protected_values_used_as_keys_are_withheld_for_every_category(guard: Guard) -> None:
    doc = {"A123456789": {"x": 1}, "2026-12-01": ["hearing"], "12 Elm St": {"unit": 3}, "Pereira, Ana": 1,
           "ana@example.org": 2, "617-555-0100": 3, "ok_key": 4}
    out = fed(guard, doc)
    text = json.dumps(out)
    for secret in ("123456789", "2026-12-01", "Elm", "Pereira", "example.org", "555"):
        assert secret not in text
    schools = guard.redact({"by_status": {"undocumented": 3}, "by_country_of_birth": {"Mexico": 4},
                            "students": {"A123456789": {"grade": 5}}}, "schools", "local").document
    assert not {"undocumented", "Mexico", "A123456789"} & set(json.dumps(schools).replace('"', " ").split())


def test_decision_paths_never_show_a_key_that_is_a_value(guard: Guard) -> None:
    r = guard.redact({"12 Elm St": {"note": "x"}, "A123456789": 1}, "police", "federal")
    paths = " ".join(f.path for f in r.decision.fields) + " ".join(r.redacted)
    assert "Elm" not in paths and "123456789" not in paths


def test_member_of_the_public_receives_public_records_only_not_status(guard: Guard) -> None:
    doc = {"person": {"name": "Ana", "citizenship_status": "US citizen", "home_address": "12 Elm St"},
           "bookings": [{"charge": "Trespass", "release_date": "2026-12-01"}]}
    out = guard.redact(doc, "police", "public", public_record_fields=["bookings[*].charge"]).document
    assert out == {"person": {"name": "[REDACTED]", "citizenship_status": "[REDACTED]", "home_address": "[REDACTED]"},
                   "bookings": [{"charge": "Trespass", "release_date": "[REDACTED]"}]}
    d = guard.redact(doc, "police", "public").decision
    assert "2.129.040(e)" in d.citations


def test_state_agency_receives_the_police_record(guard: Guard) -> None:
    doc = {"person": {"home_address": "12 Elm St", "release_date": "2026-12-01"}}
    assert guard.redact(doc, "police", "state").document == doc


def test_audit_record_of_a_long_redaction_summarises_paths_and_is_written(tmp_path: Path, guard: Guard) -> None:
    log = tmp_path / "audit.jsonl"
    g = Guard(guard.policy, audit=f"jsonl:{log}")
    roster = {"students": [{"name": f"S{i}", "place_of_birth": "Mexico", "grade": 5} for i in range(300)]}
    r = g.redact(roster, "schools", "federal")
    assert len(r.redacted) == 300
    rec = g.record(r.decision, adapter="asgi", route="GET /roster")
    assert rec["fields"] == ["students[*].place_of_birth"]
    stored = [json.loads(line) for line in log.read_text().splitlines() if '"decision"' in line]
    assert stored and stored[-1]["fields"] == ["students[*].place_of_birth"]


def test_audit_record_never_fails_however_many_distinct_paths(tmp_path: Path, guard: Guard) -> None:
    g = Guard(guard.policy, audit=f"jsonl:{tmp_path / 'a.jsonl'}")
    doc = {f"field_{chr(97 + i // 26)}{chr(97 + i % 26)}": {"inner": "x"} for i in range(600)}
    r = g.redact(doc, "police", "federal")
    rec = g.record(r.decision, adapter="asgi", route="GET /wide")
    assert 0 < len(rec["fields"]) <= 200


def test_free_text_in_a_public_record_is_redacted_span_by_span(guard: Guard) -> None:
    doc = {"incident": {"narrative": "Officers responded to 45 Prospect Street, Cambridge, MA 02139 for a noise "
                                     "complaint."}}
    out = guard.redact(doc, "police", "federal", public_record_fields=["incident.narrative"]).document
    assert "Prospect" not in out["incident"]["narrative"] and "noise complaint" in out["incident"]["narrative"]

"""The record allow-list: an audit record holds names, never values (NIST AU-3(3))."""

from __future__ import annotations

from typing import Any

import pytest

from status_guard.audit import AuditRecordError, build_record, keyed_ref, open_audit

SENTINELS = {
    "a_number": "A123456789",
    "a_number_dashed": "A-123-456-789",
    "street": "123 Main Street",
    "date": "1985-04-12",
    "phone": "617-555-0199",
    "email": "maria@example.org",
    "sql_literal": "status = 'undocumented'",
    "long_digits": "ssn 078051120",
}

# (slot, how to put a string into it)
SLOTS = {
    "fields": lambda r, s: r.__setitem__("fields", ["guardian.citizenship", s]),
    "citations": lambda r, s: r.__setitem__("citations", [s]),
    "categories": lambda r, s: r.__setitem__("categories", [s]),
    "rules": lambda r, s: r.__setitem__("rules", [s]),
    "route": lambda r, s: r.__setitem__("route", "GET /people/" + s),
    "fingerprint": lambda r, s: r.__setitem__("fingerprint", "SELECT id FROM people WHERE x = " + s),
    "agency": lambda r, s: r.__setitem__("requester", {"class": "federal", "agency": s}),
    "request_id": lambda r, s: r.__setitem__("request_id", s),
    "scope": lambda r, s: r.__setitem__("scope", s),
    "purpose": lambda r, s: r.__setitem__("purpose", s),
    "exception_reference": lambda r, s: r["exceptions"][0].__setitem__("reference", s),
    "legal_basis": lambda r, s: r["exceptions"][0].__setitem__("legal_basis", s),
    "department": lambda r, s: r.__setitem__("department", s),
}


@pytest.mark.parametrize("slot", sorted(SLOTS))
@pytest.mark.parametrize("sentinel", sorted(SENTINELS))
def test_a_value_in_any_string_slot_is_refused_and_not_echoed(make_record: Any, slot: str, sentinel: str) -> None:
    rec = make_record()
    value = SENTINELS[sentinel]
    SLOTS[slot](rec, value)
    with pytest.raises(AuditRecordError) as err:
        build_record(rec)
    assert value not in str(err.value)


def test_decision_to_record_shape_is_accepted_and_normalised(make_record: Any) -> None:
    out = build_record(make_record())
    assert out["kind"] == "decision"
    assert out["effect"] == "block"
    assert out["fields"] == ["guardian.citizenship"]
    assert "purpose" not in out  # None dropped
    assert out["exceptions"] == [{"id": "form-i9", "citation": "2.129.040(b)", "kind": "legal_basis",
                                  "legal_basis": "8 U.S.C. §1324a (Form I-9)"}]


def test_a_real_decision_from_the_model_is_accepted() -> None:
    model = pytest.importorskip("status_guard.model")
    d = model.Decision(
        effect=model.Effect.BLOCK, action="disclose", scope="police",
        requester=model.Requester("federal", "ICE ERO"), purpose=None,
        hits=(model.RuleHit("no-federal-address", "2.129.040(e)", "home address", model.Effect.BLOCK,
                            frozenset({"home_address"}), ("person.home_address",)),),
        fields=(model.FieldOutcome("person.home_address", frozenset({"home_address"}), model.Effect.BLOCK),),
        policy=model.PolicyRef("cambridge-2.129", "2026.1", "cd" * 32),
    )
    rec = build_record(d.to_record() | {"adapter": "asgi", "request_id": "r1", "route": "GET /people/{id}"})
    assert rec["citations"] == ["2.129.040(e)"]
    assert rec["fields"] == ["person.home_address"]
    assert rec["requester"] == {"class": "federal", "agency": "ICE ERO"}


@pytest.mark.parametrize("key", ["value", "citizenship", "body", "sql", "excerpt", "Maria Lopez", "A123456789"])
def test_a_key_outside_the_allow_list_is_refused_without_echoing_it(make_record: Any, key: str) -> None:
    rec = make_record()
    rec[key] = "x"
    with pytest.raises(AuditRecordError) as err:
        build_record(rec)
    if not key.islower() or " " in key:
        assert key not in str(err.value)


def test_a_value_looking_key_inside_a_sub_object_is_refused(make_record: Any) -> None:
    rec = make_record(requester={"class": "federal", "home_address": "x"})
    with pytest.raises(AuditRecordError, match="requester.home_address"):
        build_record(rec)


@pytest.mark.parametrize("cite", ["2.129.040(b)", "2.129.060(a)", "2-173-020(b)", "7284.6(a)(1)(C)",
                                  "ORS 181A.820", "§ 2.129.040(k)"])
def test_citations_of_other_trust_laws_are_accepted(make_record: Any, cite: str) -> None:
    assert build_record(make_record(citations=[cite]))["citations"] == [cite]


@pytest.mark.parametrize("path", ["guardian.citizenship", "parents[0].lugar_de_nacimiento", "students.birth_place",
                                  "données.nationalité", "学生.国籍", "items[*].status", "Address line 2"])
def test_field_paths_in_any_script_are_accepted(make_record: Any, path: str) -> None:
    assert build_record(make_record(fields=[path]))["fields"] == [path]


def test_fingerprint_must_have_its_literals_stripped(make_record: Any) -> None:
    ok = "SELECT s.id FROM students AS s WHERE s.citizenship = ? AND s.grade > $1 LIMIT ?"
    assert build_record(make_record(adapter="sql", fingerprint=ok))["fingerprint"] == ok
    for bad in ("SELECT * FROM t WHERE a = 42", "SELECT * FROM t -- note", "SELECT * FROM t WHERE a = $$x$$"):
        with pytest.raises(AuditRecordError, match="literal|comment"):
            build_record(make_record(adapter="sql", fingerprint=bad))
    assert build_record(make_record(fingerprint="ab" * 16))["fingerprint"] == "ab" * 16


def test_requester_subject_is_only_logged_as_a_keyed_reference(make_record: Any) -> None:
    rec = make_record(requester={"class": "federal", "agency": "ICE", "subject": "officer-7731"})
    with pytest.raises(AuditRecordError, match="subject"):
        build_record(rec)
    key = b"k" * 32
    out = build_record(rec, correlation_key=key)
    assert out["requester"]["subject_ref"] == keyed_ref(key, "officer-7731", purpose="subject")
    assert "officer-7731" not in repr(out)
    assert keyed_ref(key, "Officer-7731", purpose="subject") == out["requester"]["subject_ref"]
    assert keyed_ref(b"j" * 32, "officer-7731", purpose="subject") != out["requester"]["subject_ref"]


def _event(**ev: Any) -> dict[str, Any]:
    base = {"type": "detainer_request", "person_ref": "0f" * 32, "case_ref": "CPD-2026-0042",
            "instrument": "i_247a", "department": "Police", "disclosable": True, "amount": "1250.00",
            "occurred_at": "2026-03-02T10:00:00Z"}
    base.update(ev)
    return {"kind": "event", "event": base}


def test_compliance_event_with_typed_fields_is_accepted() -> None:
    out = build_record(_event())
    assert out["adapter"] == "event"
    assert out["event"]["amount"] == "1250.00"
    assert out["event"]["disclosable"] is True


@pytest.mark.parametrize("bad", [
    {"amount": 1250.5},                 # floats are refused: amounts are decimal strings
    {"amount": "12,50"},
    {"person_ref": "Maria Lopez"},      # a name where a keyed hash belongs
    {"person_ref": "A123456789"},
    {"disclosable": "yes"},
    {"case_ref": "A123456789"},
    {"count": True},
    {"home_address": "x"},              # not an allow-listed event key
    {"notes": "free text"},
    {"type": "Detainer Request"},
])
def test_event_sub_object_is_validated_key_by_key(bad: dict[str, Any]) -> None:
    with pytest.raises(AuditRecordError) as err:
        build_record(_event(**bad))
    for v in bad.values():
        if isinstance(v, str) and len(v) > 3:
            assert v not in str(err.value)


@pytest.mark.parametrize("key", ["seq", "hash", "prev_hash", "time", "writer"])
def test_caller_cannot_set_chain_fields(make_record: Any, key: str) -> None:
    with pytest.raises(AuditRecordError, match="set by the audit log"):
        build_record(make_record(**{key: "0" * 64}))


@pytest.mark.parametrize("kind", ["start", "end", "checkpoint", "continuation", "heartbeat"])
def test_caller_cannot_write_markers(make_record: Any, kind: str) -> None:
    with pytest.raises(AuditRecordError, match="kind"):
        build_record(make_record(kind=kind))


def test_refused_record_is_not_written_and_log_stays_valid(make_record: Any) -> None:
    log = open_audit("memory:")
    log.append(make_record())
    with pytest.raises(AuditRecordError):
        log.append(make_record(fields=["A123456789"]))
    log.close()
    assert b"A123456789" not in b"".join(log.raw_lines())
    assert log.verify().ok


def test_oversized_lists_are_refused(make_record: Any) -> None:
    with pytest.raises(AuditRecordError, match="at most"):
        build_record(make_record(fields=[f"f{i}" for i in range(300)]))

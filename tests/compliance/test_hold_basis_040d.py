"""2.129.040(d): no hold whose only basis is an ICE detainer or administrative warrant — and no way around it
by a typo.

Invariants:
* ``--hold-basis`` takes only the policy's vocabulary (``compliance.hold_bases``): anything else — a typo,
  free text, a form number typed another way — is refused before any check, and nothing is written;
* a hold is refused exactly when every basis given is immigration-only; the refused attempt is logged;
* the accepted bases are stored in the record as the vocabulary's codes, so an auditor sees them;
* the vocabulary and the 040(d) value rule agree, or the toolkit refuses to start.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.compliance import EventError
from status_guard.compliance.jurisdiction import check_vocabulary, jurisdiction_of
from status_guard.errors import PolicyError, RefusedError

VOCAB = jurisdiction_of(__import__("status_guard.policy", fromlist=["load_policy"]).load_policy(None))
CODES = sorted(VOCAB.hold_bases)
ICE_ONLY = {c for c, hb in VOCAB.hold_bases.items() if hb.immigration_only}


def test_the_pack_defines_a_vocabulary_with_both_kinds_of_basis():
    assert ICE_ONLY and set(CODES) - ICE_ONLY
    assert {"ice_detainer", "administrative_warrant", "criminal_warrant", "court_order"} <= set(CODES)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(CODES), min_size=1, max_size=4, unique=True))
def test_a_hold_is_refused_exactly_when_every_basis_is_immigration_only(recorder, audit_log, bases):
    before = sum(1 for _ in audit_log.raw_lines())
    if set(bases) <= ICE_ONLY:
        with pytest.raises(RefusedError) as e:
            recorder.record("detained_on_ice_hold", person_id="BK-9", hold_basis=bases)
        assert "2.129.040(d)" in e.value.decision.citations
        after = list(audit_log.records())
        assert len(after) > before
        assert after[-1]["kind"] == "decision" and after[-1]["effect"] == "block"
    else:
        stored = recorder.record("detained_on_ice_hold", person_id="BK-9", hold_basis=bases)
        assert stored["event"]["hold_basis"] == list(dict.fromkeys(bases))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=30).filter(lambda s: s.strip().lower().replace("-", "_").replace(" ", "_")
                                                not in VOCAB.hold_bases))
def test_a_basis_outside_the_vocabulary_is_refused_and_nothing_is_written(recorder, audit_log, typo):
    before = sum(1 for _ in audit_log.raw_lines())
    with pytest.raises(EventError) as e:
        recorder.record("detained_on_ice_hold", person_id="BK-9", hold_basis=[typo])
    assert e.value.param == "hold_basis"
    assert sum(1 for _ in audit_log.raw_lines()) == before


@pytest.mark.parametrize("typo", ["ice_detaner", "I-247A", "ICE detainer (fax)", "criminal warrant; ice detainer",
                                  "crimnal_warrant", ""])
def test_typos_of_real_bases_cannot_pass_the_check(recorder, typo):
    with pytest.raises(EventError):
        recorder.record("detained_on_ice_hold", person_id="BK-9", hold_basis=[typo, "ice_detainer"])


def test_the_cli_offers_the_vocabulary_and_suggests_the_closest_code(log_path, key_file):
    env = {"STATUS_GUARD_AUDIT": str(log_path), "STATUS_GUARD_PERSON_KEY_FILE": str(key_file)}
    runner = CliRunner()
    res = runner.invoke(__import__("status_guard.cli", fromlist=["cli"]).cli,
                        ["events", "add", "detained_on_ice_hold", "--person-id", "BK-1", "--hold-basis",
                         "crimnal_warrant", "--occurred-at", "now"], env=env)
    assert res.exit_code == 2
    assert '--hold-basis' in res.output and 'did you mean "criminal_warrant"' in res.output
    assert not log_path.exists() or b"crimnal" not in log_path.read_bytes()
    vocab = runner.invoke(__import__("status_guard.cli", fromlist=["cli"]).cli, ["events", "vocabulary"])
    assert "ice_detainer" in vocab.output and "refused (040(d))" in vocab.output


def test_a_vocabulary_that_disagrees_with_the_value_rule_stops_the_toolkit(guard):
    from status_guard.compliance.jurisdiction import HoldBasisCode, Jurisdiction

    bad = Jurisdiction(tz_name="UTC", hold_bases={
        "ice_detainer": HoldBasisCode("ice_detainer", "ICE detainer", immigration_only=False),
        "criminal_warrant": HoldBasisCode("criminal_warrant", "Warrant", immigration_only=False)})
    with pytest.raises(PolicyError, match="ice_detainer"):
        check_vocabulary(bad, guard)
    sneaky = Jurisdiction(tz_name="UTC", hold_bases={
        "dhs_detainer": HoldBasisCode("dhs_detainer", "x", immigration_only=False)})
    with pytest.raises(PolicyError, match="dhs_detainer"):
        check_vocabulary(sneaky, guard)  # the value rule refuses it alone: it cannot be declared "other"


def test_the_refused_attempt_is_dated_when_it_occurred(recorder, audit_log):
    with pytest.raises(RefusedError):
        recorder.record("detained_on_ice_hold", person_id="BK-9", hold_basis=["ice_detainer"],
                        occurred_at="2026-02-10 22:30 America/New_York")
    refused = [r for r in audit_log.records() if r.get("kind") == "decision"][-1]
    assert refused["occurred_at"] == "2026-02-11T03:30:00Z"



def test_a_form_number_typed_as_a_hold_basis_suggests_the_code_whose_meaning_names_it(tmp_path, policy):
    """w16b S6: `--hold-basis I-247` (the ICE detainer form) suggested "i_203"."""
    import re

    from click.testing import CliRunner

    from status_guard.cli import cli
    from status_guard.compliance.jurisdiction import jurisdiction_of

    j = jurisdiction_of(policy)
    forms = {f: c for c, hb in j.hold_bases.items() for f in re.findall(r"I-\d{3}[A-Z]?", hb.label)}
    assert forms  # the vocabulary names its forms
    for form, code in forms.items():
        if form.lower().replace("-", "_") in j.hold_bases:
            continue  # a form that is itself a code (I-203) is accepted as that code
        res = CliRunner().invoke(cli, ["events", "add", "detained_on_ice_hold", "--audit", str(tmp_path / "a.jsonl"),
                                       "--person-ref", "a" * 64, "--hold-basis", form,
                                       "--occurred-at", "now"])
        assert res.exit_code == 2 and f'did you mean "{code}"' in res.output, (form, res.output)
        assert not (tmp_path / "a.jsonl").exists() or "detained_on_ice_hold" not in (tmp_path / "a.jsonl").read_text()

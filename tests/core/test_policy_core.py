"""The policy core: Cambridge 2.129 clause by clause, the decision engine, the loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from status_guard import Claim, Effect, Guard, Item, PolicyError, PolicyValidationError, Requester
from status_guard.policy import json_schema, load_policy, policy_from_text

PACKS = Path(__file__).parent / "packs"


# -- 2.129.040(b): no inquiry about immigration or citizenship status ------------------------------
@pytest.mark.parametrize("scope", ["city", "police", "schools"])
@pytest.mark.parametrize(
    "field",
    ["citizenship", "isUsCitizen[]", "form[citizen]", "citizenshipInfo.status", "immigration_status",
     "alien_registration_number", "passport_number", "greenCardHolder", "undocumented"],
)
def test_no_form_anywhere_in_the_city_may_ask_status(guard: Guard, scope: str, field: str) -> None:
    d = guard.check_submission({field: "x", "first_name": "x"}, scope=scope, requester="local")
    assert d.effect is Effect.BLOCK
    assert "2.129.040(b)" in d.citations
    assert d.field(field).effect is Effect.BLOCK
    assert d.field("first_name").effect is Effect.ALLOW


def test_declared_legal_basis_allows_form_i9_and_is_recorded(guard: Guard) -> None:
    claim = Claim("required-by-law", legal_basis="8 U.S.C. §1324a (Form I-9)")
    d = guard.check_submission({"citizenship_status": "x"}, scope="city", requester="local", claims=[claim])
    assert d.effect is Effect.FLAG
    assert d.exceptions_used and d.exceptions_used[0].legal_basis == "8 U.S.C. §1324a (Form I-9)"
    rec = d.to_record()
    assert rec["exceptions"][0]["legal_basis"] == "8 U.S.C. §1324a (Form I-9)"


def test_a_legal_basis_limited_to_status_does_not_cover_a_passport(guard: Guard) -> None:
    claim = Claim("required-by-law", legal_basis="8 U.S.C. §1324a", categories=frozenset({"citizenship_status"}))
    d = guard.check_submission({"citizenship": "x", "passport_number": "x"}, scope="city", requester="local",
                               claims=[claim])
    assert d.field("citizenship").effect is Effect.FLAG
    assert d.field("passport_number").effect is Effect.BLOCK


def test_empty_legal_basis_is_not_an_exception(guard: Guard) -> None:
    d = guard.check_submission({"citizenship": "x"}, scope="city", requester="local",
                               claims=[Claim("required-by-law", legal_basis="  ")])
    assert d.effect is Effect.BLOCK


def test_claim_naming_unknown_exception_is_a_configuration_error(guard: Guard) -> None:
    with pytest.raises(PolicyError, match="unknown exception `made-up`"):
        guard.check_submission({"citizenship": "x"}, scope="city", requester="local", claims=[Claim("made-up", "x")])


def test_strip_mode_removes_only_the_offending_field(guard: Guard) -> None:
    d = guard.check_submission({"citizenship": "x", "name": "x"}, scope="city", requester="local", strip=True)
    assert d.effect is Effect.STRIP
    assert d.paths_with(Effect.STRIP) == ("citizenship",)


def test_nested_json_and_lists_are_checked(guard: Guard) -> None:
    body = {"household": {"members": [{"name": "a"}, {"name": "b", "immigrationStatus": "x"}]}}
    d = guard.check_submission(body, scope="city", requester="local")
    assert d.effect is Effect.BLOCK
    assert d.paths_with(Effect.BLOCK) == ("household.members[1].immigrationStatus",)


def test_a_status_answer_in_an_innocent_field_is_caught(guard: Guard) -> None:
    d = guard.check_submission({"q7": "Permanent resident"}, scope="city", requester="local")
    assert d.effect is Effect.BLOCK
    d = guard.check_submission({"q8": "U.S. citizen"}, scope="schools", requester="local")
    assert d.effect is Effect.BLOCK


def test_a_number_value_is_caught_case_sensitively(guard: Guard) -> None:
    assert "alien_registration_number" in guard.classify_field("id", value="A123456789")
    assert "alien_registration_number" in guard.classify_field("id", value="A-123-456-789")
    assert "alien_registration_number" not in guard.classify_field("id", value="a123456789")


# -- 2.129.040(k): schools -----------------------------------------------------------------------
def test_school_enrollment_never_requires_parent_citizenship(guard: Guard) -> None:
    d = guard.check_submission({"parent1citizenship1": "x"}, scope="schools", requester="local")
    assert d.effect is Effect.BLOCK
    assert {"2.129.040(k)", "2.129.040(b)"} <= set(d.citations)


def test_school_place_of_birth_only_for_english_learner_services(guard: Guard) -> None:
    assert guard.check_submission({"country_of_birth": "x"}, scope="schools", requester="local").effect is Effect.BLOCK
    ok = guard.check_submission({"country_of_birth": "x"}, scope="schools", requester="local", purpose="ell_services")
    assert ok.effect is Effect.ALLOW


def test_school_place_of_birth_is_never_distributed(guard: Guard) -> None:
    r = guard.redact({"student": {"name": "x", "birthplace": "y"}}, scope="schools", requester="local")
    assert r.document["student"]["birthplace"] == "[REDACTED]"
    assert r.document["student"]["name"] == "x"
    assert "2.129.040(k)" in r.decision.citations


def test_school_record_never_distributes_status_even_to_local(guard: Guard) -> None:
    r = guard.redact({"student": {"immigration_status": "y"}}, scope="schools", requester="local")
    assert r.document["student"]["immigration_status"] == "[REDACTED]"


# -- 2.129.040(c) / (a): selection by status or traits ----------------------------------------------
def _sel(guard: Guard, cats: set[str], scope: str = "police", purpose: str | None = None):
    return guard.decide("select_by", [Item("t.c", frozenset(cats))], scope=scope, requester="local", purpose=purpose)


def test_police_never_select_people_by_immigration_status(guard: Guard) -> None:
    d = _sel(guard, {"immigration_status"})
    assert d.effect is Effect.BLOCK and "2.129.040(c)" in d.citations


def test_human_trafficking_investigation_is_the_only_exception_and_is_recorded(guard: Guard) -> None:
    d = _sel(guard, {"immigration_status"}, purpose="human_trafficking_investigation")
    assert d.effect is Effect.FLAG
    assert d.exceptions_used[0].purpose == "human_trafficking_investigation"
    assert _sel(guard, {"immigration_status"}, purpose="equity_statistics").effect is Effect.BLOCK


def test_operational_filtering_by_race_is_flagged_not_blocked(guard: Guard) -> None:
    d = _sel(guard, {"race_ethnicity"}, scope="city")
    assert d.effect is Effect.FLAG and d.citations == ("2.129.040(a)",)


def test_equity_statistics_by_race_are_allowed(guard: Guard) -> None:
    d = _sel(guard, {"race_ethnicity"}, scope="city", purpose="equity_statistics")
    assert d.effect is Effect.ALLOW
    assert d.exceptions_used  # still visible in the audit record


# -- 2.129.040(e) + 2.129.070: federal requests ----------------------------------------------------
BOOKING = {
    "person": {
        "first_name": "R", "home_address": "1 Main St", "work_address": "2 Elm St", "release_date": "2026-12-01",
        "hearing_date": "2026-12-02", "incarceration_status": "in custody", "days_in_custody": 3,
        "citizenship_status": "not a U.S. citizen", "immigration_status": "asylee",
    }
}
PROTECTED = ["first_name", "home_address", "work_address", "release_date", "hearing_date",
             "incarceration_status", "days_in_custody"]


@pytest.mark.parametrize("requester", ["federal", "federal_immigration", "unknown"])
def test_federal_officer_never_sees_protected_information(guard: Guard, requester: str) -> None:
    r = guard.redact(BOOKING, scope="police", requester=requester)
    for key in PROTECTED:
        assert r.document["person"][key] == "[REDACTED]", key
    assert r.decision.effect is Effect.REDACT
    assert "2.129.040(e)" in r.decision.citations


def test_citizenship_status_may_reach_federal_officer_under_1373(guard: Guard) -> None:
    r = guard.redact(BOOKING, scope="police", requester="federal_immigration")
    assert r.document["person"]["citizenship_status"] == "not a U.S. citizen"
    assert r.document["person"]["immigration_status"] == "asylee"


def test_local_officer_gets_the_full_record(guard: Guard) -> None:
    r = guard.redact(BOOKING, scope="police", requester="local")
    assert r.document == BOOKING and not r.changed


def test_default_deny_covers_fields_nobody_classified(guard: Guard) -> None:
    r = guard.redact({"person": {"favourite_colour": "blue"}}, scope="police", requester="federal")
    assert r.document["person"]["favourite_colour"] == "[REDACTED]"


def test_public_record_fields_pass_to_federal_officer(guard: Guard) -> None:
    r = guard.redact({"arrest": {"charge": "x", "home_address": "y"}}, scope="police", requester="federal",
                     public_record_fields=["arrest.charge"])
    assert r.document["arrest"]["charge"] == "x"
    assert r.document["arrest"]["home_address"] == "[REDACTED]"


def test_a_field_mixing_status_and_address_is_not_carved_out(guard: Guard) -> None:
    d = guard.decide("disclose", [Item("p.x", frozenset({"citizenship_status", "home_address"}))], scope="police",
                     requester="federal")
    assert d.effect is Effect.REDACT


def test_redact_does_not_modify_the_input(guard: Guard) -> None:
    before = json.dumps(BOOKING, sort_keys=True)
    guard.redact(BOOKING, scope="police", requester="federal")
    assert json.dumps(BOOKING, sort_keys=True) == before


def test_redact_lists_of_records(guard: Guard) -> None:
    r = guard.redact([{"home_address": "a"}, {"home_address": "b"}], scope="police", requester="federal")
    assert r.document == [{"home_address": "[REDACTED]"}, {"home_address": "[REDACTED]"}]


# -- 2.129.040(h): custody access ---------------------------------------------------------------
def test_ice_never_reaches_a_person_in_custody_without_judicial_warrant(guard: Guard) -> None:
    d = guard.check_access(scope="police", requester="federal_immigration")
    assert d.effect is Effect.BLOCK and d.citations == ("2.129.040(h)",)


def test_verified_judicial_warrant_allows_access_and_is_recorded(guard: Guard) -> None:
    c = Claim("judicial-warrant", legal_basis="judicial warrant", reference="1:26-mj-1", verified=True)
    d = guard.check_access(scope="police", requester="federal_immigration", claims=[c])
    assert d.effect is Effect.FLAG
    assert d.exceptions_used[0].kind == "verified_instrument"


def test_unverified_warrant_is_refused(guard: Guard) -> None:
    c = Claim("judicial-warrant", legal_basis="judicial warrant", reference="1:26-mj-1", verified=False)
    assert guard.check_access(scope="police", requester="federal_immigration", claims=[c]).effect is Effect.BLOCK


# -- 2.129.040(d): holds ------------------------------------------------------------------------
@pytest.mark.parametrize("basis", ["ice_detainer", "I-247A", "ICE administrative warrant", "I-200", "i_205"])
def test_no_hold_solely_on_an_ice_detainer_or_administrative_warrant(guard: Guard, basis: str) -> None:
    d = guard.check_submission({"hold_basis": basis}, scope="police", requester="local", action="detain")
    assert d.effect is Effect.BLOCK and "2.129.040(d)" in d.citations


def test_hold_on_a_criminal_warrant_with_a_detainer_is_not_sole_basis(guard: Guard) -> None:
    d = guard.check_submission({"hold_basis": ["criminal_warrant", "ice_detainer"]}, scope="police",
                               requester="local", action="detain")
    assert d.effect is Effect.ALLOW


# -- decisions carry citations and explain themselves without values ---------------------------------
def test_every_rule_has_a_citation_and_reason(guard: Guard) -> None:
    for r in guard.policy.all_rules():
        assert r.citation.startswith("2.129.")
        assert len(r.reason) > 20


def test_decision_explanation_and_record_hold_no_values(guard: Guard) -> None:
    sentinel = "SENTINEL-9f3c"
    d = guard.check_submission({"citizenship": sentinel, "home_address": sentinel}, scope="city", requester="local")
    assert sentinel not in d.explain()
    assert sentinel not in json.dumps(d.to_record())
    assert sentinel not in repr(d)


def test_refusal_reason_in_the_forms_language(guard: Guard) -> None:
    d = guard.check_submission({"citizenship": "x"}, scope="schools", requester="local")
    assert "escuela" in d.explain("es")
    assert "学校" in d.explain("zh")


def test_unknown_scope_requester_or_purpose_is_refused_not_guessed(guard: Guard) -> None:
    with pytest.raises(PolicyError, match="unknown scope"):
        guard.check_submission({"a": "b"}, scope="library", requester="local")
    with pytest.raises(PolicyError, match="unknown requester class"):
        guard.check_submission({"a": "b"}, scope="city", requester="ice")
    with pytest.raises(PolicyError, match="unknown purpose"):
        guard.check_submission({"a": "b"}, scope="city", requester="local", purpose="curiosity")


def test_requester_object_and_mapping_are_accepted(guard: Guard) -> None:
    d = guard.redact({"home_address": "x"}, scope="police", requester=Requester("federal", agency="FBI"))
    assert d.decision.to_record()["requester"] == {"class": "federal", "agency": "FBI"}
    d2 = guard.redact({"home_address": "x"}, scope="police", requester={"class": "federal"})
    assert d2.decision.effect is Effect.REDACT


def test_missing_requester_is_treated_as_unknown_and_restricted(guard: Guard) -> None:
    r = guard.redact({"home_address": "x"}, scope="police")
    assert r.decision.requester.cls == "unknown"
    assert r.document["home_address"] == "[REDACTED]"


def test_requester_comes_from_request_context(guard: Guard) -> None:
    from status_guard.context import RequestContext, request_context

    with request_context(RequestContext(Requester("federal_immigration"), purpose=None)):
        r = guard.redact({"home_address": "x"}, scope="police")
    assert r.decision.requester.cls == "federal_immigration"


# -- the policy pack and its loader ------------------------------------------------------------
def test_policy_examples_all_pass(guard: Guard) -> None:
    from status_guard.policy.examples import run_examples

    results = run_examples(guard)
    assert len(results) >= 30
    assert [r for r in results if not r.ok] == []


def test_every_ordinance_clause_is_mapped(guard: Guard) -> None:
    cited = {r.citation for r in guard.policy.all_rules()} | {n.citation for n in guard.policy.file.notes}
    for letter in "abcdefghijk":
        assert f"2.129.040({letter})" in cited, letter
    for sec in ("2.129.050", "2.129.060", "2.129.070"):
        assert sec in cited


def test_struck_u_visa_paragraph_is_not_a_rule(guard: Guard) -> None:
    text = json.dumps(guard.policy.file.model_dump(mode="json")).lower()
    assert "u visa" not in text and "t visa" not in text


def test_a_second_jurisdiction_is_only_a_yaml_file() -> None:
    g = Guard.from_policy(PACKS / "tiny-trust-act.yaml")
    d = g.check_submission({"lieu_de_naissance": "x", "nom": "y"}, scope="agency", requester="staff")
    assert d.effect is Effect.STRIP and d.citations == ("TA §15",)
    # Cambridge vocabulary means nothing there
    with pytest.raises(PolicyError):
        g.check_submission({"a": "b"}, scope="police", requester="staff")
    assert g.classify_field("citizenship") == frozenset()
    from status_guard.policy.examples import run_examples

    assert all(r.ok for r in run_examples(g))


def test_policy_errors_name_file_line_and_key(tmp_path: Path) -> None:
    text = (PACKS / "tiny-trust-act.yaml").read_text().replace("effect: strip", "effect: obliterate")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(PolicyValidationError) as ei:
        load_policy(bad)
    (file, line, key, msg), *_ = ei.value.problems
    assert file == str(bad)
    assert key == "rules[0].effect"
    assert text.splitlines()[line - 1].strip() == "effect: obliterate"


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    text = (PACKS / "tiny-trust-act.yaml").read_text().replace("version: \"1\"", "version: \"1\"\nversion: \"2\"")
    with pytest.raises(PolicyValidationError, match="duplicate key"):
        policy_from_text(text, "dup.yaml")


def test_dangling_references_are_refused() -> None:
    text = (PACKS / "tiny-trust-act.yaml").read_text().replace("categories: [birthplace]", "categories: [birthplase]")
    with pytest.raises(PolicyValidationError, match="unknown category `birthplase`"):
        policy_from_text(text, "x.yaml")


def test_a_wrong_example_fails_policy_test_loudly(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from status_guard.cli import cli

    text = (PACKS / "tiny-trust-act.yaml").read_text().replace("expect: strip", "expect: allow")
    p = tmp_path / "wrong.yaml"
    p.write_text(text)
    res = CliRunner().invoke(cli, ["policy", "test", "--policy", str(p)])
    assert res.exit_code == 1
    assert "FAIL  no-birthplace-question" in res.output and "expected effect allow, got strip" in res.output


def test_policy_test_passes_on_cambridge_pack() -> None:
    from click.testing import CliRunner

    from status_guard.cli import cli

    res = CliRunner().invoke(cli, ["policy", "test"])
    assert res.exit_code == 0, res.output
    assert ", 0 failed" in res.output


def test_published_json_schema_is_current(repo_root: Path) -> None:
    published = json.loads((repo_root / "policies" / "policy.schema.json").read_text())
    assert published == json_schema(), "run: status-guard policy schema > policies/policy.schema.json"


def test_policy_hash_changes_with_content() -> None:
    base = (PACKS / "tiny-trust-act.yaml").read_text()
    a = policy_from_text(base)
    b = policy_from_text(base.replace('version: "1"', 'version: "2"'))
    assert a.hash != b.hash and len(a.hash) == 64


@pytest.mark.parametrize("basis", ["ICE detainer (I-247A)", "DHS detainer; ICE hold", "I-200 / I-205",
                                   "detainer de inmigración", "ice\u200bdetainer"])
def test_free_text_hold_whose_only_basis_is_a_detainer_is_refused(guard: Guard, basis: str) -> None:
    d = guard.check_submission({"hold_basis": basis}, scope="police", requester="local", action="detain")
    assert d.effect is Effect.BLOCK and "2.129.040(d)" in d.citations


@pytest.mark.parametrize("basis", ["criminal warrant; ICE detainer", "District Court order, detainer on file",
                                   "OUI charge and ICE detainer", "bench warrant"])
def test_hold_with_a_judicial_or_criminal_basis_alongside_a_detainer_is_not_refused(guard: Guard, basis: str) -> None:
    d = guard.check_submission({"hold_basis": basis}, scope="police", requester="local", action="detain")
    assert d.effect is Effect.ALLOW, d.explain()
